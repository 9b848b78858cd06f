"""Lines about a case, in her language or the staff's: translated, filled, and with the numbers that work
where she is (danger first: in danger, the emergency numbers)."""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from babel.dates import format_datetime, get_timezone_location

from bot.contacts.directory import best_for, fill_numbers, load_directory
from bot.contacts.handoff import NEARBY, contact_lines, country_name, help_lines, short_lines
from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors.cases import Case, Known
from bot.i18n.catalogs import translate
from bot.reports import labels
from bot.vocabulary import COUNTRIES, EMERGENCY, UNKNOWN_PLACE

WHY = {"asked": t.WHY_ASKED, "danger": t.WHY_DANGER, "jobcheck": t.WHY_JOB_CHECK, "help": t.WHY_HELP}
LANGUAGE_NAMES = {"lo": "ລາວ", "th": "ไทย", "en": "English"}


def say(text: str, language: str, /, **values: object) -> str:
    translated = fill_numbers(translate(text, language))
    return translated.format(**values) if values else translated


def numbers_for(known: Known, language: str) -> str:
    """The numbers under a case's last line: for where she is, the emergency ones if she may be in danger."""
    location = known.location if known.location in COUNTRIES and known.location != "other" else None
    if known.in_danger:
        if location and best_for(load_directory(), location, EMERGENCY):
            return contact_lines(best_for(load_directory(), location, EMERGENCY)[:3], language)
        return short_lines(NEARBY, EMERGENCY, language, per_country=1)
    return help_lines(location, language)


def with_numbers_after(line: str, known: Known, language: str) -> str:
    """A line already in her language, then "If you need help, call:" and the numbers."""
    return f"{line}\n{say(t.NUMBERS_AFTER, language, contacts=numbers_for(known, language))}"


def back_at(opening: dt.datetime, language: str) -> str:
    """"A person ... from Monday 9 March, 08:30 (Laos Time)", in her language."""
    when = format_datetime(opening, "EEEE d MMMM, HH:mm", tzinfo=opening.tzinfo, locale=language)
    zone = get_timezone_location(opening.tzinfo, locale=language)
    return say(t.CLOSED_NOW, language, when=when, zone=zone)


def place(known: Known, language: str) -> str:
    if known.location == UNKNOWN_PLACE:
        return translate(labels.DOES_NOT_KNOW, language)
    if known.location in COUNTRIES:
        return country_name(known.location, language)
    return translate(labels.NOT_KNOWN, language)


def topic_name(case: Case, language: str) -> str:
    """"K7QF · lo · Thailand": the label, her language and where she is; nothing else."""
    return f"{case.label} · {case.language} · {place(case.known, language)}"


def case_opening(case: Case, language: str) -> str:
    """The first post of a case's topic: what the bot knows that helps, never what she wrote."""
    known = case.known
    lines: List[str] = [say(t.CASE_OPENED, language, label=case.label), "", say(WHY[known.reason], language)]
    lines.append(say(t.KNOWN_LANGUAGE, language, language=LANGUAGE_NAMES.get(case.language, case.language)))
    lines.append(say(t.KNOWN_PLACE, language, place=place(known, language)))
    if known.topic in labels.TOPICS:
        lines.append(say(t.KNOWN_TOPIC, language, topic=translate(labels.TOPICS[known.topic], language)))
    if known.job_check in labels.OUTCOMES:
        result = translate(labels.OUTCOMES[known.job_check], language)
        lines.append(say(t.KNOWN_JOB_CHECK, language, result=result))
    if known.in_danger:
        lines.append(say(t.KNOWN_DANGER, language))
    return "\n".join(lines)


def minutes(seconds: float) -> int:
    return max(0, round(seconds / 60))


def topic_link(chat_id: int, thread_id: Optional[int]) -> str:
    """A link to a topic that opens it for members (t.me/c/<group>/<topic>); it says nothing about her."""
    internal = str(chat_id)[4:] if str(chat_id).startswith("-100") else str(abs(chat_id))
    return f"https://t.me/c/{internal}/{thread_id}" if thread_id else ""
