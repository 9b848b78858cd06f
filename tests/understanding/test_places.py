"""Countries in every script, and whether the words say she is there now (bot/text/places.py)."""

from typing import List, Optional, Tuple

import pytest

from bot.text.places import find_language, find_places, where_she_is


def places(text: str) -> List[Tuple[str, bool]]:
    return [(m.value, m.where_she_is) for m in find_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Where she is, and a country she only asks about, told apart.
        (
            "I am in Vientiane. A broker offers me a job in Malaysia, is it real?",
            [("laos", True), ("malaysia", False)],
        ),
        ("I'm in Myanmar, they lock us in a compound, please help", [("myanmar", True)]),
        ("help i am locked in a room in bangkok and cant get out", [("thailand", True)]),
        ("they took me to china", [("china", True)]),
        ("my sister is in Malaysia", [("malaysia", True)]),
        ("i work in malaysia", [("malaysia", True)]),
        ("a job in malaysia", [("malaysia", False)]),
        ("chinese man wants to marry me", [("china", False)]),
        ("what is the police number in Thailand", [("thailand", False)]),
        ("ຂ້ອຍຢູ່ລາວ", [("laos", True)]),
        ("ຂ້ອຍເຮັດວຽກຢູ່ໄທ", [("thailand", True)]),
        ("ຢາກໄປເຮັດວຽກຢູ່ໄທ", [("thailand", False)]),
        ("ລາວຖືກຂັງຢູ່ບາງກອກ", [("thailand", True)]),
        ("อยู่ลาว", [("laos", True)]),
        ("หนูถูกขังอยู่ที่ กรุงเทพ ออกไปไม่ได้", [("thailand", True)]),
        ("khoy yak pai het viak yu thai", [("thailand", False)]),
        # Lao in Thai letters: ยู่ for ຢູ່, ฮอด for ຮອດ.
        ("ข้อยยู่ไทย", [("thailand", True)]),
        ("ตอนนี้ข้อยฮอดจีนแล้ว", [("china", True)]),
        ("ข้อยยากไปเฮ็ดเวียกยู่ไทย", [("thailand", False)]),
        ("yu lao", [("laos", True)]),
        # Spellings: tone marks left out, ຫລ for ຫຼ.
        ("ຍີປຸ່ນ", [("japan", False)]),
        ("ຫລວງພະບາງ", [("laos", False)]),
        # Everyday words that look like names are not places.
        ("ລາວບອກວ່າຈະມາ", []),  # "he said he would come"
        ("ไม่มาเลย", []),  # "did not come at all", not Malaysia
        ("ບໍ່ມາເລີຍ", []),
        ("khoy ja tai laew", []),  # "I am going to die", not Thailand
        # A bare name is a country (her answer to "where are you now?").
        ("ລາວ", [("laos", False)]),
        ("lao", [("laos", False)]),
    ],
)
def test_places_and_where_she_is(text: str, expected: List[Tuple[str, bool]]) -> None:
    assert places(text) == expected


def test_spans_point_at_what_she_wrote() -> None:
    text = "ຂ້ອຍຢູ່ ຫຼວງພະບາງ"
    (mention,) = find_places(text)
    assert text[mention.start : mention.end] == "ຫຼວງພະບາງ"


@pytest.mark.parametrize(
    ("text", "bare", "expected"),
    [
        ("ພາສາລາວແດ່", False, "lo"),
        ("write in english please", False, "en"),
        ("ภาษาไทย", False, "th"),
        ("ລາວ", True, "lo"),
        ("ລາວ", False, None),  # without asking for a language, a bare ລາວ is a country or a person
        ("อยู่ลาว", False, None),
    ],
)
def test_languages_asked_for(text: str, bare: bool, expected: Optional[str]) -> None:
    found = find_language(text, bare_names=bare)
    assert (found[0] if found else None) == expected


def test_where_she_is_takes_the_first_place_that_says_so() -> None:
    assert where_she_is("A broker offers me a job in Malaysia but I am in Pakse") == "laos"
    assert where_she_is("is the job in Malaysia real?") is None
