"""Reading the statistics database for a report: read-only, with a clear word for every way it
can be wrong (missing, unreachable, from an older or newer version, not a statistics file)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

import sqlalchemy as sa

from bot.reports.period import Period
from bot.settings import Settings
from bot.stats.schema import daily_counts
from bot.stats.store import (
    create_engine,
    current_revision,
    known_revisions,
    newest_revision,
)


class ReportError(Exception):
    """Something the person running the report can fix; its message says how."""


# day, kind, language, topic, country (asked about), location (where she is), need, outcome
EventKey = Tuple[
    dt.date, str, Optional[str], Optional[str], Optional[str], Optional[str], Optional[str], Optional[str]
]


@dataclass
class EventCounts:
    counts: Counter  # EventKey -> number of events
    sample: bool  # some events were made up by `helpline stats sample`
    demo_left_out: int  # demo events in the period that were not counted


def database_location(given: Optional[str]) -> str:
    """A URL or a file path, from --database, else the assistant's own (DATABASE_URL or the file)."""
    settings = Settings()
    return given or settings.database_url or str(settings.stats_db)


def describe(location: str) -> str:
    """The location without a password, for messages."""
    return (
        sa.engine.make_url(location).render_as_string(hide_password=True) if "://" in location else location
    )


def open_database(location: str) -> sa.engine.Engine:
    """An engine on an existing statistics database of the current schema, or a ReportError."""
    if "://" not in location or location.startswith("sqlite"):
        path = Path(location.split("sqlite:///", 1)[-1]).expanduser()
        if not path.is_file():
            raise ReportError(
                f"There is no statistics database at {path}.\n"
                "It is made when the assistant answers its first conversation. To see what a report "
                "looks like, make sample data with: helpline stats sample"
            )
        engine = create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")
    else:
        engine = create_engine(location)
    try:
        revision = current_revision(engine)
        tables = sa.inspect(engine)
        has_events = tables.has_table(daily_counts.name) or tables.has_table("events")  # events: before 0003
    except sa.exc.DatabaseError as error:
        raise ReportError(
            f"Cannot read the statistics database {describe(location)} "
            f"({type(error.orig or error).__name__}). "
            "Is it running, and is this the right address or file?"
        ) from None
    if revision is None or not has_events:
        raise ReportError(f"{describe(location)} holds no help-line statistics. Is it the right file?")
    newest = newest_revision()
    if revision != newest:
        if revision in known_revisions():
            raise ReportError(
                f"The statistics database {describe(location)} is from an older version of the assistant "
                f"(schema {revision}; this version reads {newest}).\n"
                f"Upgrade it with: helpline stats upgrade --database {describe(location)}\n"
                "(the assistant also upgrades it by itself when it starts)."
            )
        raise ReportError(
            f"The statistics database {describe(location)} was made by a newer version of the assistant "
            f"(schema {revision}). Update this copy of the assistant to read it."
        )
    return engine


def count_events(engine: sa.engine.Engine, span: Period, include_demo: bool) -> EventCounts:
    """Events per day and category in the span, summed in the database over channels and flags."""
    c = daily_counts.c
    in_span = sa.and_(c.day >= span.start, c.day <= span.end)
    columns = [c.day, c.kind, c.language, c.topic, c.country, c.location, c.need, c.outcome]
    query = sa.select(*columns, sa.func.sum(c.count)).where(in_span).group_by(*columns)
    if not include_demo:
        query = query.where(c.demo == sa.false())
    with engine.connect() as connection:
        counts: Counter = Counter()
        for day, *key, number in connection.execute(query):
            day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
            counts[(day, *(value or None for value in key))] += int(number)
        sample = bool(
            connection.execute(sa.select(sa.func.count()).where(in_span, c.sample == sa.true())).scalar()
        )
        demo_left_out = 0
        if not include_demo:
            demo_left_out = int(
                connection.execute(
                    sa.select(sa.func.coalesce(sa.func.sum(c.count), 0)).where(in_span, c.demo == sa.true())
                ).scalar_one()
            )
    return EventCounts(counts, sample, demo_left_out)


def days_with_events(engine: sa.engine.Engine) -> Tuple[Optional[dt.date], Optional[dt.date]]:
    """The first and last day in the database, to help someone whose period was empty."""
    with engine.connect() as connection:
        first, last = connection.execute(
            sa.select(sa.func.min(daily_counts.c.day), sa.func.max(daily_counts.c.day))
        ).one()
    return first, last
