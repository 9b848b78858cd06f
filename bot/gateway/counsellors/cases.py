"""Open cases, in memory only: the one place where a case label leads to her chat.

Nothing here is written anywhere or logged. A case is found by its label (for staff commands), by its
topic (a counsellor's reply) or by the keyed hash of her chat (her messages); her chat id is kept only
to send her what the counsellor writes, and is gone when the case closes. A gateway restart forgets
every case.
"""

from __future__ import annotations

import asyncio
import enum
import secrets
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bot.vocabulary import LOCATIONS, OFFER_REASONS

# No letters or digits that look alike (0/O, 1/I/L, 2/Z, 5/S, 8/B) on a small screen or read aloud.
LABEL_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LABEL_LENGTH = 4
MAX_OPEN_CASES = 100  # more at once than any desk answers: she gets the numbers instead
# How long she waited for the first answer, in bands (statistics keep only the band).
WAIT_BANDS = ((120, "<2m"), (300, "2-5m"), (900, "5-15m"), (3600, "15-60m"))
LONGEST_WAIT = ">60m"
# She may write many short messages to a person: a larger allowance than the bot's (bot/gateway/memory.py).
CASE_BURST = 20
CASE_REFILL_PER_SECOND = 1.0
# Who or what closed a case (statistics); `her`: /stop, /erase or "stop waiting".
CLOSERS = ("her", "staff", "silence", "restart", "blocked", "unreach")


def wait_band(seconds: float) -> str:
    return next((band for limit, band in WAIT_BANDS if seconds < limit), LONGEST_WAIT)


class Status(enum.Enum):
    OPENING = "opening"  # she agreed; the topic is being made
    WAITING = "waiting"  # no counsellor has answered yet
    ANSWERED = "answered"


@dataclass(frozen=True)
class Known:
    """What the bot knows that helps a counsellor, from closed sets only: never anything she wrote."""

    reason: str = "asked"
    topic: Optional[str] = None
    location: Optional[str] = None
    job_check: Optional[str] = None
    in_danger: bool = False

    @classmethod
    def of(cls, offer: object) -> Known:
        raw = offer if isinstance(offer, dict) else {}
        reason = raw.get("reason") if raw.get("reason") in OFFER_REASONS else "asked"
        topic = raw.get("topic") if str(raw.get("topic") or "-").isidentifier() else None
        location = raw.get("location") if raw.get("location") in LOCATIONS else None
        job_check = raw.get("job_check") if raw.get("job_check") in ("low", "some", "high") else None
        return cls(str(reason), topic, location, job_check, raw.get("in_danger") is True)

    def merged(self, newer: Known) -> Known:
        """The latest offer's facts, keeping what an earlier one knew and this one did not."""
        return Known(
            newer.reason,
            newer.topic or self.topic,
            newer.location or self.location,
            newer.job_check or self.job_check,
            newer.in_danger or self.in_danger,
        )


@dataclass(eq=False)
class Case:
    label: str
    chat_id: int  # her chat: in memory only, never logged or written
    sender: str  # the keyed hash of her chat, how her messages find the case
    language: str
    known: Known
    thread_id: Optional[int] = None  # the case's topic in the staff group
    status: Status = Status.OPENING
    opened_at: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)
    wait_from: float = field(default_factory=time.monotonic)  # since the opening, or "keep waiting"
    waiting_told_at: Optional[float] = None  # when she was told that she is waiting
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # set once the topic exists (or it closed)
    tokens: float = CASE_BURST
    refilled_at: float = field(default_factory=time.monotonic)

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    def allow(self) -> bool:
        """Flood control for what is copied to the staff group: a burst, then one a second."""
        now = time.monotonic()
        self.tokens = min(CASE_BURST, self.tokens + (now - self.refilled_at) * CASE_REFILL_PER_SECOND)
        self.refilled_at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class CaseBook:
    def __init__(self, max_cases: int = MAX_OPEN_CASES) -> None:
        self.max_cases = max_cases
        self._by_label: Dict[str, Case] = {}
        self._by_sender: Dict[str, Case] = {}
        self._by_thread: Dict[int, Case] = {}

    def __len__(self) -> int:
        return len(self._by_label)

    @property
    def full(self) -> bool:
        return len(self._by_label) >= self.max_cases

    def _new_label(self) -> str:
        while True:
            label = "".join(secrets.choice(LABEL_ALPHABET) for _ in range(LABEL_LENGTH))
            if label not in self._by_label:
                return label

    def open(self, chat_id: int, sender: str, language: str, known: Known) -> Case:
        case = Case(self._new_label(), chat_id, sender, language, known)
        self._by_label[case.label] = case
        self._by_sender[sender] = case
        return case

    def set_thread(self, case: Case, thread_id: int) -> None:
        case.thread_id = thread_id
        self._by_thread[thread_id] = case

    def of_sender(self, sender: str) -> Optional[Case]:
        return self._by_sender.get(sender)

    def of_thread(self, thread_id: Optional[int]) -> Optional[Case]:
        return self._by_thread.get(thread_id) if thread_id is not None else None

    def remove(self, case: Case) -> bool:
        """Forgets the case; False when it was already gone (two ways of closing it at once)."""
        if self._by_label.pop(case.label, None) is None:
            return False
        self._by_sender.pop(case.sender, None)
        if case.thread_id is not None:
            self._by_thread.pop(case.thread_id, None)
        return True

    def all(self) -> List[Case]:
        """Waiting cases first, the longest waiting first; then the others, the most recent first."""
        waiting = sorted(
            (c for c in self._by_label.values() if c.status is not Status.ANSWERED), key=lambda c: c.opened_at
        )
        answered = sorted(
            (c for c in self._by_label.values() if c.status is Status.ANSWERED),
            key=lambda c: -c.last_activity,
        )
        return waiting + answered
