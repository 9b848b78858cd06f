"""The counsellors' opening hours (data/staff_hours.yml): when a person can be offered, and when one is
back.

The file is edited by NGO staff. Like the contact directory, a mistake in it is named with its line
(`helpline check-staff-hours`, also run at start): the desk stays closed rather than promising a person
at hours nobody is there.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

logger = logging.getLogger(__name__)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLOSED_WORDS = ("closed", "", None)
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
LOOK_AHEAD_DAYS = 400  # a year of holidays, and a little more


class HoursError(ValueError):
    """The hours file is malformed; the message says where and what."""


Span = Tuple[dt.time, Optional[dt.time]]  # end None: until midnight (24:00)


@dataclass(frozen=True)
class OpeningHours:
    zone: ZoneInfo
    weekly: Dict[int, Tuple[Span, ...]]  # weekday (0 Monday) -> its spans, in order
    holidays: Dict[dt.date, str]

    def _spans(self, day: dt.date) -> Tuple[Span, ...]:
        return () if day in self.holidays else self.weekly.get(day.weekday(), ())

    def _local(self, now: Optional[dt.datetime]) -> dt.datetime:
        now = now or dt.datetime.now(dt.timezone.utc)
        if now.tzinfo is None:
            raise ValueError("an aware datetime is needed")
        return now.astimezone(self.zone)

    def is_open(self, now: Optional[dt.datetime] = None) -> bool:
        local = self._local(now)
        clock = local.time().replace(tzinfo=None)
        spans = self._spans(local.date())
        return any(start <= clock and (end is None or clock < end) for start, end in spans)

    def next_opening(self, now: Optional[dt.datetime] = None) -> Optional[dt.datetime]:
        """When a person is next there (now, if open now); None if the file opens on no day at all."""
        local = self._local(now)
        if self.is_open(local):
            return local
        for offset in range(LOOK_AHEAD_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            for start, _ in self._spans(day):
                opening = dt.datetime.combine(day, start, tzinfo=self.zone)
                if opening > local:
                    return opening
        return None

    def hours_a_week(self) -> float:
        total = 0.0
        for spans in self.weekly.values():
            for start, end in spans:
                end_minutes = 24 * 60 if end is None else end.hour * 60 + end.minute
                total += (end_minutes - start.hour * 60 - start.minute) / 60
        return total


def _line(node: Optional[yaml.Node]) -> str:
    return f":{node.start_mark.line + 1}" if node is not None else ""


def _nodes(root: Optional[yaml.Node], key: str) -> Dict[str, yaml.Node]:
    """The value nodes of a mapping's keys, to name the line of a mistake."""
    if not isinstance(root, yaml.MappingNode):
        return {}
    for k, v in root.value:
        if k.value == key and isinstance(v, yaml.MappingNode):
            return {str(kk.value): vv for kk, vv in v.value}
    return {}


def _time(hours: str, minutes: str, where: str) -> Optional[dt.time]:
    h, m = int(hours), int(minutes)
    if (h, m) == (24, 0):
        return None
    if h > 23 or m > 59:
        raise HoursError(f"{where}: {hours}:{minutes} is not a time of day (00:00 to 24:00)")
    return dt.time(h, m)


def _parse_spans(value: Any, where: str) -> Tuple[Span, ...]:
    if value in CLOSED_WORDS or value is False:  # YAML reads a bare `no` or `off` as false
        return ()
    if not isinstance(value, str):
        raise HoursError(f'{where}: write the hours as "08:30-12:00, 13:00-17:00", or closed')
    spans: List[Span] = []
    for part in value.split(","):
        match = _SPAN.match(part)
        if not match:
            raise HoursError(f'{where}: {part.strip()!r} is not a span like "08:30-12:00"')
        start = _time(match.group(1), match.group(2), where)
        end = _time(match.group(3), match.group(4), where)
        if start is None or (end is not None and end <= start):
            raise HoursError(
                f"{where}: {part.strip()!r} ends before it starts; a span past midnight is written as two, "
                "one on each day (22:00-24:00, then 00:00-02:00)"
            )
        if spans and (spans[-1][1] is None or start < spans[-1][1]):
            raise HoursError(f"{where}: the spans overlap or are out of order")
        spans.append((start, end))
    return tuple(spans)


def parse_hours(text: str, path: Path) -> OpeningHours:
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise HoursError(f"{path}{line}: not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(data, dict):
        raise HoursError(f"{path}: expected time_zone, weekly and holidays")
    unknown = sorted(set(map(str, data)) - {"time_zone", "weekly", "holidays"})
    if unknown:
        raise HoursError(f"{path}: unknown key(s): {', '.join(unknown)}")
    zone_name = data.get("time_zone")
    try:
        zone = ZoneInfo(str(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError(f"{path}: time_zone {zone_name!r} is not a time zone like Asia/Vientiane") from None
    weekly_raw = data.get("weekly")
    if not isinstance(weekly_raw, dict):
        raise HoursError(f"{path}: `weekly:` must list the days, monday to sunday, with their hours")
    day_nodes = _nodes(root, "weekly")
    weekly: Dict[int, Tuple[Span, ...]] = {}
    for day, value in weekly_raw.items():
        where = f"{path}{_line(day_nodes.get(str(day)))}"
        if str(day).lower() not in WEEKDAYS:
            raise HoursError(f"{where}: {day!r} is not a day of the week ({', '.join(WEEKDAYS)})")
        weekly[WEEKDAYS.index(str(day).lower())] = _parse_spans(value, f"{where}: {day}")
    missing = [d for i, d in enumerate(WEEKDAYS) if i not in weekly]
    if missing:
        raise HoursError(f"{path}: `weekly:` lacks {', '.join(missing)} (write closed for a day off)")
    holidays_raw = data.get("holidays") or {}
    if not isinstance(holidays_raw, dict):
        raise HoursError(f"{path}: `holidays:` maps dates to names, e.g. 2026-04-14: Lao New Year")
    holiday_nodes = _nodes(root, "holidays")
    holidays: Dict[dt.date, str] = {}
    for day, name in holidays_raw.items():
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            where = f"{path}{_line(holiday_nodes.get(str(day)))}"
            raise HoursError(f"{where}: holiday {day!r} must be a date written YYYY-MM-DD")
        holidays[day] = str(name or "")
    return OpeningHours(zone, weekly, holidays)


def load_hours(path: Path) -> OpeningHours:
    if not path.exists():
        raise HoursError(f"{path}: the opening hours file is missing")
    return parse_hours(path.read_text(encoding="utf-8"), path)


class HoursFile:
    """The hours file as it is now: staff may edit it while the assistant runs. A change is read at the
    next look (at most every few seconds); a broken edit is logged and the last good hours stay."""

    def __init__(self, path: Path, recheck_seconds: float = 2.0) -> None:
        self.path = path
        self.recheck_seconds = recheck_seconds
        self.hours = load_hours(path)  # raises HoursError: checked at start like the contact file
        self._stamp = self._mtime()
        self._looked_at = time.monotonic()
        self.error: Optional[str] = None

    def _mtime(self) -> Optional[int]:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    def current(self) -> OpeningHours:
        now = time.monotonic()
        if now - self._looked_at >= self.recheck_seconds:
            self._looked_at = now
            stamp = self._mtime()
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self.hours, self.error = load_hours(self.path), None
                    logger.info("the counsellors' opening hours were read again")
                except HoursError as error:
                    self.error = str(error)
                    logger.warning("the edited opening hours are wrong, the earlier ones stay: %s", error)
        return self.hours
