"""The three paths on which her text used to reach the logs, reproduced through the real servers:
a typed "/..." that is no payload, a turn the gateway gives up on (a hung action server), and an
action that fails with her text in its error. Then every file the run left is searched for the
text (raw and escaped), the chat id and its hash."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from bot.gateway.identity import sender_id
from tests.conftest import free_port
from tests.conversation import talk
from tests.privacy.traces import find_traces
from tests.servers_helpers import (
    SENDER_KEY,
    Stack,
    from_gateway_itself,
    gateway_turn,
    has_help,
    own_settings,
    running_stack,
)

pytestmark = pytest.mark.servers

MARK = uuid.uuid4().hex[:8]
LAO = f"ນ້ອງແກ້ວ{MARK}"
LATIN = f"Noy{MARK}"
CHAT = 700_000_000 + free_port()


@pytest.fixture(scope="module")
def stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = own_settings(tmp_path_factory.mktemp("leaks"))
    with running_stack(settings, model_path, actions_package="tests.privacy.raising_actions") as running:
        yield running


def test_the_leak_paths_leave_no_trace(stack: Stack) -> None:
    telegram = stack.telegram
    assert telegram is not None and stack.actions is not None
    # 1. A typed "/..." that is not a payload: through the gateway, and straight to Rasa's REST channel.
    replies = gateway_turn(telegram, CHAT, f"/{LATIN} went to {LAO}")
    assert replies and not from_gateway_itself(replies)
    assert talk(stack.settings, f"rest-{MARK}", f"/{LAO} {LATIN}") is not None
    # 2. An action that fails with her text in its error: she still gets an answer with the numbers.
    replies = gateway_turn(telegram, CHAT, f"help me, they locked me in, {LAO} {LATIN}")
    assert has_help(replies) and not from_gateway_itself(replies)
    # 3. A hung action server: the gateway gives up after 6 s and gives the numbers itself.
    os.kill(stack.actions.process.pid, signal.SIGSTOP)
    try:
        replies = gateway_turn(telegram, CHAT + 1, f"they locked me in {LAO} help {LATIN}", timeout=60)
        assert has_help(replies) and from_gateway_itself(replies)
    finally:
        os.kill(stack.actions.process.pid, signal.SIGCONT)
    time.sleep(3)  # Rasa finishes the abandoned turn and logs what it logs
    stack.stop()

    run_dir = stack.settings.run_dir
    needles = [
        LAO,
        LATIN,
        str(CHAT),
        sender_id(SENDER_KEY.encode(), CHAT),
        sender_id(SENDER_KEY.encode(), CHAT + 1),
    ]
    logs = sorted(run_dir.rglob("*.log"))
    assert len(logs) >= 3 and all(path.stat().st_mode & 0o777 == 0o600 for path in logs)
    assert find_traces([run_dir], needles) == []
    text = "\n".join(path.read_text(errors="replace") for path in logs)
    assert "withheld" in text  # the paths were taken: Rasa and the action server logged something there
