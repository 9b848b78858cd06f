"""Which language a message is in, from its script and, within a script, from its words.

Lao is written in three ways: in Lao script; in Thai letters (on a phone with a Thai keyboard:
"ข้อยอยากไปเฮ็ดเวียก"); and in Latin letters ("khoy yak pai het viak yu thai"), which also carry
English and romanized Thai. The script alone would take the last for English and answer her in a
language she may not read well. Within Thai and Latin script the words decide, from the lists in
data/lexicon/ (romanized_lao.yml, romanized_thai.yml, lao_in_thai_letters.yml, english_words.yml).
A guess is `sure` when the words clearly point one way; an unsure guess is a hint, and the
assistant offers the language buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Dict, FrozenSet, Optional, Tuple

from bot.text.lexicon import load, words
from bot.text.scripts import dominant_script
from bot.vocabulary import ENGLISH, LAO, THAI

_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# A Thai letter that continues the syllable before it: a vowel sign, a tone mark, or sara a/aa/am.
_CONTINUES = re.compile("[\u0e30-\u0e3a\u0e47-\u0e4e]")
_LEADING_VOWEL = re.compile("[\u0e40-\u0e44]")
# Thai words that Lao written in Thai letters does not use.
_THAI_ONLY = (
    "ครับ",
    "ค่ะ",
    "คะ",
    "ไม่",
    "หนู",
    "ฉัน",
    "ทำงาน",
    "อะไร",
    "ยังไง",
    "ไหม",
    "มั้ย",
    "ที่ไหน",
    "เท่าไหร่",
    "ได้ไหม",
)


@dataclass(frozen=True)
class LanguageGuess:
    language: Optional[str]  # lo / th / en; None when the text has no letters
    form: str  # lao, thai, lao_in_thai, latin_lao, latin_thai, english, none
    sure: bool


@dataclass(frozen=True)
class _Lists:
    usual: Dict[str, str]  # a romanized Lao spelling -> the word's most common spelling
    latin_lao: FrozenSet[str]
    latin_lao_also_english: FrozenSet[str]
    latin_thai: FrozenSet[str]
    english: FrozenSet[str]
    lao_in_thai: Tuple[str, ...]


@cache
def _lists() -> _Lists:
    lao, also_english, usual = set(), set(), {}
    for entry in load("romanized_lao").get("words") or []:
        spellings = [s.lower() for s in words(entry.get("latin"), f"romanized_lao.yml: {entry.get('lao')}")]
        for spelling in spellings:
            (also_english if entry.get("also_english") else lao).add(spelling)
            if not entry.get("also_english"):
                usual.setdefault(spelling, spellings[0])
    thai = {
        w.lower() for w in words(load("romanized_thai").get("thai_only"), "romanized_thai.yml: thai_only")
    }
    english = {w.lower() for w in words(load("english_words").get("words"), "english_words.yml: words")}
    marks = words(load("lao_in_thai_letters").get("lao_words"), "lao_in_thai_letters.yml: lao_words")
    return _Lists(
        usual=usual,
        latin_lao=frozenset(lao - english),
        latin_lao_also_english=frozenset(also_english | (lao & english)),
        latin_thai=frozenset(thai - lao),
        english=frozenset(english - lao),
        lao_in_thai=tuple(sorted(set(marks), key=len, reverse=True)),
    )


def _occurs_as_word(word: str, text: str) -> int:
    """How often `word` stands in Thai-script `text` as a word of its own, not inside a longer one."""
    count, start = 0, text.find(word)
    while start >= 0:
        end = start + len(word)
        after_ok = end >= len(text) or not _CONTINUES.match(text[end])
        before_ok = start == 0 or not _LEADING_VOWEL.match(text[start - 1])
        count += after_ok and before_ok
        start = text.find(word, start + 1)
    return count


def _thai_script(text: str) -> LanguageGuess:
    lists = _lists()
    lao = sum(_occurs_as_word(w, text) for w in lists.lao_in_thai)
    thai = sum(_occurs_as_word(w, text) for w in _THAI_ONLY)
    if lao > thai:
        return LanguageGuess(LAO, "lao_in_thai", sure=lao >= 2 or thai == 0)
    return LanguageGuess(THAI, "thai", sure=thai > 0 or lao == 0)


def _latin(text: str) -> LanguageGuess:
    lists = _lists()
    tokens = _LATIN_WORD.findall(text.lower())
    lao = sum(t in lists.latin_lao for t in tokens) + 0.3 * sum(
        t in lists.latin_lao_also_english for t in tokens
    )
    thai = sum(t in lists.latin_thai for t in tokens)
    english = sum(t in lists.english for t in tokens)
    if lao > english and lao >= thai:
        return LanguageGuess(LAO, "latin_lao", sure=lao >= 2 * max(english, 0.5) and lao >= 1)
    if thai > english and thai > lao:
        return LanguageGuess(THAI, "latin_thai", sure=thai >= 2 and lao < 1)
    return LanguageGuess(ENGLISH, "english", sure=english > 0 and english >= 2 * lao)


def identify(text: str) -> LanguageGuess:
    """The language of a message and how it is written."""
    script = dominant_script(text)
    if script == LAO:
        return LanguageGuess(LAO, "lao", sure=True)
    if script == THAI:
        return _thai_script(text)
    if script == ENGLISH:
        return _latin(text)
    return LanguageGuess(None, "none", sure=False)


def usual_spelling(word: str) -> str:
    """The most common spelling of a romanized Lao word ("khoi" -> "khoy"); other words lower-cased."""
    lowered = word.lower()
    return _lists().usual.get(lowered, lowered)


def detect_language(text: str) -> Optional[str]:
    """The language to answer a message in (lo / th / en), or None when it has no letters."""
    return identify(text).language
