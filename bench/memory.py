"""Resident memory and CPU of every process the benchmark starts, sampled in a background thread.

The servers and trainings are children of this process (bot.services and bench.training spawn
them), so walking our own children finds them from their first moment, start-up included, with
no process ids passed around. Each child counts together with its own children.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import psutil

RASA_SERVER = "Rasa server"
ACTION_SERVER = "action server"
GATEWAY = "gateway"
SERVERS = (RASA_SERVER, ACTION_SERVER, GATEWAY)
DRIVER = "bench driver (this process; not counted)"
MB = 1_000_000
# How bot.services starts each server (python -m <module> ...), and a Rasa server started directly.
_MODULES = {
    "bot.runtime.rasa_server": RASA_SERVER,
    "bot.runtime.action_server": ACTION_SERVER,
    "rasa_sdk": ACTION_SERVER,
}


def classify(process: psutil.Process) -> Optional[str]:
    """A readable name for one of our direct children, from its command line; None: not ours to count
    (a passing `git`, a process already gone)."""
    try:
        args = process.cmdline()
    except psutil.Error:
        return None
    module = args[args.index("-m") + 1] if "-m" in args[:-1] else None
    if module in _MODULES:
        return _MODULES[module]
    if module == "bot.cli" and "gateway" in args:
        return GATEWAY
    if module == "rasa" and "run" in args:
        return RASA_SERVER
    if module == "rasa" and "train" in args:
        config = args[args.index("--config") + 1] if "--config" in args else "config.yml"
        return f"training ({'stock' if 'stock' in config else 'project'} pipeline)"
    return None


def _tree(process: psutil.Process) -> List[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return [process]


@dataclass
class Usage:
    rss: int = 0
    cpu_seconds: float = 0.0


@dataclass
class MemorySampler:
    """Call start() before spawning anything and stop() at the end; peaks hold the maxima."""

    interval: float = 0.2
    peaks: Dict[str, int] = field(default_factory=dict)
    # The largest sum of both servers at one instant (the sum of their peaks is the safe figure).
    peak_servers_together: int = 0
    samples: int = 0
    _cpu: Dict[str, Dict[int, float]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: Optional[threading.Thread] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> Dict[str, Usage]:
        """One reading of every child process tree (and of this process)."""
        me = psutil.Process()
        now: Dict[str, Usage] = {}
        try:
            children = me.children(recursive=False)
        except psutil.Error:
            children = []
        readings = [(DRIVER, [me])]
        readings += [(name, _tree(child)) for child in children if (name := classify(child))]
        with self._lock:
            for name, processes in readings:
                usage = now.setdefault(name, Usage())
                for process in processes:
                    try:
                        with process.oneshot():
                            usage.rss += process.memory_info().rss
                            times = process.cpu_times()
                    except psutil.Error:
                        continue
                    if name != DRIVER or process is me:
                        seconds = times.user + times.system
                        self._cpu.setdefault(name, {})[process.pid] = seconds
                        usage.cpu_seconds += seconds
            for name, usage in now.items():
                self.peaks[name] = max(self.peaks.get(name, 0), usage.rss)
            together = sum(now[name].rss for name in SERVERS if name in now)
            self.peak_servers_together = max(self.peak_servers_together, together)
            self.samples += 1
        return now

    def cpu_seconds(self) -> Dict[str, float]:
        """CPU time used so far by each named process tree, for utilisation over a phase."""
        self.sample()
        with self._lock:
            return {name: sum(by_pid.values()) for name, by_pid in self._cpu.items()}

    def summary(self) -> Dict[str, object]:
        with self._lock:
            servers = {name: self.peaks.get(name, 0) for name in SERVERS}
            return {
                "interval_s": self.interval,
                "samples": self.samples,
                "peak_rss_mb": {name: round(rss / MB, 1) for name, rss in sorted(self.peaks.items())},
                "servers_sum_of_peaks_mb": round(sum(servers.values()) / MB, 1),
                "servers_peak_together_mb": round(self.peak_servers_together / MB, 1),
            }


def utilisation(before: Dict[str, float], after: Dict[str, float], seconds: float) -> Dict[str, float]:
    """Cores used by each process over a phase (1.0 = one core fully busy)."""
    return {
        name: round((after[name] - before.get(name, 0.0)) / seconds, 2)
        for name in after
        if seconds > 0 and after[name] - before.get(name, 0.0) > 0
    }


_IMPORT_CHAIN_PROBE = """
import importlib, json, pkgutil, sys

chain = []

class Finder:
    def find_spec(self, fullname, path=None, target=None):
        if fullname == sys.argv[2] and not chain:
            frame = sys._getframe(1)
            while frame:
                if frame.f_code.co_name == "<module>":
                    chain.append(frame.f_globals.get("__name__", "?"))
                frame = frame.f_back
        return None

sys.meta_path.insert(0, Finder())
package = importlib.import_module(sys.argv[1])  # as rasa_sdk's executor does: the package, then each module
for module in pkgutil.walk_packages(package.__path__, sys.argv[1] + "."):
    importlib.import_module(module.name)
print(json.dumps(list(reversed(chain))))
"""


def maps_library(process: psutil.Process, needle: str) -> bool:
    """Whether a process (or a child) has a shared library whose path contains `needle` mapped."""
    for member in _tree(process):
        try:
            if any(needle in m.path for m in member.memory_maps()):
                return True
        except psutil.Error:
            continue
    return False


def _run_probe(script: str, args: List[str], timeout: float) -> Optional[Any]:
    """Runs a probe script in a fresh Python (as the servers run) and reads the JSON of its last
    line; None when it fails."""
    import json
    import subprocess
    import sys

    from bot.settings import PROJECT_ROOT, child_environment

    try:
        out = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=PROJECT_ROOT,
            env=child_environment("train"),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def import_chain(package: str, target: str) -> List[str]:
    """The modules through which importing `package` (and its modules) first imports `target`;
    empty when it does not. Answers 'why does this process carry TensorFlow?'."""
    chain = _run_probe(_IMPORT_CHAIN_PROBE, [package, target], timeout=180)
    return [name for name in chain or [] if name != "__main__"]


_MEMORY_PROBE = """
import asyncio, json, sys, psutil

me = psutil.Process()
steps = [("Python and psutil", me.memory_info().rss)]
import tensorflow
steps.append(("import tensorflow", me.memory_info().rss))
import rasa.core.agent, rasa.core.run
steps.append(("import Rasa (server, agent)", me.memory_info().rss))
from rasa.core.agent import Agent
from rasa.engine.graph import GraphNode

load_component = GraphNode._load_component
def measured(self, **kwargs):  # each component as it loads; the rest of loading is put in its own step
    before = me.memory_info().rss
    load_component(self, **kwargs)
    added = me.memory_info().rss - before
    if added > 5_000_000:
        name = self._node_name.removeprefix("run_").rsplit(".", 1)[-1].rstrip("0123456789")
        steps.append((f"load {name}", steps[-1][1] + added))
GraphNode._load_component = measured
agent = Agent.load(sys.argv[1])
steps.append(("load the model (unpacking, domain, the rest)", me.memory_info().rss))
async def talk():
    for text in ("hello", "สวัสดีค่ะ", "ສະບາຍດີ", "what is the hotline number"):
        await agent.parse_message(text)
asyncio.run(talk())
steps.append(("parse a few messages (lazy dictionaries, caches)", me.memory_info().rss))
print(json.dumps(steps))
"""


def memory_steps(model: Path) -> List[Dict[str, object]]:
    """RSS of a fresh process as it becomes a Rasa server step by step, to say what the server's memory
    is made of; [] if the probe fails (it is an explanation, not a measurement the targets use)."""
    steps = _run_probe(_MEMORY_PROBE, [str(model)], timeout=300)
    if steps is None:
        return []
    rows, previous = [], 0
    for name, rss in steps:
        rows.append({"step": name, "rss_mb": round(rss / MB, 1), "added_mb": round((rss - previous) / MB, 1)})
        previous = rss
    return rows
