"""A `make run` start (`helpline run`, what `make run` calls) as a person uses it: which addresses each
server listens on, which settings each child process gets, a scripted conversation in each language
with a typed "/...", a turn the gateway gives up on, a language choice and /erase, then a stop, and
no trace of what she wrote, her chat id or its hash anywhere under the project, the run folder, the
statistics or the model cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import psutil
import pytest

from bot.gateway.identity import sender_id
from bot.settings import PROJECT_ROOT, Settings
from bot.text.language_id import detect_language
from tests.conftest import free_port
from tests.fake_telegram import FakeTelegram, button_update
from tests.privacy.traces import find_traces
from tests.servers_helpers import TOKEN, from_gateway_itself, gateway_exchange, gateway_turn, has_help

pytestmark = pytest.mark.servers

KEY = f"make-run-key-{uuid.uuid4().hex}"
MARK = uuid.uuid4().hex[:8]
CHATS = {"lo": 810_000_000 + free_port(), "th": 820_000_000 + free_port(), "en": 830_000_000 + free_port()}
WORDS = {
    "lo": f"ຊ່ວຍແດ່ ນ້ອງແກ້ວ{MARK} ຖືກຂັງໄວ້",
    "th": f"ช่วยด้วย น้องพร{MARK} ถูกขังไว้",
    "en": f"help, my friend Noy{MARK} is locked in",
}


def roles(root: psutil.Process) -> Dict[str, psutil.Process]:
    found = {}
    for child in root.children(recursive=True):
        command = " ".join(child.cmdline())
        for role, marker in (("rasa", "bot.runtime.rasa_server"), ("actions", "bot.runtime.action_server"),
                             ("gateway", "bot.cli gateway")):  # fmt: skip
            if marker in command:
                found[role] = child
    return found


def listening(process: psutil.Process) -> List[str]:
    return sorted(
        {c.laddr.ip for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
    )


def wait_up(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not come up"
            time.sleep(1)


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("make-run")
    telegram = FakeTelegram().start()
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "GATEWAY_PORT": free_port()}
    env = {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "XDG_CACHE_HOME")},
        **{name: str(port) for name, port in ports.items()},
        "HELPLINE_RUN_DIR": str(tmp / "run"),
        "HELPLINE_STATS_DB": str(tmp / "statistics.sqlite3"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram.base_url,
        "HELPLINE_SENDER_KEY": KEY,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--no-chat"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_up(f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/")
        wait_up(f"http://127.0.0.1:{ports['GATEWAY_PORT']}/health")
        yield {"process": process, "telegram": telegram, "tmp": tmp, "ports": ports}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(60)
        telegram.stop()


def test_only_the_gateway_listens_beyond_loopback_and_each_child_has_only_its_settings(started: dict) -> None:
    children = roles(psutil.Process(started["process"].pid))
    assert set(children) == {"rasa", "actions", "gateway"}
    assert listening(children["rasa"]) == ["127.0.0.1"]
    assert listening(children["actions"]) == ["127.0.0.1"]
    assert listening(children["gateway"]) in (["0.0.0.0"], ["::"])
    environments = {role: child.environ() for role, child in children.items()}
    for role in ("rasa", "actions"):
        assert (
            "TELEGRAM_BOT_TOKEN" not in environments[role] and "HELPLINE_SENDER_KEY" not in environments[role]
        )
    # The statistics reach Rasa, and the gateway (the counsellors' events, /report in the staff group),
    # never the action server.
    assert "HELPLINE_STATS_DB" not in environments["actions"]
    assert environments["gateway"]["HELPLINE_STATS_DB"] == environments["rasa"]["HELPLINE_STATS_DB"]
    assert (
        environments["gateway"]["TELEGRAM_BOT_TOKEN"] == TOKEN
        and environments["gateway"]["HELPLINE_SENDER_KEY"] == KEY
    )


def test_a_scripted_conversation_then_a_stop_leave_no_trace(started: dict) -> None:
    telegram: FakeTelegram = started["telegram"]
    children = roles(psutil.Process(started["process"].pid))
    for language, chat in CHATS.items():
        assert not from_gateway_itself(gateway_turn(telegram, chat, WORDS[language], language))
        assert not from_gateway_itself(gateway_turn(telegram, chat, f"/{WORDS[language]}", language))
    # English chosen in the Lao chat, by button: it sticks...
    english = gateway_exchange(
        telegram, CHATS["lo"], button_update(telegram, CHATS["lo"], 1, '/set_language{"language": "en"}')
    )
    assert detect_language(english[0].params["text"]) == "en"
    later = gateway_turn(telegram, CHATS["lo"], "ສະບາຍດີ", "lo")
    assert detect_language(later[0].params["text"]) == "en"
    # ...until /erase: the conversation is deleted, and a Lao message is answered in Lao again.
    gateway_turn(telegram, CHATS["lo"], "/erase", "lo")
    assert telegram.calls_to("deleteMessages", CHATS["lo"])
    fresh = gateway_turn(telegram, CHATS["lo"], "ສະບາຍດີ", "lo")
    assert detect_language(fresh[0].params["text"]) == "lo"
    # A turn the gateway gives up on: the action server hangs; she still gets the numbers.
    os.kill(children["actions"].pid, signal.SIGSTOP)
    try:
        stuck = gateway_turn(telegram, CHATS["en"], WORDS["en"] + " please", "en", timeout=60)
        assert has_help(stuck)
    finally:
        os.kill(children["actions"].pid, signal.SIGCONT)
    time.sleep(3)
    process = started["process"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    assert not [c for c in children.values() if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]

    needles = [*WORDS.values(), *(str(chat) for chat in CHATS.values())]
    needles += [sender_id(KEY.encode(), chat) for chat in CHATS.values()]
    cache = Settings().model_cache_dir.parent
    found = find_traces([PROJECT_ROOT, started["tmp"], cache], needles)
    assert found == [], found
