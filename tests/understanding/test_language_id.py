"""Lao in Latin or Thai letters is Lao; English and Thai stay what they are (bot/text/language_id.py)."""

import re
from collections import Counter

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from bot.text.language_id import identify

HOLDOUT = PROJECT_ROOT / "tests" / "nlu_holdout"


@pytest.mark.parametrize(
    ("text", "language", "form"),
    [
        ("sabaidee", "lo", "latin_lao"),
        ("khoy yak pai het viak yu thai", "lo", "latin_lao"),
        ("suay dae khoy thuk khang yu ork bor dai", "lo", "latin_lao"),
        ("hello, how do I find a safe job", "en", "english"),
        ("sawatdee krap phom mai khao jai krap", "th", "latin_thai"),  # romanized Thai: only where clear
        ("ข้อยอยากไปเฮ็ดเวียกอยู่ไทย", "lo", "lao_in_thai"),
        ("หนูอยากไปทำงานที่ไทยค่ะ", "th", "thai"),
        ("ຂ້ອຍຢາກໄປເຮັດວຽກ online", "lo", "lao"),
        ("😭😭", None, "none"),
    ],
)
def test_examples(text: str, language: str, form: str) -> None:
    guess = identify(text)
    assert (guess.language, guess.form) == (language, form)


def holdout_texts(split: str):
    data = yaml.safe_load((HOLDOUT / f"{split}.yml").read_text(encoding="utf-8"))
    for item in data["nlu"]:
        for line in item.get("examples", "").splitlines():
            if line.strip().startswith("- "):
                yield re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", line.strip()[2:])


@pytest.mark.parametrize(
    ("split", "language", "at_least"),
    [("lo_latn", "lo", 0.90), ("lo_thai", "lo", 0.85), ("en", "en", 0.95), ("th", "th", 0.95)],
)
def test_held_out_messages_are_answered_in_their_language(split: str, language: str, at_least: float) -> None:
    """Written apart from the word lists: how often the answer would come in her language."""
    found = Counter(identify(text).language for text in holdout_texts(split))
    share = found[language] / sum(found.values())
    assert share >= at_least, found
