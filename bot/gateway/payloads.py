"""What she types and what a button sends, told apart before Rasa sees either.

Rasa's REST channel reads any message starting with "/" as an intent with JSON entities. A girl who
types "/hello" or "/Noy went to Malaysia" must not be read that way: Rasa would log her text as a
parse failure, and she could set entities by typing. A payload is one of the domain's intents,
optionally followed by its JSON; anything else she types loses its leading slashes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import FrozenSet

import yaml

from bot.settings import PROJECT_ROOT

_PAYLOAD = re.compile(r"/([a-z_]+)(\{.*\})?", re.DOTALL)
# Rasa restarts the conversation, and the conversation store (bot/conversations/store.py) deletes it.
ERASE_PAYLOAD = "/restart"


@cache
def domain_intents() -> FrozenSet[str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return frozenset({*domain["intents"], "restart", "greet"})


def is_payload(text: str) -> bool:
    """A button's payload: "/intent" or "/intent{...json...}" of an intent the domain has."""
    match = _PAYLOAD.fullmatch(text.strip())
    if not match or match.group(1) not in domain_intents():
        return False
    if match.group(2):
        try:
            return isinstance(json.loads(match.group(2)), dict)
        except ValueError:
            return False
    return True


def as_her_words(text: str) -> str:
    """Her typed message as words: a leading slash that is not a payload is dropped."""
    if text.lstrip().startswith("/") and not is_payload(text):
        return text.lstrip().lstrip("/").strip()
    return text
