"""The contact directory: only sourced numbers, the right ones first, a broken file refused."""

import re
from pathlib import Path

import pytest

from bot.contacts.directory import (
    CONTACTS_FILE,
    MAX_CONTACTS_SHOWN,
    DirectoryError,
    load_directory,
    parse_directory,
    select,
)
from bot.contacts.handoff import contact_cards, contact_line
from bot.settings import PROJECT_ROOT
from bot.text.language_id import detect_language

FACTS = PROJECT_ROOT / "docs" / "facts.md"
DO_NOT_USE = ("12308", "99 130 1300")


@pytest.fixture(scope="module")
def directory():
    return load_directory()


def test_every_number_is_in_the_facts_file(directory) -> None:
    facts = FACTS.read_text(encoding="utf-8")
    for contact in directory:
        assert contact.number in facts, f"{contact.id}: {contact.number} is not in facts.md"


def test_numbers_marked_do_not_use_are_absent() -> None:
    text = CONTACTS_FILE.read_text(encoding="utf-8")
    for number in DO_NOT_USE:
        assert number not in text


def test_every_record_is_complete_in_three_languages(directory) -> None:
    for contact in directory:
        assert contact.status in ("verified", "partial")
        for field in ("name", "serves", "hours"):
            for language in ("lo", "th", "en"):
                assert detect_language(contact.text(field, language)) == language, (contact.id, field)


@pytest.mark.parametrize(
    ("country", "need", "first"),
    [
        ("thailand", "emergency", ["191", "1300"]),
        ("thailand", "help", ["1300"]),
        ("thailand", "labour", ["1694", "1546"]),
        ("laos", "emergency", ["1191", "1362"]),
        ("laos", "help", ["1362", "1554"]),
        ("china", "emergency", ["110"]),
        ("vietnam", "help", ["111"]),
        ("cambodia", "help", ["117"]),
    ],
)
def test_the_most_useful_numbers_come_first(directory, country: str, need: str, first: list) -> None:
    chosen = [c.number for c in select(directory, country, need)]
    assert chosen[: len(first)] == first
    assert len(chosen) <= MAX_CONTACTS_SHOWN


def test_every_country_with_numbers_has_help_or_emergency(directory) -> None:
    for country in {c.country for c in directory}:
        assert select(directory, country, "emergency") or select(directory, country, "help")


def test_lines_and_cards_in_her_language(directory) -> None:
    hotline = next(c for c in directory if c.number == "1300")
    line = contact_line(hotline, "lo")
    assert line.startswith("1300") and detect_language(line) == "lo"
    card = contact_cards([hotline], "th")[0]["contact"]
    assert card["phone_number"] == "1300" and detect_language(card["first_name"]) == "th"


def test_malaysia_number_dials_without_spaces(directory) -> None:
    mapo = next(c for c in directory if c.country == "malaysia" and "-" in c.number)
    assert re.fullmatch(r"\d+", mapo.dial)


GOOD = CONTACTS_FILE.read_text(encoding="utf-8")


def first_record_line(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("- id:"))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('number: "1362"', "number: 1362", 1), "must be quoted"),
        (lambda t: t.replace("country: laos", "country: laoss", 1), "country 'laoss'"),
        (lambda t: t.replace("status: verified", "status: do not use", 1), "status"),
        (lambda t: t.replace("needs: [", "needs: [rescue, ", 1), "needs"),
        (lambda t: re.sub(r"\n\s+lo: [^\n]*", "", t, count=1), "name needs a text in each of lo, th, en"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_line(edit, message: str, tmp_path: Path) -> None:
    broken = edit(GOOD)
    assert broken != GOOD
    with pytest.raises(DirectoryError) as error:
        parse_directory(broken, tmp_path / "contacts.yml")
    assert message in str(error.value)
    assert f"contacts.yml:{first_record_line(GOOD)}:" in str(error.value)


def test_a_duplicate_id_and_bad_yaml_are_refused(tmp_path: Path) -> None:
    first_id = re.search(r"- id: (\w+)", GOOD).group(1)
    second_id = re.findall(r"- id: (\w+)", GOOD)[1]
    with pytest.raises(DirectoryError, match="used twice"):
        parse_directory(GOOD.replace(f"id: {second_id}", f"id: {first_id}"), tmp_path / "c.yml")
    with pytest.raises(DirectoryError, match="not valid YAML"):
        parse_directory("contacts:\n  - id: [unclosed\n", tmp_path / "c.yml")
    with pytest.raises(DirectoryError, match="missing"):
        load_directory(tmp_path / "absent.yml")
