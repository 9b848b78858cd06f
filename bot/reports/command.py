"""`helpline report`: from the arguments to the files, with a clear message for every mistake.

The heavy imports (SQLAlchemy, SciPy) wait until a report is made: every `helpline` command builds
this parser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.reports.build import Report

REPORT_LANGUAGES = ("lo", "en", "th")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="first day, YYYY-MM-DD")
    parser.add_argument("--until", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--weeks", type=int, help="the last N weeks up to --until (default: 12)")
    parser.add_argument(
        "--lang", choices=REPORT_LANGUAGES, default="lo", help="report language (default: lo)"
    )
    parser.add_argument("--html", metavar="FILE", help="also write a self-contained HTML page with charts")
    parser.add_argument("--csv", metavar="FILE", help="also write a CSV file for spreadsheets")
    parser.add_argument(
        "--threshold", type=int, default=5, help="hide counts under this number (default: 5, at least 2)"
    )
    parser.add_argument("--include-demo", action="store_true", help="count demo-page conversations too")
    parser.add_argument("--database", help="statistics database file or URL (default: the assistant's)")
    parser.add_argument("--quiet", action="store_true", help="do not print the tables")


def make_report(args: argparse.Namespace) -> Report:
    from bot.reports.build import build_report
    from bot.reports.period import PeriodError, choose_period
    from bot.reports.source import (
        ReportError,
        count_events,
        database_location,
        days_with_events,
        open_database,
    )

    if args.threshold < 2:
        raise ReportError("--threshold must be at least 2: below that nothing is hidden")
    try:
        period = choose_period(args.since, args.until, args.weeks)
    except PeriodError as error:
        raise ReportError(str(error)) from None
    location = database_location(args.database)
    engine = open_database(location)
    try:
        now = count_events(engine, period, args.include_demo)
        before = count_events(engine, period.previous(), args.include_demo)
        if not now.counts:
            first, last = days_with_events(engine)
            held = f"The database holds events from {first} to {last}." if first else "The database is empty."
            demo = (
                f" {now.demo_left_out} demo event(s) were left out; add --include-demo to count them."
                if now.demo_left_out
                else ""
            )
            raise ReportError(f"No statistics between {period.start} and {period.end}.{demo} {held}")
    finally:
        engine.dispose()
    return build_report(now, before, period, args.lang, args.threshold, args.include_demo)


def run(args: argparse.Namespace) -> int:
    from bot.reports.render_csv import render_csv
    from bot.reports.render_html import render_html
    from bot.reports.render_text import render_text
    from bot.reports.source import ReportError

    try:
        report = make_report(args)
        outputs = [(args.html, render_html), (args.csv, render_csv)]
        for path, render in outputs:
            if path:
                target = Path(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                # utf-8-sig: spreadsheet programs then read Lao and Thai correctly.
                target.write_text(render(report), encoding="utf-8-sig" if render is render_csv else "utf-8")
    except (ReportError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(render_text(report), end="")
    for path in (args.html, args.csv):
        if path:
            print(f"written: {path}", file=sys.stderr)
    return 0
