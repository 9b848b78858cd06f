"""Only sourced claims: every response names the sections of docs/facts.md it rests on, and every
number it shows, in every language, is in that file. Help numbers are never typed into a text: they
come from data/contacts.yml through {number.<contact id>} placeholders."""

import re
from typing import Dict, List, Set

import pytest
import yaml

from bot.i18n.catalogs import TRANSLATED_LANGUAGES, po_path, read_catalog
from bot.nlg import TranslatingNLG
from bot.settings import PROJECT_ROOT
from bot.vocabulary import LANGUAGES

FACTS = (PROJECT_ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
NO_SOURCE = "none"
# Numbers a response may show that are not facts: the age under which anyone is a child (the
# job check asks it), and the numbered steps of a list.
NOT_FACTS = {"18", "1", "2", "3", "4", "5"}
# What the actions fill in, with numbers taken from the facts file.
FILLED_BY_ACTIONS = {
    "signs": "- …", "contacts": "1300 – …", "country_name": "…", "embassy_cities": "…",
    "crossing_from": "…", "crossing_to": "…", "neighbour_name": "…", "neighbour_contacts": "191 – …",
}  # fmt: skip
_NUMBER = re.compile(r"\d+(?:[ ,.\-]\d+)*")
_PLACEHOLDER = re.compile(r"\{[^{}\n]+\}")


def numbers(text: str) -> Set[str]:
    """Each number as its digits: "2,000", "2.000" and "2 000" are all 2000; a phone number
    "03-8000 8000" is 0380008000."""
    return {re.sub(r"\D", "", n) for n in _NUMBER.findall(text)}


FACT_NUMBERS = numbers(FACTS) | {re.sub(r"\D", "", n) for n in re.findall(r"\d+", FACTS)}


def headings() -> List[str]:
    """Every heading as "## title" and "## title > ### title" paths, by their text."""
    paths, current = [], ""
    for line in FACTS.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            paths.append(current)
        elif line.startswith("### "):
            paths.append(f"{current} > {line[4:].strip()}")
    return paths


def sources_of(name: str) -> List[str]:
    variations = DOMAIN["responses"][name]
    found = []
    for variation in variations:
        source = (variation.get("metadata") or {}).get("source")
        assert isinstance(source, list) and source, f"{name} names no source in its metadata"
        found += source
    return found


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_response_names_real_sections(name: str) -> None:
    known = headings()
    for source in sources_of(name):
        if source == NO_SOURCE:
            continue
        section, _, subsection = source.partition(" > ")
        matches = [h for h in known if h.startswith(section) and (not subsection or h.endswith(subsection))]
        assert matches, f"{name}: '{source}' is not a section of docs/facts.md"


@pytest.fixture(scope="module")
def nlg() -> TranslatingNLG:
    from rasa.shared.core.domain import Domain

    return TranslatingNLG(domain=Domain.load(str(PROJECT_ROOT / "domain.yml")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_number_shown_is_in_the_facts_file(nlg: TranslatingNLG, language: str) -> None:
    for name in DOMAIN["responses"]:
        text = nlg.render(name, language, {}, **FILLED_BY_ACTIONS)["text"]
        shown = numbers(text) - NOT_FACTS
        missing = shown - FACT_NUMBERS
        assert not missing, f"{name} [{language}] shows {missing}, which docs/facts.md does not have"
        if sources_of(name) == [NO_SOURCE]:
            assert not shown, f"{name} shows numbers {shown} but names no source"


def texts_with_placeholders_removed() -> Dict[str, str]:
    found = {}
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            found[f"domain {name}"] = _PLACEHOLDER.sub("", variation.get("text") or "")
    for language in TRANSLATED_LANGUAGES:
        for message in read_catalog(po_path(language)):
            if message.id and message.string:
                found[f"{language} {str(message.id)[:40]}"] = _PLACEHOLDER.sub("", str(message.string))
    return found


def test_no_help_number_is_typed_into_a_text() -> None:
    """A help number has three or more digits; it comes from the contact file, never from a text."""
    typed = {
        where: [
            n
            for n in _NUMBER.findall(text)
            if len(re.sub(r"\D", "", n)) >= 3 and not re.fullmatch(r"20\d\d", n)
        ]
        for where, text in texts_with_placeholders_removed().items()
    }
    assert {where: found for where, found in typed.items() if found} == {}


def test_claims_the_review_found_unsourced_are_gone() -> None:
    english = " ".join(v.get("text") or "" for vs in DOMAIN["responses"].values() for v in vs).lower()
    for claim in (
        "even without your passport",
        "the embassy of laos in that country",
        "labour office",
        "an employer should not keep it",
        "and takes the money",
        "meet the man yourself",
    ):
        assert claim not in english, claim
