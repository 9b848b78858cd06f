"""The danger net: strong signs of danger now, found by rule in any language she writes.

The classifier ranks topics; it can rank "they say I owe them money and I can't go home until I
pay" as a question about fees. A message with one of these cues (locked in, passport or phone
taken, a debt to work off, forced sex, beaten, family threatened, sold) gets the emergency answer
whatever the ranking, in the NLU (bot/nlu/danger_net.py) and in the gateway while a counsellor
holds her case. The cues live in data/lexicon/danger.yml; a question about a sign ("what if they
keep my passport?") is not an alarm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Dict, List, Pattern, Tuple

from bot.text.lexicon import LexiconError, load, words
from bot.text.normalize import fold

FORMS = ("en", "lo", "th", "lo_thai", "lo_latn")


@dataclass(frozen=True)
class DangerCues:
    patterns: Dict[str, Tuple[Pattern[str], ...]]  # cue -> its patterns in every form
    examples: Dict[str, Tuple[str, ...]]
    hypothetical: Tuple[Pattern[str], ...]
    negated: Pattern[str]  # matches the text just before a cue when it denies it


def _compile(source: str, where: str) -> Pattern[str]:
    try:
        return re.compile(fold(source, keep_tones=True, lower=False).text)  # keeps \W, \S as they are
    except re.error as error:
        raise LexiconError(f"danger.yml: {where}: {error}") from None


@cache
def danger_cues() -> DangerCues:
    data = load("danger")
    cues = data.get("cues")
    if not isinstance(cues, dict) or not cues:
        raise LexiconError("danger.yml: expected `cues:` with at least one cue")
    patterns, examples = {}, {}
    for cue, entry in cues.items():
        unknown = set(entry) - {*FORMS, "examples"}
        if unknown:
            raise LexiconError(f"danger.yml: {cue}: unknown form(s) {', '.join(sorted(unknown))}")
        patterns[cue] = tuple(
            _compile(p, f"{cue}.{form}") for form in FORMS for p in words(entry.get(form), f"{cue}.{form}")
        )
        examples[cue] = tuple(words(entry.get("examples"), f"{cue}.examples"))
    hypothetical = tuple(_compile(p, "hypothetical") for p in words(data.get("hypothetical"), "hypothetical"))
    negations = [fold(w, keep_tones=True).text for w in words(data.get("negations"), "negations")]
    negated = re.compile(
        "(?:"
        + "|".join(rf"(?<![a-z]){re.escape(w)}" if w.isascii() else re.escape(w) for w in negations)
        + r")\s*$"
    )
    return DangerCues(patterns, examples, hypothetical, negated)


def find_danger(text: str) -> List[str]:
    """The kinds of danger the text names (e.g. ["locked_in", "passport_taken"]); [] for none,
    and for a question about what would happen if."""
    cues = danger_cues()
    folded = fold(text, keep_tones=True).text
    if any(p.search(folded) for p in cues.hypothetical):
        return []
    return [cue for cue, patterns in cues.patterns.items() if any(_said(p, folded, cues) for p in patterns)]


def _said(pattern: Pattern[str], folded: str, cues: DangerCues) -> bool:
    """The pattern occurs at least once without a negation right before it."""
    return any(
        not cues.negated.search(folded[max(0, m.start() - 12) : m.start()]) for m in pattern.finditer(folded)
    )
