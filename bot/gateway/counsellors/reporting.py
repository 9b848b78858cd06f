"""The statistics report where the staff work: /report in the staff group, and a weekly post.

The same report as `helpline report` (bot/reports: HTML and CSV, small counts hidden the same way, demo
conversations left out), made in a worker thread so the gateway keeps answering, and sent as two files.
Nothing is written to disk. The heavy imports (SQLAlchemy, SciPy) wait until a report is asked for.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Awaitable, Callable, Optional, Tuple
from zoneinfo import ZoneInfo

from babel.dates import format_date
from telegram.error import TelegramError

from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors.hours import WEEKDAYS
from bot.i18n.catalogs import translate

if TYPE_CHECKING:
    from bot.gateway.counsellors.desk import StaffDesk

logger = logging.getLogger(__name__)
_WEEKLY = re.compile(r"^\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*$")


def report_files(weeks: int, language: str) -> Tuple[bytes, bytes, dt.date, dt.date]:
    """The HTML and the CSV of the last `weeks` whole weeks; raises ReportError (bot/reports/source.py)."""
    from bot.reports.command import make_report
    from bot.reports.render_csv import render_csv
    from bot.reports.render_html import render_html

    args = argparse.Namespace(
        since=None, until=None, weeks=weeks, lang=language, threshold=5, include_demo=False, database=None
    )
    report = make_report(args)
    # utf-8-sig: spreadsheet programs then read Lao and Thai correctly (as `helpline report --csv`).
    return (
        render_html(report).encode("utf-8"),
        render_csv(report).encode("utf-8-sig"),
        report.period.start,
        report.period.end,
    )


async def post_report(desk: StaffDesk, language: str, weeks: int, thread_id: Optional[int]) -> None:
    from bot.reports.source import ReportError

    def say(text: str, **values: object) -> str:
        return translate(text, language).format(**values)

    try:
        try:
            html, csv, start, end = await asyncio.to_thread(report_files, weeks, language)
        except ReportError as error:
            await desk.post(say(t.REPORT_FAILED, reason=str(error)), thread_id)
            return
        except Exception as error:  # the report must never take the gateway down
            logger.warning("the staff report could not be made (%s)", type(error).__name__)
            await desk.post(say(t.REPORT_FAILED, reason=type(error).__name__), thread_id)
            return
        name = f"helpline-report-{start.isoformat()}-{end.isoformat()}"
        days = {"start": format_date(start, "d MMM y", locale=language)}
        days["end"] = format_date(end, "d MMM y", locale=language)
        await desk.send_file(html, f"{name}.html", say(t.REPORT_CAPTION, **days), thread_id)
        await desk.send_file(csv, f"{name}.csv", None, thread_id)
    except TelegramError as error:
        logger.warning("the staff report could not be sent (%s)", type(error).__name__)


def parse_weekly(spec: str) -> Tuple[int, dt.time]:
    """"monday 09:00" -> (0, 09:00); ValueError with a plain message otherwise."""
    match = _WEEKLY.match(spec.lower())
    if not match or match.group(1) not in WEEKDAYS or int(match.group(2)) > 23 or int(match.group(3)) > 59:
        raise ValueError(f"HELPLINE_STAFF_WEEKLY_REPORT: a day and a time like `monday 09:00` ({spec!r})")
    return WEEKDAYS.index(match.group(1)), dt.time(int(match.group(2)), int(match.group(3)))


class WeeklyReport:
    """The report posted in the staff group on a day and hour of the desk's time zone, every week."""

    def __init__(self, spec: str, zone: ZoneInfo) -> None:
        self.weekday, self.at = parse_weekly(spec)
        self.zone = zone

    def next_run(self, now: dt.datetime) -> dt.datetime:
        local = now.astimezone(self.zone)
        ahead = (self.weekday - local.weekday()) % 7
        run = dt.datetime.combine(local.date() + dt.timedelta(days=ahead), self.at, tzinfo=self.zone)
        return run if run > local else run + dt.timedelta(days=7)

    async def run(self, post: Callable[[], Awaitable[None]]) -> None:
        while True:
            now = dt.datetime.now(self.zone)
            await asyncio.sleep(max(1.0, (self.next_run(now) - now).total_seconds()))
            try:
                await post()
            except Exception as error:
                logger.warning("the weekly staff report failed (%s)", type(error).__name__)
