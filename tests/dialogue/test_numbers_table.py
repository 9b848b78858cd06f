"""The README's table of who gets which numbers is the one the directory gives today, and no road
in it is left without a number or a plain "none checked"."""

from bot.contacts.table import COLUMNS, cell, render
from bot.readme import current
from bot.vocabulary import COUNTRIES, UNKNOWN_PLACE


def test_the_readme_has_the_current_table() -> None:
    assert current("numbers-table") == render(), "run: helpline readme --write"


def test_every_place_and_need_ends_with_a_number_she_can_call() -> None:
    for location in (*COUNTRIES, UNKNOWN_PLACE):
        for need in COLUMNS.values():
            given = cell(location, need)
            assert any(ch.isdigit() for ch in given), (location, need, given)


def test_myanmar_gets_its_own_police_first_and_thai_numbers_only_after_crossing() -> None:
    danger = cell("myanmar", "emergency")
    assert danger.startswith("199") and danger.index("after crossing") < danger.index("1300")
