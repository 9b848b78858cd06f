"""Which writing system a piece of text is in.

Lao and Thai share no code points, so the script decides the language for the
two Southeast Asian languages; Latin letters mean English (the only Latin-script
language the assistant speaks).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterator, Optional

from bot.vocabulary import ENGLISH, LAO, THAI

_LAO_RANGE = "\u0e80-\u0eff"
_THAI_RANGE = "\u0e00-\u0e7f"
_RUN = re.compile(f"[{_LAO_RANGE}]+|[{_THAI_RANGE}]+|[^{_LAO_RANGE}{_THAI_RANGE}]+")


def script_of(char: str) -> Optional[str]:
    """The language whose script `char` belongs to, or None for digits, emoji, punctuation."""
    code = ord(char)
    if 0x0E80 <= code <= 0x0EFF:
        return LAO
    if 0x0E00 <= code <= 0x0E7F:
        return THAI
    if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
        return ENGLISH
    return None


def script_runs(text: str) -> Iterator[tuple[str, Optional[str]]]:
    """Split text into maximal runs of Lao, of Thai, and of everything else."""
    for match in _RUN.finditer(text):
        run = match.group()
        first = script_of(run[0])
        yield run, first if first in (LAO, THAI) else None


def dominant_script(text: str) -> Optional[str]:
    """The language whose script a message is written in (lo, th or en for Latin), or None without letters.

    Any Lao or Thai letters win over Latin ones: a Lao message often carries an
    English word ("ຢາກໄປເຮັດວຽກ online"), while an English message with Lao
    letters in it is rare. Between Lao and Thai the majority decides.
    """
    counts = Counter(script_of(c) for c in text)
    counts.pop(None, None)
    if not counts:
        return None
    if counts[LAO] or counts[THAI]:
        return LAO if counts[LAO] >= counts[THAI] else THAI
    return ENGLISH
