"""Cold, timed training runs.

`make train` reuses a model from the cache, and Rasa reuses trained components from its own
cache; either would hide the real cost. Here every training writes into a fresh temporary
directory with an empty RASA_CACHE_DIRECTORY, through the same `rasa train` command
bot.model_cache.train runs, and each output line is time-stamped so the log tells which
component took how long.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Deque, Dict, List, Tuple

from bot.model_cache import train_command
from bot.settings import PROJECT_ROOT, child_environment

_STARTED = re.compile(r"Starting to train component '([^']+)'")
_FINISHED = re.compile(r"Finished training component '([^']+)'")


class TrainingError(RuntimeError):
    """`rasa train` failed; the message carries the end of its output."""


@dataclass
class TrainingRun:
    label: str
    config: str
    model: Path
    seconds: float
    # (component, seconds) in the order Rasa trained them; a component used twice appears twice.
    components: List[Tuple[str, float]] = field(default_factory=list)

    def summary(self) -> Dict[str, object]:
        return {
            "label": self.label,
            "config": self.config,
            "seconds": round(self.seconds, 1),
            "components": [{"component": c, "seconds": round(s, 1)} for c, s in self.components],
        }


def _component_times(stamped: List[Tuple[float, str]]) -> List[Tuple[str, float]]:
    """Pairs Rasa's 'Starting/Finished training component' lines into durations."""
    open_since: Dict[str, List[float]] = {}
    done: List[Tuple[str, float]] = []
    for at, line in stamped:
        started = _STARTED.search(line)
        if started:
            open_since.setdefault(started.group(1), []).append(at)
            continue
        finished = _FINISHED.search(line)
        if finished and open_since.get(finished.group(1)):
            done.append((finished.group(1), at - open_since[finished.group(1)].pop(0)))
    return done


def train_cold(label: str, config: str, work_dir: Path, name: str) -> TrainingRun:
    """Trains `config` on the project's domain and data from nothing, and times the whole process."""
    out_dir = work_dir / f"models-{name}"
    cache_dir = work_dir / f"rasa-cache-{name}"
    out_dir.mkdir(parents=True)
    cache_dir.mkdir(parents=True)
    env = child_environment("train")
    env["RASA_CACHE_DIRECTORY"] = str(cache_dir)  # empty: nothing may come from an earlier training
    env["PYTHONUNBUFFERED"] = "1"  # the time stamps are taken as lines arrive
    command = train_command(config, out_dir, name)
    log_path = work_dir / f"train-{name}.log"
    stamped: List[Tuple[float, str]] = []
    tail: Deque[str] = deque(maxlen=40)
    print(f"[bench] training the {label} cold (log: {log_path})", flush=True)
    started = time.monotonic()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert process.stdout is not None
        for line in process.stdout:
            at = time.monotonic() - started
            stamped.append((at, line))
            tail.append(line)
            log.write(f"{at:8.1f} {line}")
            log.flush()
        returncode = process.wait()
    seconds = time.monotonic() - started
    model = out_dir / f"{name}.tar.gz"
    if returncode != 0 or not model.exists():
        raise TrainingError(f"rasa train ({label}) failed with code {returncode}:\n{''.join(tail)}")
    print(f"[bench] trained the {label} in {seconds:.0f} s", flush=True)
    return TrainingRun(label, config, model, seconds, _component_times(stamped))
