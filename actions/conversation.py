"""What the actions need to know about the conversation, read the way the NLG reads it."""

from __future__ import annotations

from typing import Any, Dict, Iterator

from rasa_sdk import Tracker

from bot.language import LANGUAGE_SLOT, reply_language


def user_messages_newest_first(tracker: Tracker) -> Iterator[Dict[str, Any]]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            yield {"parse_data": event.get("parse_data"), "metadata": event.get("metadata")}


def reply_language_of(tracker: Tracker) -> str:
    return reply_language(tracker.get_slot(LANGUAGE_SLOT), user_messages_newest_first(tracker))
