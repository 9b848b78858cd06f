"""The period a report covers, the one before it, and its weeks (Monday to Sunday).

A report covers whole weeks that have ended: two reports whose periods differed by one day could
be subtracted to reveal that day's small counts, so the dates asked for are widened to the weeks
they fall in, and a week still under way is left out.
"""

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


def sunday(day: dt.date) -> dt.date:
    return monday(day) + dt.timedelta(days=6)


def last_whole_week_end(today: dt.date) -> dt.date:
    """The Sunday of the last week that has ended."""
    return monday(today) - dt.timedelta(days=1)


def choose_period(
    since: Optional[str], until: Optional[str], weeks: Optional[int], today: Optional[dt.date] = None
) -> Period:
    """--since/--until widened to whole weeks, or the last N whole weeks (12, a quarter, by default);
    never a week that has not ended."""
    today = today or dt.date.today()
    if since and weeks:
        raise PeriodError("give either --since or --weeks, not both")
    latest = last_whole_week_end(today)
    asked_end = parse_day(until) if until else latest
    end = min(sunday(asked_end), latest)
    if since:
        asked_start = parse_day(since)
        if asked_start > asked_end:
            raise PeriodError(f"the period starts ({asked_start}) after it ends ({asked_end})")
        start = monday(asked_start)
    else:
        count = weeks or 12
        if count < 1:
            raise PeriodError("--weeks must be 1 or more")
        start = monday(end) - dt.timedelta(weeks=count - 1)
    if start > end:
        raise PeriodError(
            f"no whole week has ended in the period asked for (it ends {asked_end}; the last whole week "
            f"ended {latest})"
        )
    return Period(start, end)
