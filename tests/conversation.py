"""Talking to the running assistant in tests, through the REST channel as the front ends do."""

from __future__ import annotations

from typing import Any, Dict, List

from bot.rest_client import send_message
from bot.settings import Settings


def talk(settings: Settings, sender: str, text: str, **metadata: Any) -> List[Dict[str, Any]]:
    replies = send_message(settings.rasa_url, sender, text, metadata or None)
    assert replies, f"no reply to {text!r}"
    return replies


def text_of(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)
