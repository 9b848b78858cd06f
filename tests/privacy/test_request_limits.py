"""Request bodies are bounded everywhere: Rasa refuses a huge message, the action server a body that
inflates beyond the limit, and both keep answering."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import zlib

import pytest

from bot.settings import MAX_REQUEST_BYTES, Settings
from tests.conversation import talk

pytestmark = pytest.mark.servers


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_rasa_refuses_a_body_over_the_limit(servers: Settings) -> None:
    huge = json.dumps({"sender": "big", "message": "a" * (2 * MAX_REQUEST_BYTES)}).encode()
    assert post(f"{servers.rasa_url}/webhooks/rest/webhook", huge, {}) == 413
    assert talk(servers, "after-big", "hello")


def test_the_action_server_refuses_a_body_that_inflates_beyond_the_limit(servers: Settings) -> None:
    bomb = zlib.compress(b"{" + b" " * (50 * MAX_REQUEST_BYTES) + b"}", 9)
    assert len(bomb) < MAX_REQUEST_BYTES / 10
    assert post(f"{servers.action_url}/webhook", bomb, {"Content-Encoding": "deflate"}) == 413
    with urllib.request.urlopen(f"{servers.action_url}/health", timeout=10) as response:
        assert response.status == 200
