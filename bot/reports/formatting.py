"""Numbers, shares, changes and dates as the report's reader writes them (Babel)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Optional

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.reports.suppression import Cell, Shown

NOT_SHOWN = "–"  # a share or change that cannot be given without a hidden number
PROTECTING_MARK = "*"


def count(cell: Cell, threshold: int, language: str) -> str:
    if cell.shown is Shown.SMALL:
        return f"<{threshold}"
    if cell.shown is Shown.PROTECTING:
        return PROTECTING_MARK
    return format_decimal(cell.count, locale=language)


def share(value: Optional[float], language: str) -> str:
    return NOT_SHOWN if value is None else format_percent(value, locale=language)


def change(value: Optional[float], language: str) -> str:
    return NOT_SHOWN if value is None else format_percent(value, format="+#,##0%;-#,##0%", locale=language)


def day(value: dt.date, language: str) -> str:
    return format_date(value, "medium", locale=language)


def width(text: str) -> int:
    """Columns a terminal gives the text: Lao and Thai vowel and tone marks take none."""
    return sum(
        0
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )
