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

from bot.nlu.scripts import LANGUAGES
from bot.settings import PROJECT_ROOT

CONTACTS_FILE = PROJECT_ROOT / "data" / "contacts.yml"

COUNTRIES = ("laos", "thailand", "china", "vietnam", "malaysia", "japan", "cambodia", "myanmar", "other")
NEEDS = ("emergency", "help", "labour", "going_home")
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
    nodes = next(v for k, v in root.value if k.value == "contacts").value
    contacts = [_check_record(raw, node, path) for raw, node in zip(data["contacts"], nodes, strict=False)]
    seen: Dict[str, int] = {}
    for contact, node in zip(contacts, nodes, strict=False):
        if contact.id in seen:
            raise _problem(node, f"id {contact.id!r} is used twice (first on line {seen[contact.id]})", path)
        seen[contact.id] = node.start_mark.line + 1
    return contacts


@cache
def load_directory(path: Path = CONTACTS_FILE) -> Tuple[Contact, ...]:
    if not path.exists():
        raise DirectoryError(f"{path}: the contact directory is missing")
    return tuple(parse_directory(path.read_text(encoding="utf-8"), path))


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
