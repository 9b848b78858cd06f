"""The countries a message names, and whether it says she (or the person she worries about) is there now.

"I am in Vientiane. A broker offers me a job in Malaysia" names two countries: Laos is where she
is, Malaysia what the question is about. The hand-off must use the first. A name counts as where
she is only when the words before it say so: "I'm in / we are stuck in", "ຢູ່ / ຮອດ", "อยู่ / ถึง",
"yu", or a passive "was taken to / ຖືກ... / ถูก...". A wish or a plan ("want to go", "ຢາກໄປ",
"a job in", "อยากไปทำงานที่") makes it the topic's country instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Dict, List, Optional, Pattern, Tuple

from bot.text.lexicon import LexiconError, load, words
from bot.text.normalize import fold, fold_word
from bot.vocabulary import COUNTRIES, LANGUAGES

_LATIN = re.compile(r"[a-z]")
_CLAUSE_BREAK = re.compile(r"[.!?;,\n]|\b(?:but|and then|then)\b|ແຕ່|แต่|ແລ້ວ|แล้ว")

# --- the words around a place, in folded form (no tone marks; ໜ as ຫນ) -----------------------------
# Held there: a passive or a word of confinement anywhere before the name.
_HELD = re.compile(
    r"\b(?:locked|kept|held|trapped|stuck|sold|taken|brought|detained|moved)\b"
    r"|ຖືກ|ຕິດຢູ|ຂັງ|ถูก|ถืก|ติดอยู|ขัง|\b(?:thuk|thook|tuk|took|khang|kang)\b"
)
# A plan, a wish or an offer: the name is where a job or a marriage would be, not where she is.
_ELSEWHERE = re.compile(
    r"\b(?:go|goes|going|went|travel|travelling|traveling|move|moving|job|jobs|offer|offers|offered|invite"
    r"|invited|marry|married|agency|broker|send|sent|recruit|want|wants|plan|will|would|visa|apply)\b"
    r"|ໄປ|ຢາກ|ຈະ|ສະເຫນີ|ຊວນ|ພາ|ສົງ|ແຕງງານ|ນາຍຫນາ|ไป|อยาก|จะ|ชวน|เสนอ|พา|สง|แตงงาน|นายหนา"
    r"|\b(?:pai|pay|bpai|yak|yark|ja|cha|suan|song)\b"
)
_LAO_JOB = re.compile(r"(?<!ເຮັດ)ວຽກ|(?<!ทำ)งาน|(?<!เฮ็ด)เวียก")
# Right before the name: "at / in / arrived at". Lao in Thai letters writes ຢູ່ as ยู่ (which อยู่
# ends with) and ຮອດ as ฮอด.
_AT = re.compile(
    r"(?:ຢູ|ຮອດ|ยู|ถึง|ฮอด|\b(?:yu|you|yoo|yuu|hod|hot)\b)"
    r"\s*(?:ທີ|ໃນ|ເມືອງ|ປະເທດ|ແຖວ|ที|ใน|แถว|เมือง|ประเทศ)?\s*$"
)
_SUBJECT = r"(?:i|i'm|im|i am|we|we're|we are|she|she's|she is|he|he's|he is|they|they're|they are|my \w+)"
_IN_EN = re.compile(
    rf"(?:\b{_SUBJECT}\b(?:\s+\w+){{0,3}}?|\b(?:here|now|currently|still|arrived|reached))\s+(?:in|at)\s*$"
)
_AFTER_HELD_EN = re.compile(r"\b(?:in|at|to|into)\s*$")


@dataclass(frozen=True)
class PlaceMention:
    value: str  # one of bot.vocabulary.COUNTRIES
    start: int  # span in the original text
    end: int
    where_she_is: bool


@dataclass(frozen=True)
class _Names:
    pattern: Pattern[str]
    value_of: Dict[str, str]
    ambiguous: frozenset
    not_before: Dict[str, str]
    place_word: Pattern[str]


def alternation(names: List[str]) -> str:
    parts = []
    for name in sorted(set(names), key=len, reverse=True):
        escaped = re.escape(name)
        parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])" if _LATIN.search(name) else escaped)
    return "|".join(parts)


@cache
def _names() -> _Names:
    data = load("places")
    countries = data.get("countries")
    if not isinstance(countries, dict) or set(countries) - set(COUNTRIES):
        raise LexiconError(f"places.yml: `countries` must map some of {', '.join(COUNTRIES)} to names")
    value_of: Dict[str, str] = {}
    ambiguous, not_before = set(), {}
    for value, entry in countries.items():
        never_before = "".join(words(entry.get("not_before"), f"places.yml: {value}.not_before"))
        for key in ("names", "ambiguous"):
            for name in words(entry.get(key), f"places.yml: {value}.{key}"):
                value_of[fold_word(name)] = value
                not_before[fold_word(name)] = never_before
                if key == "ambiguous":
                    ambiguous.add(fold_word(name))
    place_words = [fold_word(w) for w in words(data.get("place_words"), "places.yml: place_words")]
    return _Names(
        pattern=re.compile(alternation(list(value_of))),
        value_of=value_of,
        ambiguous=frozenset(ambiguous),
        not_before=not_before,
        place_word=re.compile(rf"(?:{alternation(place_words)})\s*$"),
    )


def _clause_before(text: str, start: int) -> str:
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end() :] if breaks else before


def _where_she_is(clause: str) -> bool:
    if _HELD.search(clause):
        return bool(_AT.search(clause) or _AFTER_HELD_EN.search(clause))
    if _ELSEWHERE.search(clause) or _LAO_JOB.search(clause):
        return False
    return bool(_AT.search(clause) or _IN_EN.search(clause))


def find_places(text: str) -> List[PlaceMention]:
    """Every country the text names, in order, each marked where-she-is or not."""
    names = _names()
    folded = fold(text)
    found: List[PlaceMention] = []
    whole = folded.text.strip()
    for match in names.pattern.finditer(folded.text):
        name = match.group()
        following = folded.text[match.end() : match.end() + 1]
        if following and following in names.not_before.get(name, ""):
            continue
        before = folded.text[: match.start()]
        if name in names.ambiguous and name != whole and not names.place_word.search(before):
            continue
        start, end = folded.span(match.start(), match.end())
        found.append(
            PlaceMention(
                names.value_of[name], start, end, _where_she_is(_clause_before(folded.text, match.start()))
            )
        )
    return found


def where_she_is(text: str) -> Optional[str]:
    """The country the text says she (or the person she worries about) is in now, if it says so."""
    return next((m.value for m in find_places(text) if m.where_she_is), None)


# --- languages she may ask for ---------------------------------------------------------------------


@cache
def _languages() -> Tuple[Pattern[str], Pattern[str], Dict[str, str]]:
    data = load("places").get("languages") or {}
    if set(data) - set(LANGUAGES):
        raise LexiconError(f"places.yml: `languages` must map some of {', '.join(LANGUAGES)} to names")
    value_of, bare = {}, {}
    for value, entry in data.items():
        for name in words(entry.get("names"), f"places.yml: languages.{value}.names"):
            value_of[fold_word(name)] = value
        for name in words(entry.get("bare"), f"places.yml: languages.{value}.bare"):
            bare[fold_word(name)] = value
    return re.compile(alternation(list(value_of))), re.compile(alternation(list(bare))), {**bare, **value_of}


def find_language(text: str, bare_names: bool = False) -> Optional[Tuple[str, int, int]]:
    """The language a message asks for ("ພາສາລາວ", "english please"), with its span.

    A bare "lao" / "ໄທ" counts only when `bare_names` (she is asking to change language):
    otherwise it is a country or a person."""
    named, bare, value_of = _languages()
    folded = fold(text)
    for pattern in (named, bare) if bare_names else (named,):
        match = pattern.search(folded.text)
        if match:
            return (value_of[match.group()], *folded.span(match.start(), match.end()))
    return None
