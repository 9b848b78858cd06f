"""The conversation store Rasa uses (endpoints.yml `tracker_store`): text-free, forgetful, bounded.

Rasa's default store keeps every message she ever wrote until the process ends, and `/restart`
only adds an event. This one keeps the latest session of each conversation (all that Rasa's
`retrieve` hands the dialogue) as bot/conversations/text_free.py leaves it, forgets one that has
been idle for HELPLINE_CONVERSATION_IDLE_MINUTES (30 by default), holds at most
HELPLINE_MAX_CONVERSATIONS (the least recently used go first), and deletes a conversation outright
when it is restarted: /erase in Telegram and the demo page's "clear" send /restart.

It keeps them in the Rasa server's memory, or, when REDIS_URL is set, in Redis under the same rules
(bot/conversations/redis_memory.py), so that several Rasa servers share them: a conversation goes
on, with its slots, on another server when its own is down.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Protocol

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations.text_free import text_free_events
from bot.settings import Settings

logger = logging.getLogger(__name__)
ERASE_INTENT = "restart"


@dataclass
class Kept:
    dialogue: str  # the text-free dialogue of the latest session, as JSON
    events: int  # how many events it has (Rasa's event broker streams the ones after)
    touched: float  # monotonic time of the last save or retrieve (in memory)
    version: str = ""  # new at every save: a Rasa server can tell that another one saved it since


class Memory(Protocol):
    """Where the dialogues are kept: this process's memory (ConversationMemory) or Redis."""

    idle_seconds: float

    def __len__(self) -> int: ...
    def put(self, key: str, dialogue: str, events: int, version: str) -> None: ...
    def get(self, key: str) -> Optional[Kept]: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> list: ...
    def forget_idle(self) -> int: ...


def latest_session(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events from the last session start on: all that Rasa's `retrieve` gives the dialogue,
    so all that needs keeping, and the count the next turn's new events come after."""
    for index in range(len(events) - 1, 0, -1):
        event = events[index]
        if event.get("event") == "action" and event.get("name") == ACTION_SESSION_START_NAME:
            return events[index:]
    return events


def erased(tracker: DialogueStateTracker) -> bool:
    """Her latest message asked for a restart (/erase and the demo page's "clear" send /restart),
    and the conversation was restarted after it."""
    restarted = False
    for event in reversed(tracker.events):
        if isinstance(event, Restarted):
            restarted = True
        elif isinstance(event, UserUttered):
            return restarted and event.intent_name == ERASE_INTENT
    return False


class ConversationMemory:
    """Text-free dialogues by conversation id, in memory, with idle expiry and a size bound."""

    def __init__(
        self, idle_seconds: float, max_conversations: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle_seconds = idle_seconds
        self.max_conversations = max_conversations
        self._clock = clock
        self._kept: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def put(self, key: str, dialogue: str, events: int, version: str = "") -> None:
        with self._lock:
            self._kept.pop(key, None)
            self._kept[key] = Kept(dialogue, events, self._clock(), version)
            while len(self._kept) > self.max_conversations:
                self._kept.popitem(last=False)
            self._forget_idle()

    def get(self, key: str) -> Optional[Kept]:
        with self._lock:
            self._forget_idle()
            kept = self._kept.pop(key, None)
            if kept is not None:
                kept.touched = self._clock()
                self._kept[key] = kept
            return kept

    def delete(self, key: str) -> None:
        with self._lock:
            self._kept.pop(key, None)

    def keys(self) -> list:
        with self._lock:
            self._forget_idle()
            return list(self._kept)

    def forget_idle(self) -> int:
        with self._lock:
            return self._forget_idle()

    def _forget_idle(self) -> int:
        """The least recently touched come first: drop from the front while they are idle too long."""
        cutoff, dropped = self._clock() - self.idle_seconds, 0
        while self._kept:
            key, oldest = next(iter(self._kept.items()))
            if oldest.touched > cutoff:
                break
            del self._kept[key]
            dropped += 1
        return dropped


class TextFreeTrackerStore(TrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        settings: Optional[Settings] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        settings = settings or Settings()
        self.memory: Memory
        if settings.redis_url:
            from bot.conversations.redis_memory import RedisConversations

            self.memory = RedisConversations(
                settings.redis_url, settings.conversation_idle_seconds, settings.max_conversations
            )
        else:
            self.memory = ConversationMemory(settings.conversation_idle_seconds, settings.max_conversations)
        # Idle conversations are forgotten on every access, and also while nobody writes at all.
        self._sweeper = threading.Thread(target=self._sweep, name="forget-idle-conversations", daemon=True)
        self._sweeper.start()

    def _sweep(self) -> None:
        pause = max(1.0, min(60.0, self.memory.idle_seconds / 4))
        while True:
            time.sleep(pause)
            try:
                self.memory.forget_idle()
            except Exception as error:  # Redis away for a moment: the next sweep does it
                logger.warning("idle conversations not swept (%s)", type(error).__name__)

    def _kept(self, sender_id: str) -> Optional[Kept]:
        """What is kept of a conversation; None also when Redis cannot be reached (logged by type):
        Rasa would otherwise fall back to its own store, which keeps her text."""
        try:
            return self.memory.get(sender_id)
        except Exception as error:
            logger.warning("a conversation could not be read (%s)", type(error).__name__)
            return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        version = uuid.uuid4().hex
        await self.stream_events(tracker, version)
        try:
            if erased(tracker):
                self.memory.delete(tracker.sender_id)
                logger.info("a conversation was erased at her request")
                return
            events = latest_session([event.as_dict() for event in tracker.events])
            dialogue = {"events": text_free_events(events), "name": tracker.sender_id}
            self.memory.put(tracker.sender_id, json.dumps(dialogue, ensure_ascii=False), len(events), version)
        except Exception as error:  # never Rasa's fallback store, which keeps her text
            logger.warning("a conversation could not be saved (%s)", type(error).__name__)

    async def stream_events(self, tracker: DialogueStateTracker, version: str = "") -> None:
        """The events after those `retrieve` gave this turn: Rasa's own version rebuilds that tracker
        to count them. A broker that keeps its own state of each conversation (the statistics) is
        told which saved version this turn follows, so it can catch up when another server saved it."""
        if self.event_broker is None:
            return
        kept = self._kept(tracker.sender_id)
        events = list(tracker.events)
        start = kept.events if kept else 0
        follow = getattr(self.event_broker, "follow", None)
        if follow is not None:
            sender = tracker.sender_id
            follow(
                sender,
                kept.version if kept else None,
                lambda: [{"sender_id": sender, **event.as_dict()} for event in events[:start]],
                version,
            )
        await self._stream_new_events(self.event_broker, events[start:], tracker.sender_id)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        kept = self._kept(sender_id)
        return self.deserialise_tracker(sender_id, kept.dialogue) if kept else None

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """Only the latest session is kept: earlier ones are not hers to keep."""
        return await self.retrieve(sender_id)

    async def delete(self, sender_id: str) -> None:
        self.memory.delete(sender_id)

    async def keys(self) -> Iterable[str]:
        return self.memory.keys()

    def healthy(self) -> Optional[bool]:
        """Whether Redis answers; None when the conversations are in this process's memory."""
        ping = getattr(self.memory, "ping", None)
        return ping() if ping is not None else None
