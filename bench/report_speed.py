"""How long `helpline report` takes on a big SQLite statistics file (about a million events).

    .venv/bin/python -m bench.report_speed [--events 1000000]

Writes sample events into a temporary file, then builds the report (query, suppression, terminal,
HTML and CSV) three times and prints the median.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from argparse import Namespace
from pathlib import Path

from bot.reports.command import make_report
from bot.reports.render_csv import render_csv
from bot.reports.render_html import render_html
from bot.reports.render_text import render_text
from bot.stats.sample import sample_events, write_sample
from bot.stats.store import create_engine, migrate

EVENTS_PER_CONVERSATION = 3.24  # what the sample generator makes on average


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=182)
    wanted = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statistics.sqlite3"
        engine = create_engine(f"sqlite:///{path}")
        migrate(engine)
        per_day = wanted.events / wanted.days / EVENTS_PER_CONVERSATION
        started = time.perf_counter()
        written = write_sample(engine, sample_events(days=wanted.days, per_day=per_day))
        seconds = time.perf_counter() - started
        print(f"wrote {written:,} events in {seconds:.1f} s ({path.stat().st_size >> 20} MB)")
        engine.dispose()
        args = Namespace(
            since=None, until=None, weeks=12, lang="lo", threshold=5, include_demo=False, database=str(path)
        )
        times = []
        for _ in range(3):
            started = time.perf_counter()
            report = make_report(args)
            render_text(report), render_html(report), render_csv(report)
            times.append(time.perf_counter() - started)
        print(
            f"report (12 weeks and the 12 before, all three outputs): median {statistics.median(times):.2f} s"
        )
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"runs: {runs} s; conversations counted: {report.summary.rows[0].current.count:,}")


if __name__ == "__main__":
    main()
