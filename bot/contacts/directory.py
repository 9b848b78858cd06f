"""Loading, checking and querying data/contacts.yml.

The file is edited by hand by NGO staff. A mistake in it must stop the
assistant with a message that names the line, never let it start with a
broken contact list: a wrong number given to someone in danger can cost a life.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bot.settings import PROJECT_ROOT
from bot.vocabulary import COUNTRIES, LANGUAGES, NEEDS

CONTACTS_FILE = PROJECT_ROOT / "data" / "contacts.yml"

STATUSES = ("verified", "partial")
FREE = ("yes", "no", "unknown")
TEXT_FIELDS = ("name", "serves", "hours")
REQUIRED = (
    "id", "number", "country", "needs", "rank", "free", "languages", "status",
    "source_url", "source_date", "last_checked", *TEXT_FIELDS,
)  # fmt: skip
MAX_CONTACTS_SHOWN = 3

_ID = re.compile(r"^[a-z0-9_]+$")
_NUMBER = re.compile(r"^\+?[0-9][0-9 \-]*[0-9]$")
_SOURCE_DATE = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?|undated)$")


class DirectoryError(ValueError):
    """The file is malformed; the message says where and what."""


@dataclass(frozen=True)
class Contact:
    id: str
    number: str
    country: str
    needs: Tuple[str, ...]
    rank: int
    free: str
    languages: Tuple[str, ...]
    status: str
    source_url: str
    source_date: str
    last_checked: Optional[dt.date]
    name: Dict[str, str]
    serves: Dict[str, str]
    hours: Dict[str, str]

    @property
    def dial(self) -> str:
        """The number as a phone dials it (no spaces or dashes)."""
        return re.sub(r"[ \-]", "", self.number)

    def text(self, field: str, language: str) -> str:
        return getattr(self, field)[language]


def _problem(node: yaml.Node, message: str, path: Path) -> DirectoryError:
    return DirectoryError(f"{path}:{node.start_mark.line + 1}: {message}")


def _check_record(raw: Any, node: yaml.Node, path: Path) -> Contact:
    def fail(message: str) -> DirectoryError:
        return _problem(node, message, path)

    if not isinstance(raw, dict):
        raise fail("each contact must be a mapping of fields")
    missing = [f for f in REQUIRED if f not in raw]
    if missing:
        raise fail(f"missing field(s): {', '.join(missing)}")
    unknown = sorted(set(raw) - set(REQUIRED))
    if unknown:
        raise fail(f"unknown field(s): {', '.join(unknown)}")
    if not isinstance(raw["id"], str) or not _ID.match(raw["id"]):
        raise fail(f"id {raw['id']!r} must be lowercase letters, digits and underscores")
    if not isinstance(raw["number"], str) or not _NUMBER.match(raw["number"]):
        raise fail(f"number {raw['number']!r} must be quoted and contain only digits, spaces, + and -")
    if raw["country"] not in COUNTRIES:
        raise fail(f"country {raw['country']!r} is not one of {', '.join(COUNTRIES)}")
    needs = raw["needs"]
    if not isinstance(needs, list) or not needs or any(n not in NEEDS for n in needs):
        raise fail(f"needs {needs!r} must be a non-empty list of {', '.join(NEEDS)}")
    if not isinstance(raw["rank"], int) or isinstance(raw["rank"], bool):
        raise fail(f"rank {raw['rank']!r} must be a whole number")
    free = {True: "yes", False: "no"}.get(raw["free"], raw["free"])  # YAML reads a bare yes/no as a boolean
    if free not in FREE:
        raise fail(f"free {raw['free']!r} must be one of {', '.join(FREE)}")
    if raw["status"] not in STATUSES:
        raise fail(f"status {raw['status']!r} must be one of {', '.join(STATUSES)} (others are never shown)")
    languages = raw["languages"]
    if not isinstance(languages, list) or not all(isinstance(x, str) and len(x) in (2, 3) for x in languages):
        raise fail(f"languages {languages!r} must be a list of ISO codes such as lo, th, en")
    if not isinstance(raw["source_url"], str) or not raw["source_url"].strip():
        raise fail("source_url must say where the number comes from")
    if not _SOURCE_DATE.match(str(raw["source_date"])):
        raise fail(f"source_date {raw['source_date']!r} must be YYYY, YYYY-MM, YYYY-MM-DD or undated")
    last_checked = raw["last_checked"]
    if last_checked is not None and not isinstance(last_checked, dt.date):
        raise fail(f"last_checked {last_checked!r} must be a date YYYY-MM-DD or null")
    for field in TEXT_FIELDS:
        texts = raw[field]
        if not isinstance(texts, dict) or any(not str(texts.get(lang) or "").strip() for lang in LANGUAGES):
            raise fail(f"{field} needs a text in each of {', '.join(LANGUAGES)}")
    return Contact(
        id=raw["id"],
        number=raw["number"],
        country=raw["country"],
        needs=tuple(needs),
        rank=raw["rank"],
        free=free,
        languages=tuple(languages),
        status=raw["status"],
        source_url=raw["source_url"],
        source_date=str(raw["source_date"]),
        last_checked=last_checked,
        **{field: {lang: str(raw[field][lang]).strip() for lang in LANGUAGES} for field in TEXT_FIELDS},
    )


def parse_directory(text: str, path: Path) -> List[Contact]:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise DirectoryError(f"{path}{line}: not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(data, dict) or not isinstance(data.get("contacts"), list) or not data["contacts"]:
        raise DirectoryError(f"{path}: expected a top-level 'contacts:' list with at least one contact")
    unknown = sorted(set(data) - {"contacts", "countries"})
    if unknown:
        raise DirectoryError(f"{path}: unknown top-level key(s): {', '.join(unknown)}")
    nodes = next(v for k, v in root.value if k.value == "contacts").value
    contacts = [_check_record(raw, node, path) for raw, node in zip(data["contacts"], nodes, strict=False)]
    seen: Dict[str, int] = {}
    for contact, node in zip(contacts, nodes, strict=False):
        if contact.id in seen:
            raise _problem(node, f"id {contact.id!r} is used twice (first on line {seen[contact.id]})", path)
        seen[contact.id] = node.start_mark.line + 1
    return contacts


@dataclass(frozen=True)
class Crossing:
    """Where people who get out of a country usually cross, and whose numbers apply there."""

    to: str  # a country with contacts
    from_place: Dict[str, str]
    to_place: Dict[str, str]


@dataclass(frozen=True)
class CountryNotes:
    embassy: Optional[Dict[str, str]] = None  # the towns with a Lao embassy or consulate, per language
    crossing: Optional[Crossing] = None


def _texts(value: Any, where: str, path: Path) -> Dict[str, str]:
    if not isinstance(value, dict) or any(not str(value.get(lang) or "").strip() for lang in LANGUAGES):
        raise DirectoryError(f"{path}: {where} needs a text in each of {', '.join(LANGUAGES)}")
    return {lang: str(value[lang]).strip() for lang in LANGUAGES}


def parse_country_notes(data: Any, path: Path, contacts: Sequence[Contact]) -> Dict[str, CountryNotes]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DirectoryError(f"{path}: 'countries:' must map countries to their notes")
    notes = {}
    with_numbers = {c.country for c in contacts}
    for country, entry in data.items():
        where = f"countries.{country}"
        if country not in COUNTRIES or not isinstance(entry, dict) or set(entry) - {"embassy", "crossing"}:
            raise DirectoryError(
                f"{path}: {where}: a country of {', '.join(COUNTRIES)} with embassy / crossing"
            )
        crossing = entry.get("crossing")
        if crossing is not None:
            if not isinstance(crossing, dict) or crossing.get("to") not in with_numbers:
                raise DirectoryError(f"{path}: {where}.crossing.to must be a country with contacts")
            crossing = Crossing(
                crossing["to"],
                _texts(crossing.get("from_place"), f"{where}.crossing.from_place", path),
                _texts(crossing.get("to_place"), f"{where}.crossing.to_place", path),
            )
        embassy = entry.get("embassy")
        notes[country] = CountryNotes(
            embassy=_texts(embassy, f"{where}.embassy", path) if embassy is not None else None,
            crossing=crossing,
        )
    return notes


@cache
def _load(path: Path) -> Tuple[Tuple[Contact, ...], Dict[str, CountryNotes]]:
    if not path.exists():
        raise DirectoryError(f"{path}: the contact directory is missing")
    text = path.read_text(encoding="utf-8")
    contacts = tuple(parse_directory(text, path))
    return contacts, parse_country_notes(yaml.safe_load(text).get("countries"), path, contacts)


def load_directory(path: Path = CONTACTS_FILE) -> Tuple[Contact, ...]:
    return _load(path)[0]


NUMBER_PLACEHOLDER = re.compile(r"\{number\.([a-z0-9_]+)\}")


def number_values(path: Path = CONTACTS_FILE) -> Dict[str, str]:
    """`number.<contact id>` -> the number: how texts name a help number, so it is typed only here."""
    return {f"number.{contact.id}": contact.number for contact in load_directory(path)}


def fill_numbers(text: str, path: Path = CONTACTS_FILE) -> str:
    """A text with its {number.<contact id>} placeholders filled (texts outside Rasa's NLG)."""
    values = number_values(path)
    return NUMBER_PLACEHOLDER.sub(lambda m: values[f"number.{m.group(1)}"], text)


def country_notes(country: Optional[str], path: Path = CONTACTS_FILE) -> CountryNotes:
    return _load(path)[1].get(country or "", CountryNotes())


def select(
    contacts: Sequence[Contact], country: str, need: str, limit: int = MAX_CONTACTS_SHOWN
) -> List[Contact]:
    """At most `limit` numbers for her country and need, the most useful first."""
    matching = [c for c in contacts if c.country == country and need in c.needs and c.status in STATUSES]
    return sorted(matching, key=lambda c: (c.rank, c.id))[:limit]


def best_for(contacts: Sequence[Contact], country: str, need: str) -> List[Contact]:
    """The numbers for her need; where none serves it, the general help lines, then the
    emergency ones (for China the directory has only emergency numbers)."""
    for wanted in dict.fromkeys((need, "help", "emergency")):
        found = select(contacts, country, wanted)
        if found:
            return found
    return []
