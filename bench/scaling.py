"""One Rasa server against two, both sharing conversations through a throw-away Redis server.

The single-server table of the main phase keeps conversations in memory; here both rows use Redis, so
the difference between them is the second server alone, not the store. On two cores the second server
competes with the first for the same CPU: what it buys is measured, not assumed.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence

import psutil

from bench.conversations import ConversationSource
from bench.load import offered_load
from bench.memory import MB
from bot.settings import Settings


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (Rasa servers take RASA_PORT and the ones after)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
    raise RuntimeError(f"no {count} consecutive free ports")


@contextlib.contextmanager
def throwaway_redis(work: Path) -> Iterator[str]:
    """A Redis server on loopback that keeps nothing on disk, stopped at the end of the block."""
    port = _free_ports(1)
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(work)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _resident_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / MB


def one_and_two_servers(
    model: Path, work: Path, rates: Sequence[float], seconds: float, warmup_seconds: float
) -> Dict[str, Any]:
    """The open-loop table with one and with two Rasa servers, each conversation on one server."""
    from bot.services import running_servers

    if not shutil.which("redis-server"):
        return {"skipped": "redis-server is not installed (scripts/system-packages.sh installs it)"}
    tables: Dict[str, Any] = {}
    with throwaway_redis(work) as redis_url:
        for count in (1, 2):
            settings = replace(
                Settings(),
                rasa_port=_free_ports(count),
                action_port=_free_ports(1),
                run_dir=work / f"run-scale-{count}",
                database_url=f"sqlite:///{work / f'statistics-scale-{count}.sqlite3'}",
                redis_url=redis_url,
                rasa_processes=count,
            )
            print(f"[bench] {count} Rasa server(s) with Redis", flush=True)
            with running_servers(settings, model, rasa_servers=count) as services:
                urls: List[str] = settings.local_rasa_urls
                source = ConversationSource(seed=11)
                offered_load(urls, source, [5], warmup_seconds)  # warm-up, not recorded
                table = offered_load(urls, source, rates, seconds)
                rasa = [s for s in services if s.name.startswith("rasa")]
                tables[str(count)] = {
                    "open_loop": table,
                    "rasa_rss_mb": round(sum(_resident_mb(s.process.pid) for s in rasa)),
                }
    return tables
