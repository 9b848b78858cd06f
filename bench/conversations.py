"""Realistic simulated conversations, built from the held-out messages.

The held-out files (tests/nlu_holdout/) are phrased apart from the training data, so the load
is not the easy case of messages the model was trained on. Each conversation keeps to one
language, as a real one mostly does: a greeting, two to four topic questions, sometimes a
question that makes the Rasa server call the action server (the hotline hand-off), and
sometimes a thank-you or goodbye.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from bot.evaluation import load_holdout
from bot.vocabulary import LANGUAGES

GREETING = "greet"
# The hotline questions a conversation sometimes adds; answered by action_hotline_handoff.
HOTLINE_INTENTS = ("ask_hotline", "need_help_now")
# Every intent whose rule runs action_hotline_handoff on the action server (data/rules.yml).
ACTION_SERVER_INTENTS = frozenset({*HOTLINE_INTENTS, "report_trafficking", "ask_go_home"})
CLOSING_INTENTS = ("thanks", "goodbye")
# Not topics: small talk, the language switch, and the job check form, whose yes / no questions
# would make the next topic question an answer to the form.
NOT_TOPICS = frozenset(
    {GREETING, *HOTLINE_INTENTS, *CLOSING_INTENTS, "affirm", "deny", "dont_know", "stop"}
    | {"set_language", "check_job_offer"}
)
HOTLINE_SHARE = 0.4
CLOSING_SHARE = 0.5


@dataclass(frozen=True)
class Turn:
    text: str
    intent: str
    # greeting / topic / action (answered through the action server) / closing
    kind: str


@dataclass(frozen=True)
class Conversation:
    language: str
    turns: Tuple[Turn, ...]


class ConversationSource:
    """An endless, reproducible supply of conversations; safe to share between threads."""

    def __init__(self, seed: int = 7, languages: Sequence[str] = LANGUAGES) -> None:
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.languages = tuple(languages)
        self._by_intent: Dict[str, Dict[str, List[str]]] = {}
        for language in self.languages:
            grouped: Dict[str, List[str]] = {}
            for text, intent in load_holdout(language):
                grouped.setdefault(intent, []).append(text)
            self._by_intent[language] = grouped

    def _pick(self, language: str, intent: str, kind: str) -> Turn:
        kind = "action" if intent in ACTION_SERVER_INTENTS else kind
        return Turn(self._random.choice(self._by_intent[language][intent]), intent, kind)

    def next(self) -> Conversation:
        with self._lock:
            language = self._random.choice(self.languages)
            grouped = self._by_intent[language]
            topics = sorted(intent for intent in grouped if intent not in NOT_TOPICS)
            turns = [self._pick(language, GREETING, "greeting")]
            for intent in self._random.sample(topics, self._random.randint(2, 4)):
                turns.append(self._pick(language, intent, "topic"))
            if self._random.random() < HOTLINE_SHARE:
                hotline = self._pick(language, self._random.choice(HOTLINE_INTENTS), "action")
                turns.insert(self._random.randint(1, len(turns)), hotline)
            if self._random.random() < CLOSING_SHARE:
                turns.append(self._pick(language, self._random.choice(CLOSING_INTENTS), "closing"))
            return Conversation(language, tuple(turns))
