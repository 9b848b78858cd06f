"""`helpline run` (what `make run` calls) looks after itself: a crashed Rasa server, action server or
gateway is restarted and the console says so; GET /health on the gateway reports each part, and a
part that is down; `kill -9` of `helpline run` leaves no server running."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import psutil
import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.fake_telegram import FakeTelegram
from tests.privacy.test_make_run import roles, wait_up
from tests.servers_helpers import TOKEN

pytestmark = pytest.mark.servers

SECRET_KEY = f"supervision-key-{uuid.uuid4().hex}"


class Run:
    """A real `helpline run --no-chat`, its console read as it prints."""

    def __init__(self, tmp: Path, telegram: FakeTelegram, more: Optional[Dict[str, str]] = None) -> None:
        self.ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "GATEWAY_PORT": free_port()}
        self.database = tmp / "statistics.sqlite3"
        env = {
            **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "XDG_CACHE_HOME")},
            **{name: str(port) for name, port in self.ports.items()},
            "HELPLINE_RUN_DIR": str(tmp / "run"),
            "HELPLINE_STATS_DB": str(self.database),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": telegram.base_url,
            "HELPLINE_SENDER_KEY": SECRET_KEY,
            "RASA_TELEMETRY_ENABLED": "false",
            **(more or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--no-chat"], cwd=PROJECT_ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        self.lines: List[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.seen: Dict[int, psutil.Process] = {}  # every server process it ever started

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.ports['GATEWAY_PORT']}"

    def children(self) -> Dict[str, psutil.Process]:
        found = roles(psutil.Process(self.process.pid))
        self.seen.update({child.pid: child for child in found.values()})
        return found

    def said(self, needle: str, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(needle in line for line in self.lines):
                return True
            time.sleep(0.2)
        return False

    def say(self, text: str, session: str) -> Dict[str, Any]:
        body = json.dumps({"session": session, "text": text, "language": "en"}).encode()
        request = urllib.request.Request(
            self.gateway + "/api/message", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read().decode("utf-8"))

    def health(self) -> Dict[str, Any]:
        with urllib.request.urlopen(self.gateway + "/health", timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))

    def wait_answered(self, session: str, timeout: float = 300) -> Dict[str, Any]:
        """Her message, again and again, until the assistant itself answers (not the gateway's numbers)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = self.say("/greet", session)
                if not answer.get("offline"):
                    return answer
            except OSError:
                pass  # the gateway itself is being restarted
            assert time.monotonic() < deadline, "the assistant did not answer again"
            time.sleep(2)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[Run]:
    telegram = FakeTelegram().start()
    started = Run(tmp_path_factory.mktemp("supervision"), telegram)
    try:
        wait_up(f"http://127.0.0.1:{started.ports['RASA_PORT']}/webhooks/rest/")
        wait_up(started.gateway + "/health?parts=no")
        started.children()
        yield started
    finally:
        if started.process.poll() is None:
            started.process.send_signal(signal.SIGTERM)
            started.process.wait(60)
        for child in started.seen.values():  # never leave a server behind, whatever a test did
            if child.is_running():
                child.kill()
        telegram.stop()


def test_the_health_endpoint_reports_each_part(run: Run) -> None:
    session = uuid.uuid4().hex
    run.wait_answered(session)
    deadline = time.monotonic() + 60
    while not run.health()["telegram"]:  # the gateway connects to (the fake) Telegram in the background
        assert time.monotonic() < deadline
        time.sleep(0.5)
    health = run.health()
    print("\nhealth:", json.dumps(health))
    assert health["status"] == "ok" and health["telegram"] is True
    [rasa] = health["rasa"]
    assert rasa["up"] and rasa["model"] and rasa["action_server"] is True
    assert rasa["statistics"]["database"] is True and "redis" not in rasa  # no Redis configured
    text = json.dumps(health)
    assert TOKEN not in text and TOKEN.split(":")[0] not in text and SECRET_KEY not in text


def test_the_health_endpoint_reports_a_part_that_is_down(run: Run) -> None:
    actions = run.children()["actions"]
    os.kill(actions.pid, signal.SIGSTOP)  # hangs: not dead, so not restarted, but not answering
    try:
        health = run.health()
        print("\naction server hanging:", json.dumps(health))
        assert health["status"] == "degraded" and health["rasa"][0]["action_server"] is False
    finally:
        os.kill(actions.pid, signal.SIGCONT)
    holder = sqlite3.connect(run.database, timeout=1)  # the statistics file locked by another program
    holder.execute("BEGIN EXCLUSIVE")
    try:
        health = run.health()
        print("statistics locked:", json.dumps(health))
        assert health["status"] == "degraded" and health["rasa"][0]["statistics"]["database"] is False
    finally:
        holder.rollback()
        holder.close()
    assert run.health()["status"] == "ok"


@pytest.mark.parametrize("part", ["rasa", "actions", "gateway"])
def test_a_crashed_part_is_restarted_and_the_conversation_goes_on(run: Run, part: str) -> None:
    session = uuid.uuid4().hex
    run.wait_answered(session)
    before = run.children()[part]
    restarts = sum(f"{part} restarted" in line for line in run.lines)
    before.send_signal(signal.SIGKILL)
    assert run.said(f"{part} stopped (exit code -9); restarting it in"), run.lines[-10:]
    deadline = time.monotonic() + 60
    while sum(f"{part} restarted" in line for line in run.lines) <= restarts:
        assert time.monotonic() < deadline, run.lines[-10:]
        time.sleep(0.2)
    answer = run.wait_answered(session)
    after = run.children()[part]
    assert after.pid != before.pid and answer["replies"]
    assert run.said(f"{part} is running again")
    print(f"\n{part}: " + " | ".join(line for line in run.lines if part in line)[-300:])


def test_kill_9_of_helpline_run_leaves_no_server_running(run: Run) -> None:
    children = run.children()
    assert set(children) == {"rasa", "actions", "gateway"}
    run.process.send_signal(signal.SIGKILL)
    run.process.wait(30)
    deadline = time.monotonic() + 60
    alive = list(run.seen.values())
    while alive and time.monotonic() < deadline:
        time.sleep(0.5)
        alive = [p for p in run.seen.values() if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [" ".join(p.cmdline()[:4]) for p in alive]
    for port in run.ports.values():  # and nothing listens on their ports any more
        connections = psutil.net_connections("inet")
        assert not [c for c in connections if c.laddr.port == port and c.status == psutil.CONN_LISTEN], port


def test_make_run_with_two_rasa_servers_and_redis_keeps_a_conversation_through_a_crash(
    tmp_path: Path, model_path: Path
) -> None:
    """RASA_PROCESSES=2 with REDIS_URL: `helpline run` starts both, the gateway spreads conversations over
    them, and when one crashes her conversation goes on, with its slots, on the other while it restarts."""
    from tests.failover_helpers import free_port_pair
    from tests.redis_server import fresh_redis

    redis_url = fresh_redis()
    telegram = FakeTelegram().start()
    first = free_port_pair()
    run = Run(tmp_path, telegram, {"REDIS_URL": redis_url, "RASA_PROCESSES": "2", "RASA_PORT": str(first)})
    run.ports["RASA_PORT"] = first
    try:
        for port in (first, first + 1):
            wait_up(f"http://127.0.0.1:{port}/webhooks/rest/")
        wait_up(run.gateway + "/health?parts=no")
        children = psutil.Process(run.process.pid).children(recursive=True)
        servers = [c for c in children if "bot.runtime.rasa_server" in " ".join(c.cmdline())]
        assert len(servers) == 2
        sessions = [uuid.uuid4().hex for _ in range(8)]
        for session in sessions:
            assert not run.say('/inform_location{"location": "thailand"}', session).get("offline")
        assert all(server["answered"] > 0 for server in run.health()["rasa"])  # both have conversations
        servers[0].send_signal(signal.SIGKILL)
        assert run.said("stopped (exit code -9)")  # "rasa" or "rasa-2", whichever was killed
        offline = 0
        for session in sessions:
            answer = run.say("/ask_hotline", session)
            offline += bool(answer.get("offline"))
            text = json.dumps(answer, ensure_ascii=False)
            assert answer.get("offline") or "1300" in text, text  # Thailand's numbers: the slot held
        assert offline <= 1
        assert run.said("restarted (restart 1)")
    finally:
        run.process.send_signal(signal.SIGTERM)
        run.process.wait(90)
        telegram.stop()
