"""The emergency service a message asks for by name (police, ambulance), from data/lexicon/services.yml."""

from __future__ import annotations

import re
from functools import cache
from typing import Dict, Optional, Pattern, Tuple

from bot.text.lexicon import LexiconError, load, words
from bot.text.normalize import fold, fold_word
from bot.text.places import alternation
from bot.vocabulary import SERVICES


@cache
def _services() -> Tuple[Pattern[str], Dict[str, str]]:
    data = load("services").get("services")
    if not isinstance(data, dict) or set(data) - set(SERVICES):
        raise LexiconError(f"services.yml: `services` must map some of {', '.join(SERVICES)} to words")
    value_of = {fold_word(w): service for service, names in data.items() for w in words(names, service)}
    return re.compile(alternation(list(value_of))), value_of


def find_service(text: str) -> Optional[Tuple[str, int, int]]:
    """The service named first in the text ("police" / "medical"), with its span."""
    pattern, value_of = _services()
    folded = fold(text)
    match = pattern.search(folded.text)
    return (value_of[match.group()], *folded.span(match.start(), match.end())) if match else None
