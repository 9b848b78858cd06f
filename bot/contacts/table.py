"""The table of who gets which numbers, generated from the directory for the README.

One row for each place she can be (each country of the directory, another country, "I don't know"),
one column for each need; each cell lists the numbers the hand-off gives, in order, as
bot/contacts/handoff.py decides them. `helpline readme --write` puts it into README.md (bot/readme.py).
"""

from __future__ import annotations

import re
from typing import Dict, List

from bot.contacts.handoff import plan
from bot.vocabulary import COUNTRIES, EMERGENCY, ENGLISH, GOING_HOME, HELP, LABOUR, POLICE, UNKNOWN_PLACE

# The columns: what she needs, by what she said (need_help_now, report_trafficking, ask_go_home, ...).
COLUMNS: Dict[str, str] = {
    "danger": EMERGENCY,
    "report someone": HELP,
    "go home": GOING_HOME,
    "work": LABOUR,
    "police": POLICE,
    "general": HELP,
}
PLACE_NAMES = {"other": "another country", UNKNOWN_PLACE: "she does not know"}
_NUMBER_AT_LINE_START = re.compile(r"^(\+?[\d][\d \-]*\d)\s+–", re.MULTILINE)
_NUMBERS_IN_LIST = re.compile(r"(\+?\d[\d \-]*\d) \(")


def cell(location: str, need: str) -> str:
    """The numbers given, in order; a crossing's or the family's line after a ' / '."""
    parts: List[str] = []
    for say in plan(location, need, ENGLISH, in_danger=need == EMERGENCY).says:
        if say.response == "utter_handoff":
            parts.append(", ".join(_NUMBER_AT_LINE_START.findall(say.values["contacts"])))
        elif say.response == "utter_place_unknown":
            parts.append("by country: " + ", ".join(_NUMBERS_IN_LIST.findall(say.values["contacts"])))
        elif say.response == "utter_crossing":
            numbers = ", ".join(_NUMBER_AT_LINE_START.findall(say.values["neighbour_contacts"]))
            parts.append(f"after crossing: {numbers}")
        elif say.response in ("utter_no_checked_numbers", "utter_no_checked_service"):
            parts.append("none checked (says so)")
        elif say.response == "utter_family_line":
            parts.append("family: 1362")
    return " / ".join(parts)


def render() -> str:
    header = "| where she is | " + " | ".join(COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(COLUMNS) + 1)]
    for location in (*[c for c in COUNTRIES if c != "other"], "other", UNKNOWN_PLACE):
        name = PLACE_NAMES.get(location, location.capitalize())
        lines.append(f"| {name} | " + " | ".join(cell(location, need) for need in COLUMNS.values()) + " |")
    return "\n".join(lines)
