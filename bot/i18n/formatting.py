"""Fees and dates from data/fees.yml, written the way her language writes them (Babel)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any, Dict

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal, get_currency_name

from bot.i18n.catalogs import PROJECT_ROOT, translate
from bot.i18n.markers import N_

FEES_FILE = PROJECT_ROOT / "data" / "fees.yml"


class FeesFileError(ValueError):
    """data/fees.yml is malformed; the message names the entry."""


def format_amount(amount: float, currency: str, language: str) -> str:
    """`2,000 Thai baht` / `2.000 ໄທ ບາດ` / `2,000 บาท`: digits plus the currency's name,
    which reads more easily than a symbol for someone who rarely sees one."""
    name = get_currency_name(currency, count=amount, locale=language)
    return f"{format_decimal(amount, locale=language)} {name}"


# "about 2022": a year the source is not sure of, in her language.
APPROXIMATE_YEAR = N_("about {year}")


def _format_entry(key: str, entry: Any, language: str) -> str:
    if isinstance(entry, dict) and "amount" in entry and "currency" in entry:
        return format_amount(entry["amount"], str(entry["currency"]), language)
    if isinstance(entry, dict) and isinstance(entry.get("date"), dt.date):
        return format_date(entry["date"], format="long", locale=language)
    if isinstance(entry, dict) and isinstance(entry.get("year"), int):
        year = str(entry["year"])
        return translate(APPROXIMATE_YEAR, language).format(year=year) if entry.get("approximate") else year
    raise FeesFileError(
        f"{key}: expected {{amount, currency}}, {{date: YYYY-MM-DD}} or {{year: YYYY}}, got {entry!r}"
    )


@cache
def _load(path: Path) -> Dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise FeesFileError(f"{path}: expected a mapping of names to entries")
    return data


@cache
def fact_values(language: str, path: Path = FEES_FILE) -> Dict[str, str]:
    """Placeholder name → formatted value, for filling responses."""
    return {key: _format_entry(key, entry, language) for key, entry in _load(path).items()}
