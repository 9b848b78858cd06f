"""The period a report covers, the one before it, and its weeks (Monday to Sunday)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional


class PeriodError(ValueError):
    pass


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, included
    end: dt.date  # last day, included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before, so that a change is like for like."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)

    def weeks(self) -> List[dt.date]:
        """The Mondays of the weeks that overlap the period."""
        first, mondays = monday(self.start), []
        while first <= self.end:
            mondays.append(first)
            first += dt.timedelta(days=7)
        return mondays


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31") from None


def choose_period(
    since: Optional[str], until: Optional[str], weeks: Optional[int], today: Optional[dt.date] = None
) -> Period:
    """--since/--until, or the last N whole weeks up to today (12, a quarter, by default)."""
    today = today or dt.date.today()
    end = parse_day(until) if until else today
    if since and weeks:
        raise PeriodError("give either --since or --weeks, not both")
    if since:
        start = parse_day(since)
    else:
        count = weeks or 12
        if count < 1:
            raise PeriodError("--weeks must be 1 or more")
        start = monday(end) - dt.timedelta(weeks=count - 1)
    if start > end:
        raise PeriodError(f"the period starts ({start}) after it ends ({end})")
    return Period(start, end)
