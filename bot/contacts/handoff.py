"""Turning directory entries into the lines she reads, in her language."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from bot.contacts.directory import Contact
from bot.i18n.catalogs import translate
from bot.i18n.markers import N_

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
    "need_help_now": "emergency",
    "ask_hotline": "help",
    "report_trafficking": "help",
    "ask_go_home": "going_home",
    "ask_worker_rights": "labour",
}
FREE_NOTE = N_("free")


def country_name(country: Optional[str], language: str) -> str:
    return translate(COUNTRY_NAMES.get(country or "other", COUNTRY_NAMES["other"]), language)


def contact_line(contact: Contact, language: str) -> str:
    """`1300 – Social Assistance Center: trafficking, abuse, missing people. 24 hours, free.`"""
    name, serves, hours = (contact.text(field, language) for field in ("name", "serves", "hours"))
    free = f", {translate(FREE_NOTE, language)}" if contact.free == "yes" else ""
    return f"{contact.number} – {name}: {serves} ({hours}{free})"


def contact_lines(contacts: Sequence[Contact], language: str) -> str:
    return "\n".join(contact_line(c, language) for c in contacts)


def contact_cards(contacts: Sequence[Contact], language: str) -> List[Dict[str, Dict[str, str]]]:
    """Custom payloads that the Telegram gateway sends as contact messages (tap to call)."""
    return [
        {"contact": {"phone_number": c.dial, "first_name": c.text("name", language)[:64]}} for c in contacts
    ]
