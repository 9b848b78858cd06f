"""From Rasa's tracker events to anonymous statistics rows.

Only names from closed sets leave this module: intent names, country and
language codes, channel names, outcome levels. The message text, the sender
and the time of day never do. The little state kept per conversation (its
language, whether its first message was counted) lives in memory, bounded.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, Mapping, Optional

from bot.stats.schema import OUTCOMES, StatEvent
from bot.vocabulary import (
    CHANNEL_KEY,
    CHANNELS,
    COUNTRIES,
    COUNTRY_ENTITY,
    DEMO_KEY,
    DETECTED_LANGUAGE,
    HANDOFF_SLOT,
    JOB_CHECK_OUTCOME_SLOT,
    LANGUAGE_HINT_KEY,
    LANGUAGE_SLOT,
    LANGUAGES,
    LOCATION_SLOT,
    LOCATIONS,
    NEEDS,
)

# Answers inside a question flow, not topics she asked about.
NOT_TOPICS = frozenset({"affirm", "deny", "dont_know", "stop"})
FALLBACK_INTENT = "nlu_fallback"


def _one_of(value: Any, allowed: tuple) -> Optional[str]:
    return value if value in allowed else None


@dataclass
class _Conversation:
    language: Optional[str] = None
    chosen_language: Optional[str] = None
    counted: bool = False
    channel: str = "other"
    demo: bool = False
    location: Optional[str] = None  # where she said she is, once she said it


class EventMapper:
    """Turns one tracker event at a time into zero or more statistics rows."""

    def __init__(
        self,
        topics: frozenset,
        today: Callable[[], dt.date] = dt.date.today,
        max_conversations: int = 20_000,
    ) -> None:
        self.topics = topics
        self.today = today
        self.max_conversations = max_conversations
        self._conversations: OrderedDict[str, _Conversation] = OrderedDict()

    def _conversation(self, sender: str) -> _Conversation:
        state = self._conversations.pop(sender, None) or _Conversation()
        self._conversations[sender] = state
        while len(self._conversations) > self.max_conversations:
            self._conversations.popitem(last=False)
        return state

    def forget(self, sender: str) -> None:
        self._conversations.pop(sender, None)

    def map(self, event: Mapping[str, Any]) -> Iterator[StatEvent]:
        sender = str(event.get("sender_id", ""))
        kind = event.get("event")
        if kind == "session_started":
            self._conversation(sender).counted = False
        elif kind == "restart":
            self._conversations.pop(sender, None)  # she erased the conversation: forget it here too
        elif kind == "slot":
            yield from self._slot(self._conversation(sender), event)
        elif kind == "user":
            yield from self._user(self._conversation(sender), event)

    def _row(self, state: _Conversation, kind: str, **fields: Any) -> StatEvent:
        return StatEvent(
            day=self.today(),
            kind=kind,
            channel=state.channel,
            demo=state.demo,
            language=state.chosen_language or state.language,
            **fields,
        )

    def _user(self, state: _Conversation, event: Mapping[str, Any]) -> Iterator[StatEvent]:
        parse: Dict[str, Any] = event.get("parse_data") or {}
        metadata: Mapping[str, Any] = event.get("metadata") or {}
        if not isinstance(metadata, Mapping):
            metadata = {}
        state.channel = _one_of(metadata.get(CHANNEL_KEY) or event.get("input_channel"), CHANNELS) or "other"
        state.demo = bool(metadata.get(DEMO_KEY))
        state.language = _one_of(parse.get(DETECTED_LANGUAGE), LANGUAGES) or state.language
        if state.language is None:
            state.language = _one_of(metadata.get(LANGUAGE_HINT_KEY), LANGUAGES)
        if not state.counted:
            state.counted = True
            yield self._row(state, "conversation")
        intent = (parse.get("intent") or {}).get("name")
        if intent == FALLBACK_INTENT:
            yield self._row(state, "fallback")
        elif intent in self.topics and intent not in NOT_TOPICS:
            entities = parse.get("entities") or []
            countries = [e.get("value") for e in entities if e.get("entity") == COUNTRY_ENTITY]
            country = next((c for c in countries if c in COUNTRIES), None)
            yield self._row(state, "topic", topic=intent, country=country, location=state.location)

    def _slot(self, state: _Conversation, event: Mapping[str, Any]) -> Iterator[StatEvent]:
        name, value = event.get("name"), event.get("value")
        if name == LANGUAGE_SLOT:
            state.chosen_language = _one_of(value, LANGUAGES)
        elif name == LOCATION_SLOT and value in LOCATIONS and value != state.location:
            state.location = value
            yield self._row(state, "location", location=value)  # once a conversation per place she names
        elif name == HANDOFF_SLOT and isinstance(value, dict):
            yield self._row(
                state,
                "handoff",
                location=_one_of(value.get("location"), LOCATIONS),
                need=_one_of(value.get("need"), NEEDS),
            )
        elif name == JOB_CHECK_OUTCOME_SLOT and value in OUTCOMES:
            yield self._row(state, "job_check", outcome=value)
