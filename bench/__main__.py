"""`python -m bench` (`make bench`): the whole benchmark, in the order that keeps the figures honest.

Trainings run first and alone (two cores: anything beside them would slow them down), then the
held-out evaluation; then, for the project's pipeline and for Rasa's stock one, the real servers
(Rasa, the action server, the gateway) on free ports with a throw-away statistics database: the
open-loop table (offered rate against p50 / p95 / p99 and errors), an hour's worth of conversations
and the memory after it, and, for the project, the in-process profile; then the project's table
again with one and with two Rasa servers sharing conversations through Redis. Memory is sampled
throughout.
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Optional

import psutil

from bench.conversations import ConversationSource
from bench.load import converse_many, first_reply, offered_load
from bench.memory import (
    ACTION_SERVER,
    GATEWAY,
    MB,
    RASA_SERVER,
    SERVERS,
    MemorySampler,
    import_chain,
    maps_library,
    memory_steps,
    utilisation,
)
from bench.profiling import log_like_the_server, profile_in_process
from bench.report import evaluate_targets, findings, write
from bench.scaling import one_and_two_servers
from bench.training import TrainingError, train_cold
from bench.understanding import understanding
from bot.model_cache import fingerprint
from bot.settings import PROJECT_ROOT, Settings

STOCK_CONFIG = "bench/stock_config.yml"
# An hour of a busy day: two new conversations a second (the phase runs them as fast as answered).
HOUR_CONVERSATIONS = 7_200
RESULTS_DIR = PROJECT_ROOT / "results"


def free_port() -> int:
    """A port free right now, so the benchmark can run beside `make run` or the tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    """The full run by default; --quick fills in smaller defaults for a smoke run while developing."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: the cached model (no cold training), 8 s at 10 and 20 messages/s, no stock "
        "baseline, no second Rasa server",
    )
    parser.add_argument("--no-stock", action="store_true", help="skip training the stock baseline")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process profile")
    parser.add_argument(
        "--no-scale", action="store_true", help="skip the table of one and two Rasa servers through Redis"
    )
    parser.add_argument(
        "--rates", type=float, nargs="+", help="offered messages per second (default 10 20 30 40 60 80 100)"
    )
    parser.add_argument("--seconds", type=float, help="seconds of load per rate (default 30)")
    parser.add_argument(
        "--hour", type=int, help="conversations for the memory-after-an-hour phase (default 7200)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    quick = args.quick
    args.rates = args.rates or ([10, 20] if quick else [10, 20, 30, 40, 60, 80, 100])
    args.seconds = args.seconds or (8 if quick else 30)
    args.hour = args.hour if args.hour is not None else (300 if quick else HOUR_CONVERSATIONS)
    args.warmup_seconds = 5 if quick else 15
    args.no_stock = args.no_stock or quick
    args.no_scale = args.no_scale or quick
    return args


def _git_commit() -> str:
    """Which code the figures belong to; the tree is shared, so uncommitted changes are flagged."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out.stdout.strip() + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _busy_cpu_seconds() -> float:
    """CPU time of the whole machine, to show how much other work ran beside a load phase."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def _service_name(name: str) -> str:
    """bot.services names a service "rasa", "actions" or "gateway"; the report as bench.memory does."""
    return {"rasa": RASA_SERVER, "actions": ACTION_SERVER, "gateway": GATEWAY}.get(name, name)


def _serve_and_load(args: argparse.Namespace, label: str, model: Path, work: Path) -> Dict[str, Any]:
    """Start-up, the open-loop table, the memory after an hour of conversations and (for the project)
    the profile, against the real servers as `make run` starts them, the gateway included."""
    from bot.services import ServiceError, running_servers

    run_dir = work / f"run-{label}"
    settings = replace(
        Settings(),
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        web_host="127.0.0.1",
        run_dir=run_dir,
        database_url=f"sqlite:///{work / f'statistics-{label}.sqlite3'}",
    )
    served: Dict[str, Any] = {}
    sampler = MemorySampler()
    sampler.start()
    print(f"[bench] serving the {label} pipeline", flush=True)
    spawned = time.monotonic()
    try:
        with running_servers(settings, model, with_gateway=True) as services:
            ready = time.monotonic() - spawned
            _, failures = first_reply(settings.rasa_url)
            served["startup"] = {
                "servers_ready_s": round(ready, 1),
                "first_reply_s": round(time.monotonic() - spawned, 1),
                "failed_first_attempts": failures,
            }
            source = ConversationSource(seed=7)
            offered_load([settings.rasa_url], source, [5], args.warmup_seconds)  # warm-up, not recorded
            cpu_before, busy_before, started = sampler.cpu_seconds(), _busy_cpu_seconds(), time.monotonic()
            served["open_loop"] = offered_load([settings.rasa_url], source, args.rates, args.seconds)
            wall = time.monotonic() - started
            served["cpu_cores"] = utilisation(cpu_before, sampler.cpu_seconds(), wall)
            served["cpu_cores_whole_machine"] = round((_busy_cpu_seconds() - busy_before) / wall, 2)
            if args.hour:
                print(f"[bench] {args.hour} short conversations, then the memory", flush=True)
                started = time.monotonic()
                errors = converse_many(settings.rasa_url, source, args.hour)
                now = sampler.sample()
                served["hour"] = {
                    "conversations": args.hour,
                    "errors": errors,
                    "seconds": round(time.monotonic() - started),
                    "rss_mb": {name: round(now[name].rss / MB) for name in SERVERS if name in now},
                }
                served["hour"]["total_mb"] = sum(served["hour"]["rss_mb"].values())
            served["tensorflow_loaded"] = {
                _service_name(service.name): maps_library(psutil.Process(service.process.pid), "tensorflow")
                for service in services
            }
            if served["tensorflow_loaded"].get(ACTION_SERVER):
                served["action_server_tensorflow_import_chain"] = import_chain("actions", "tensorflow")
            if label == "project" and not args.no_profile:
                served["profile"] = profile_in_process(model, settings.action_url, quick=args.quick)
    except ServiceError as error:
        for log in sorted(run_dir.glob("*.log")):
            print(f"--- {log.name} (end) ---\n{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
        raise SystemExit(f"[bench] {error}") from error
    finally:
        sampler.stop()
    served["memory"] = sampler.summary()
    return served


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    # This process loads models too (evaluation, profile): as quiet as bot.settings makes the servers.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    results: Dict[str, Any] = {
        "meta": {
            "mode": "quick (--quick)" if args.quick else "full",
            "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "commit": _git_commit(),
            "model_inputs_fingerprint": fingerprint(PROJECT_ROOT),
            "cores": psutil.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
            "load_before": _load_average(),
            "rates": args.rates,
            "seconds_per_rate": args.seconds,
        }
    }
    sampler = MemorySampler()  # the trainings' memory; each serving phase has its own sampler
    sampler.start()
    try:
        with tempfile.TemporaryDirectory(prefix="lao-helpline-bench-") as tmp:
            work = Path(tmp)
            log_like_the_server(work / "rasa-in-bench.log")
            models: Dict[str, Path] = {}
            results["training"] = {}
            if args.quick:
                from bot.model_cache import ensure_model

                models["project"] = ensure_model(Settings())
            else:
                project = train_cold("project pipeline", "config.yml", work, "project")
                results["training"]["project"] = project.summary()
                models["project"] = project.model
            if not args.no_stock:
                try:
                    stock = train_cold("stock pipeline", STOCK_CONFIG, work, "stock")
                    results["training"]["stock"] = stock.summary()
                    models["stock"] = stock.model
                except TrainingError as error:  # the baseline failing must not cost the rest of the run
                    print(f"[bench] {error}", file=sys.stderr)
                    results["stock_training_error"] = str(error)[-2000:]
            results["understanding"] = understanding(models)
            results["serving"] = {
                label: _serve_and_load(args, label, model, work) for label, model in models.items()
            }
            if not args.no_scale:
                results["scaling"] = one_and_two_servers(
                    models["project"], work, args.rates, args.seconds, args.warmup_seconds
                )
            print("[bench] what the Rasa server's memory is made of (a separate probe process)", flush=True)
            results["memory_steps"] = memory_steps(models["project"])
    except TrainingError as error:
        raise SystemExit(f"[bench] {error}") from error
    finally:
        sampler.stop()
    results["memory"] = sampler.summary()
    results["meta"]["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    results["meta"]["load_after"] = _load_average()
    results["targets"] = evaluate_targets(results)
    results["findings"] = findings(results, results["targets"])
    md = write(results, args.out)
    print(md.read_text(encoding="utf-8"))
    print(f"[bench] written to {md} and {md.with_suffix('.json')}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
