"""What the hand-off says: the numbers for where she is and what she needs, in her language.

`plan` decides the whole answer as a list of responses, without Rasa, so that the action, the
README's table of numbers and the tests read the same decisions. The rules, from the danger
issue: numbers are chosen by where she is (never by a country she only asked about), always shown
with their country; once she is in danger every hand-off starts with the emergency numbers; where
no number is checked she is told so plainly, with the numbers of the country she can reach when
the facts say where people cross, the Lao line her family can call, and the safety steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from bot.contacts.directory import Contact, best_for, country_notes, load_directory, select
from bot.i18n.catalogs import translate
from bot.i18n.markers import N_
from bot.vocabulary import (
    COUNTRIES,
    EMERGENCY,
    GOING_HOME,
    HELP,
    LABOUR,
    MEDICAL,
    POLICE,
    UNKNOWN_PLACE,
)

COUNTRY_NAMES: Dict[str, str] = {
    "laos": N_("Laos"),
    "thailand": N_("Thailand"),
    "china": N_("China"),
    "vietnam": N_("Vietnam"),
    "malaysia": N_("Malaysia"),
    "japan": N_("Japan"),
    "cambodia": N_("Cambodia"),
    "myanmar": N_("Myanmar"),
    "other": N_("another country"),
}
NEED_BY_INTENT: Dict[str, str] = {
    "need_help_now": EMERGENCY,
    "ask_hotline": HELP,
    "report_trafficking": HELP,
    "ask_go_home": GOING_HOME,
    "ask_worker_rights": LABOUR,
}
FREE_NOTE = N_("free")
# Where she does not know where she is: the first number of each country Lao women are most often
# taken to (docs/facts.md, section 5: Thailand, then Vietnam, Malaysia, China), Laos itself, and
# Myanmar for the scam compounds.
NEARBY = ("thailand", "laos", "china", "vietnam", "malaysia", "myanmar")
HOME = "laos"


@dataclass
class Say:
    """One response of the answer, with the values that fill it."""

    response: str
    values: Dict[str, str] = field(default_factory=dict)
    cards: List[Contact] = field(default_factory=list)  # contact cards to send after it (Telegram)


@dataclass
class Plan:
    says: List[Say]
    location: Optional[str]  # the place whose numbers were given; None when she was asked
    need: str
    pending: Optional[str] = None  # the need waiting for her answer to "where are you now?"


def country_name(country: Optional[str], language: str) -> str:
    return translate(COUNTRY_NAMES.get(country or "other", COUNTRY_NAMES["other"]), language)


def contact_line(contact: Contact, language: str) -> str:
    """`1300 – Social Assistance Center: trafficking, abuse, missing people (24 hours, free)`"""
    name, serves, hours = (contact.text(field, language) for field in ("name", "serves", "hours"))
    free = f", {translate(FREE_NOTE, language)}" if contact.free == "yes" else ""
    return f"{contact.number} – {name}: {serves} ({hours}{free})"


def contact_lines(contacts: Sequence[Contact], language: str) -> str:
    return "\n".join(contact_line(c, language) for c in contacts)


def short_lines(countries: Sequence[str], need: str, language: str, per_country: int = 2) -> str:
    """`Thailand: 191 (Police emergency), 1300 (...)` one line a country: for a list of several."""
    directory = load_directory()
    lines = []
    for country in countries:
        found = best_for(directory, country, need)[:per_country]
        if found:
            numbers = ", ".join(f"{c.number} ({c.text('name', language)})" for c in found)
            lines.append(f"{country_name(country, language)}: {numbers}")
    return "\n".join(lines)


def contact_cards(contacts: Sequence[Contact], language: str) -> List[Dict[str, Dict[str, str]]]:
    """Custom payloads that the Telegram gateway sends as contact messages (tap to call)."""
    return [
        {"contact": {"phone_number": c.dial, "first_name": c.text("name", language)[:64]}} for c in contacts
    ]


def effective_need(need: str, in_danger: bool) -> str:
    """In danger, every hand-off gives the emergency numbers, unless she asked for a service by name."""
    return EMERGENCY if in_danger and need not in (POLICE, MEDICAL) else need


def plan(location: Optional[str], need: str, language: str, in_danger: bool = False) -> Plan:
    need = effective_need(need, in_danger)
    emergency = need == EMERGENCY
    if location is None:
        if emergency:  # danger first, before any question
            return Plan([Say("utter_need_help_now"), Say("utter_ask_location_in_danger")], None, need, need)
        return Plan([Say("utter_ask_location")], None, need, need)
    if location == UNKNOWN_PLACE:
        wanted = EMERGENCY if need in (EMERGENCY, HELP, GOING_HOME, LABOUR) else need
        nearby = short_lines(NEARBY, wanted, language, per_country=1)
        says = [Say("utter_place_unknown", {"contacts": nearby})]
        return Plan(says + _after(location, need, language), location, need)
    if location not in COUNTRIES or not best_for(load_directory(), location, need):
        says = [Say("utter_no_checked_numbers", {"country_name": country_name(location, language)})]
        says += _after(location, need, language, numbers_given=False)
        if location == "other":
            says.append(Say("utter_ask_other_country"))
        return Plan(says, location, need)
    directory = load_directory()
    name = country_name(location, language)
    says = []
    contacts = select(directory, location, need)
    if not contacts:
        if need in (POLICE, MEDICAL):  # she asked for a service this country has no checked number for
            says.append(Say("utter_no_checked_service", {"country_name": name}))
        contacts = best_for(directory, location, need)
    says.append(
        Say("utter_handoff", {"country_name": name, "contacts": contact_lines(contacts, language)}, contacts)
    )
    return Plan(says + _after(location, need, language), location, need)


def _after(location: str, need: str, language: str, numbers_given: bool = True) -> List[Say]:
    """What follows the numbers: where people cross to, the embassy, the family's line, safety."""
    says: List[Say] = []
    notes = country_notes(location)
    if notes.crossing and need in (EMERGENCY, HELP, GOING_HOME):
        crossing = notes.crossing
        neighbour = select(load_directory(), crossing.to, EMERGENCY)
        says.append(
            Say(
                "utter_crossing",
                {
                    "crossing_from": crossing.from_place[language],
                    "crossing_to": crossing.to_place[language],
                    "neighbour_name": country_name(crossing.to, language),
                    "neighbour_contacts": contact_lines(neighbour[:2], language),
                },
            )
        )
    if notes.embassy and need == GOING_HOME:
        says.append(Say("utter_embassy", {"embassy_cities": notes.embassy[language]}))
    if location != HOME and (need in (EMERGENCY, GOING_HOME) or not numbers_given):
        says.append(Say("utter_family_line"))
    if need == EMERGENCY:
        says.append(Say("utter_safety_steps"))
    return says


def help_lines(location: Optional[str], language: str) -> str:
    """The numbers that go under an answer on a risky topic: her place's help lines, or, while she
    has not said where she is, those of Laos and Thailand."""
    if location in COUNTRIES and best_for(load_directory(), location, HELP):
        return contact_lines(best_for(load_directory(), location, HELP)[:2], language)
    return short_lines(("laos", "thailand"), HELP, language, per_country=1)
