"""A simulated counsellor for the demo page: a volunteer shows how a hand-off looks, with no one there.

The same offer and consent as on Telegram, then a few prepared lines, each clearly marked as a simulated
counsellor. Nothing reaches the staff group: this never calls Telegram. The demo's events are counted
with the demo flag, like every demo conversation. Sessions live in memory and are forgotten with the
conversation.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors import wording
from bot.gateway.counsellors.cases import Known, wait_band
from bot.gateway.counsellors.offers import AGREE, DECLINE, KEEP_WAITING, LEAVE, PAYLOADS, TALK
from bot.gateway.counsellors.statistics import CaseStatistics
from bot.i18n.markers import N_
from bot.text.danger import find_danger
from bot.vocabulary import PERSON_ACCEPTED, PERSON_ANSWERED, PERSON_CLOSED, PERSON_OFFERED

CHANNEL = "web"
DEMO_LABEL = N_("Simulated counsellor (demo): on Telegram, a person from the team writes here.")
DEMO_LINES = (
    N_("Hello, I am a counsellor from the help-line team. Tell me what happened, in your own words."),
    N_("Thank you for telling me. You did nothing wrong. Are you safe right now?"),
    N_(
        "I understand. We can look at this together, step by step: who can help where you are, and what "
        "you can do today."
    ),
    N_("This is the end of the demo. Send /stop to end the conversation with the person."),
)
STOP = ("/stop", "stop")


@dataclass
class _Session:
    known: Known = field(default_factory=Known)
    open_since: Optional[float] = None  # she agreed: the simulated case is open
    said: int = 0  # how many of the prepared lines the counsellor has said
    seen_at: float = field(default_factory=time.monotonic)


class DemoCounsellor:
    def __init__(
        self, statistics: Optional[CaseStatistics], forget_after: float, max_sessions: int = 2000
    ) -> None:
        self.stats = statistics
        self.forget_after = forget_after
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, _Session] = OrderedDict()

    def _record(self, kind: str, outcome: Optional[str] = None) -> None:
        if self.stats is not None:
            self.stats.record(kind, CHANNEL, True, outcome)

    def _session(self, sender: str) -> _Session:
        now = time.monotonic()
        session = self._sessions.pop(sender, None) or _Session()
        session.seen_at = now
        self._sessions[sender] = session
        while self._sessions and (
            len(self._sessions) > self.max_sessions
            or now - next(iter(self._sessions.values())).seen_at > self.forget_after
        ):
            _, old = self._sessions.popitem(last=False)
            if old.open_since is not None:
                self._record(PERSON_CLOSED, "silence")
        return session

    def holds(self, sender: str) -> bool:
        session = self._sessions.get(sender)
        return session is not None and session.open_since is not None

    def handles(self, sender: str, text: str) -> bool:
        """A hand-off button, or anything she writes while the simulated case is open."""
        return text in PAYLOADS or self.holds(sender)

    def offer(self, sender: str, language: str, offers: List[Known]) -> List[Dict[str, Any]]:
        """The offer under an answer that marked a person as a good next step (always open, in the demo)."""
        if not offers:
            return []
        session = self._session(sender)
        for known in offers:
            session.known = session.known.merged(known)  # with the person too: danger sets her numbers
        if session.open_since is not None:
            return []
        self._record(PERSON_OFFERED, session.known.reason)
        button = {"title": wording.say(t.OFFER_BUTTON, language), "payload": TALK}
        return [{"text": wording.say(t.OFFER, language), "buttons": [button]}]

    def answer(self, sender: str, language: str, text: str) -> List[Dict[str, Any]]:
        session = self._session(sender)
        if text == TALK and session.open_since is None:
            buttons = [
                {"title": wording.say(t.AGREE_BUTTON, language), "payload": AGREE},
                {"title": wording.say(t.DECLINE_BUTTON, language), "payload": DECLINE},
            ]
            return [{"text": wording.say(t.CONSENT, language), "buttons": buttons}]
        if text == DECLINE:
            return [{"text": wording.say(t.DECLINED, language)}]
        if text == AGREE and session.open_since is None:
            session.open_since, session.said = time.monotonic(), 0
            self._record(PERSON_ACCEPTED)
            return [{"text": wording.say(t.OPENED, language)}, self._counsellor(session, language)]
        if session.open_since is None:
            return []
        if text.strip().lower() in STOP or text == LEAVE:
            session.open_since = None
            self._record(PERSON_CLOSED, "her")
            line = wording.with_numbers_after(wording.say(t.ENDED_BY_HER, language), session.known, language)
            return [{"text": line}]
        if text == KEEP_WAITING:
            return [{"text": wording.say(t.KEEP_WAITING, language)}]
        if text in PAYLOADS:
            return [{"text": wording.say(t.ALREADY_OPEN, language)}]
        return [self._counsellor(session, language)]

    def _counsellor(self, session: _Session, language: str) -> Dict[str, Any]:
        if session.said == 0 and session.open_since is not None:
            self._record(PERSON_ANSWERED, wait_band(time.monotonic() - session.open_since))
        line = DEMO_LINES[min(session.said, len(DEMO_LINES) - 1)]
        session.said += 1
        return {"text": wording.say(line, language), "counsellor": wording.say(DEMO_LABEL, language)}

    @staticmethod
    def in_danger(text: str) -> bool:
        return bool(find_danger(text))

    def forget(self, sender: str) -> None:
        session = self._sessions.pop(sender, None)
        if session is not None and session.open_since is not None:
            self._record(PERSON_CLOSED, "her")
