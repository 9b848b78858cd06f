"""A matching form of her text: lower case, no tone marks, one spelling for Lao letters written two ways.

People type "ຫຼວງພະບາງ" and "ຫລວງພະບາງ", "ຍີ່ປຸ່ນ" and "ຍີປຸ່ນ"; a word list should match them all.
`Folded` keeps, for every character of the folded text, where it came from in the original, so a
match can be reported as a span of what she wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import List, Tuple

# Tone marks (Lao U+0EC8-0ECB, Thai U+0E48-0E4B) and the marks that silence a letter (Thai U+0E4C,
# Lao U+0ECC): often left out or put elsewhere on a phone keyboard. Place names match without them;
# danger cues keep them, since "ໜີ້" (debt) and "ໜີ" (run away) differ only by one.
_TONES = frozenset("\u0ec8\u0ec9\u0eca\u0ecb\u0ecc\u0e48\u0e49\u0e4a\u0e4b\u0e4c")
_REPLACED = {
    "\u0ebc": "\u0ea5",  # Lao subscript lo (ຫຼ) -> ລ (ຫລ)
    "\u0edc": "\u0eab\u0e99",  # ໜ -> ຫນ
    "\u0edd": "\u0eab\u0ea1",  # ໝ -> ຫມ
    "\u2019": "'",
}
_SARA_AM = {"\u0ecd\u0eb2": "\u0eb3", "\u0e4d\u0e32": "\u0e33"}  # ໍາ -> ຳ, ํา -> ำ
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Folded:
    text: str
    origin: Tuple[int, ...]  # origin[i]: the index in the original text of folded character i

    def span(self, start: int, end: int) -> Tuple[int, int]:
        """The original span of folded[start:end]."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str, keep_tones: bool = False, lower: bool = True) -> Folded:
    text = unicodedata.normalize("NFC", text)
    chars: List[str] = []
    origin: List[int] = []
    previous_space = True
    index = 0
    while index < len(text):
        char = text[index]
        pair = text[index : index + 2]
        index += 1
        if char in _TONES and not keep_tones:
            continue
        if char.isspace():
            if not previous_space:
                chars.append(" ")
                origin.append(index - 1)
            previous_space = True
            continue
        previous_space = False
        if pair in _SARA_AM:
            char = _SARA_AM[pair]
            index += 1
        for out in _REPLACED.get(char, char.lower() if lower else char):
            chars.append(out)
            origin.append(index - 1)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return Folded("".join(chars), tuple(origin))


def fold_word(word: str) -> str:
    """A list entry in the same form as folded text."""
    return _SPACES.sub(" ", fold(word).text).strip()
