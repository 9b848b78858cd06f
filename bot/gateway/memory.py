"""What the gateway remembers about a chat, in memory only, bounded and forgotten after a while.

Message ids are kept so that /erase can delete them; the language so that the gateway's own lines
match hers; a token bucket for flood control. Chats are keyed by the keyed hash of the chat id (or
the demo page's hashed session), never the id itself. Nothing of this is written anywhere; the
oldest chats are forgotten first, and a chat untouched for `forget_after` seconds (by default as
long as Telegram lets a bot delete her messages) is forgotten.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Deque, Hashable, List, Optional, Tuple

ERASABLE_SECONDS = 48 * 3600 - 600  # Telegram lets a bot delete messages for 48 hours; keep a margin
MAX_IDS_PER_CHAT = 1000


@dataclass
class ChatState:
    language: Optional[str] = None
    message_ids: Deque[Tuple[int, float]] = field(default_factory=lambda: deque(maxlen=MAX_IDS_PER_CHAT))
    tokens: float = 0.0
    refilled_at: float = 0.0
    warned_at: float = 0.0
    seen_at: float = 0.0  # monotonic time of her last message

    def remember(self, message_id: int, now: Optional[float] = None) -> None:
        self.message_ids.append((message_id, now if now is not None else time.time()))

    def erasable(self, now: Optional[float] = None) -> List[int]:
        now = now if now is not None else time.time()
        return [mid for mid, at in self.message_ids if now - at < ERASABLE_SECONDS]


class ChatMemory:
    def __init__(
        self,
        max_chats: int = 20_000,
        burst: int = 6,
        refill_per_second: float = 0.5,
        forget_after: float = ERASABLE_SECONDS,
    ) -> None:
        self.max_chats = max_chats
        self.burst = burst
        self.refill_per_second = refill_per_second
        self.forget_after = forget_after
        self._chats: OrderedDict[Hashable, ChatState] = OrderedDict()  # keyed by the sender hash

    def __len__(self) -> int:
        return len(self._chats)

    def get(self, chat_id: Hashable) -> ChatState:
        now = time.monotonic()
        state = self._chats.pop(chat_id, None)
        if state is None:
            state = ChatState(tokens=self.burst, refilled_at=now)
        state.seen_at = now
        self._chats[chat_id] = state
        while len(self._chats) > self.max_chats:
            self._chats.popitem(last=False)
        while now - next(iter(self._chats.values())).seen_at >= self.forget_after:
            self._chats.popitem(last=False)  # the least recently seen first, untouched for too long
        return state

    def forget(self, chat_id: Hashable) -> None:
        self._chats.pop(chat_id, None)

    def allow(self, state: ChatState, now: Optional[float] = None) -> bool:
        """Token bucket: a burst of messages, then one every 1 / refill_per_second seconds."""
        now = now if now is not None else time.monotonic()
        state.tokens = min(self.burst, state.tokens + (now - state.refilled_at) * self.refill_per_second)
        state.refilled_at = now
        if state.tokens >= 1:
            state.tokens -= 1
            return True
        return False
