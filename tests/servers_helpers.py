"""Own Rasa, action and gateway processes for the load and fault tests.

These tests kill and restart servers, so they never touch the session-wide `servers`
fixture: each stack has its own ports, log directory and statistics database.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import psutil
import sqlalchemy as sa

from bot.gateway import texts
from bot.services import Service, start_action_server, start_gateway, start_rasa_server
from bot.settings import Settings
from bot.vocabulary import LANGUAGES
from tests.conftest import free_port
from tests.fake_telegram import Call, FakeTelegram, text_update

# "A way to get help": the Lao Women's Union and the Thai help line.
HELP_NUMBERS = ("1362", "1300")
TOKEN = "123456789:TEST-load-and-fault-token"
SENDER_KEY = "test-key-for-the-fault-tests"
READY_SECONDS = 240  # loading the model takes ~25 s alone; much longer when the two cores are shared
REPLY_KINDS = ("sendMessage", "sendContact")
_DROPPED = re.compile(r"statistics buffer full: (\d+) event\(s\) dropped")


def own_settings(run_dir: Path, database_url: Optional[str] = None) -> Settings:
    """Free ports, logs in run_dir, statistics in a SQLite file there unless a URL is given."""
    run_dir.mkdir(parents=True, exist_ok=True)
    return replace(
        Settings(),
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        run_dir=run_dir,
        web_host="127.0.0.1",
        database_url=database_url or f"sqlite:///{run_dir / 'statistics.sqlite3'}",
    )


def tree_rss(process: subprocess.Popen) -> int:
    """Resident memory of a server and all its children, in bytes."""
    root = psutil.Process(process.pid)
    total = 0
    for member in (root, *root.children(recursive=True)):
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def kill_hard(service: Service) -> None:
    """kill -9 on the server's own process group (it was started in a new session)."""
    if service.process.poll() is None:
        os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait(30)


# --- statistics ------------------------------------------------------------------------------------


def event_counts(database_url: str) -> Counter:
    """Statistics rows by kind; empty while the table does not exist yet or the database is down."""
    from bot.stats.store import create_engine

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = sa.text("SELECT kind, SUM(count) FROM daily_counts GROUP BY kind")
            rows = connection.execute(query).all()
        return Counter({kind: int(count) for kind, count in rows})
    except sa.exc.SQLAlchemyError:
        return Counter()
    finally:
        engine.dispose()


def wait_for_events(database_url: str, kind: str, expected: int, timeout: float = 60) -> int:
    """Poll until `expected` rows of `kind` are written (the broker writes through a buffer)."""
    deadline = time.monotonic() + timeout
    while True:
        found = event_counts(database_url)[kind]
        if found >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def settled_count(database_url: str, kind: str, quiet: float = 1.5, timeout: float = 30) -> int:
    """The count once it stopped moving: the baseline before a test adds its own events."""
    deadline = time.monotonic() + timeout
    last, since = event_counts(database_url)[kind], time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.25)
        now = event_counts(database_url)[kind]
        if now != last:
            last, since = now, time.monotonic()
    return last


def dropped_in_log(log_path: Path) -> int:
    """Events the store said it dropped (it logs the running total when its buffer overflows)."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return max((int(n) for n in _DROPPED.findall(text)), default=0)


def log_count(log_path: Path, needle: str) -> int:
    return log_path.read_text(errors="replace").count(needle) if log_path.exists() else 0


def log_grows(log_path: Path, needle: str, before: int, timeout: float = 20) -> bool:
    """Whether the log gained a line with `needle` (beyond the `before` it had) within the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if log_count(log_path, needle) > before:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)


# --- talking through the gateway -------------------------------------------------------------------


def _replies(telegram: FakeTelegram, chat_id: int) -> List[Call]:
    return [c for m in REPLY_KINDS for c in telegram.calls_to(m, chat_id)]


def gateway_turn(
    telegram: FakeTelegram, chat_id: int, text: str, language_code: str = "en", timeout: float = 40
) -> List[Call]:
    """One message from her, through the gateway; every message and contact card it sent back."""
    return gateway_exchange(telegram, chat_id, text_update(telegram, chat_id, text, language_code), timeout)


def gateway_exchange(
    telegram: FakeTelegram, chat_id: int, update: Dict[str, Any], timeout: float = 40
) -> List[Call]:
    """One update (a message, a button press) through the gateway; everything it sent back to her."""
    before = len(_replies(telegram, chat_id))
    telegram.push(update)
    deadline = time.monotonic() + timeout
    while len(_replies(telegram, chat_id)) <= before:
        assert time.monotonic() < deadline, f"no reply through the gateway to {update} in {timeout:.0f} s"
        time.sleep(0.05)
    # The replies to one message come one after another: wait until none came for a second.
    count, since = len(_replies(telegram, chat_id)), time.monotonic()
    while time.monotonic() - since < 1.0:
        time.sleep(0.05)
        now = len(_replies(telegram, chat_id))
        if now != count:
            count, since = now, time.monotonic()
    return sorted(_replies(telegram, chat_id), key=lambda c: c.at)[before:]


def has_help(calls: List[Call]) -> bool:
    """A text with 1362 or 1300 in it, or a contact card for one of them."""
    for call in calls:
        if call.method == "sendMessage" and any(n in str(call.params.get("text")) for n in HELP_NUMBERS):
            return True
        if call.method == "sendContact" and str(call.params.get("phone_number")) in HELP_NUMBERS:
            return True
    return False


GATEWAY_OWN_REPLIES = frozenset(
    texts.escape(texts.with_numbers(texts.BACKEND_DOWN, language)) for language in LANGUAGES
)


def from_gateway_itself(calls: List[Call]) -> bool:
    """The gateway's own "not working right now" line with the numbers, sent when Rasa cannot answer."""
    return any(c.method == "sendMessage" and c.params.get("text") in GATEWAY_OWN_REPLIES for c in calls)


def describe(calls: List[Call]) -> str:
    return " | ".join(
        f"{c.method}: {str(c.params.get('text') or c.params.get('phone_number'))[:80]!r}" for c in calls
    )


# --- the stack -------------------------------------------------------------------------------------


@dataclass
class Stack:
    """An action server, a Rasa server and (optionally) a gateway polling its own FakeTelegram."""

    settings: Settings
    model: Path
    with_gateway: bool = True
    actions: Optional[Service] = None
    rasa: Optional[Service] = None
    gateway: Optional[Service] = None
    telegram: Optional[FakeTelegram] = None
    restarts: Dict[str, int] = field(default_factory=dict)
    actions_package: str = "actions"  # a test may start the action server on another package

    def _run_dir(self, name: str) -> Settings:
        """Each (re)start logs to a directory of its own: the log of a stopped server is evidence."""
        number = self.restarts.get(name, 0)
        self.restarts[name] = number + 1
        return replace(self.settings, run_dir=self.settings.run_dir / f"{name}-{number}")

    def spawn_actions(self) -> Service:
        """Starts the action server on the stack's port without waiting for it."""
        self.actions = start_action_server(self._run_dir("actions"), self.actions_package)
        return self.actions

    def start_actions(self) -> Service:
        self.spawn_actions().wait_ready(READY_SECONDS)
        return self.actions

    def spawn_rasa(self) -> Service:
        """Starts the Rasa server on the stack's port without waiting for it."""
        # One spool file for every restart, as `make run` has: what one run could not write, the next does.
        spool = {"HELPLINE_STATS_SPOOL": str(self.settings.run_dir / "statistics-spool.jsonl")}
        self.rasa = start_rasa_server(self._run_dir("rasa"), self.model, spool)
        return self.rasa

    def start(self) -> Stack:
        """All of them at once (the gateway needs no Rasa to start), then wait until each is ready."""
        services = [self.spawn_actions(), self.spawn_rasa()]
        if self.with_gateway:
            self.telegram = FakeTelegram().start()
            env = {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": self.telegram.base_url,
                "HELPLINE_SENDER_KEY": SENDER_KEY,
                "GATEWAY_PORT": str(self.settings.gateway_port),
            }
            self.gateway = start_gateway(self._run_dir("gateway"), env)
            services.append(self.gateway)
        for service in services:
            service.wait_ready(READY_SECONDS)
        return self

    def ensure_running(self) -> None:
        """Brings back whatever an earlier test left stopped, so the tests do not depend on their order."""
        if self.actions is None or self.actions.process.poll() is not None:
            self.start_actions()
        if self.rasa is None or self.rasa.process.poll() is not None:
            self.spawn_rasa()
        self.rasa.wait_ready(READY_SECONDS)

    def stop(self) -> None:
        for service in (self.gateway, self.rasa, self.actions):
            if service is not None:
                service.stop(30)
        if self.telegram is not None:
            self.telegram.stop()


@contextmanager
def running_stack(
    settings: Settings, model: Path, with_gateway: bool = True, actions_package: str = "actions"
) -> Iterator[Stack]:
    with ExitStack() as cleanup:
        stack = Stack(settings, model, with_gateway, actions_package=actions_package)
        cleanup.callback(stack.stop)
        yield stack.start()
