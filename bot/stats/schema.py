"""The statistics table: how many events of each coarse kind a day. No text, no id, no order.

One row per day and combination of closed-set fields, with its count (migration 0003). A row has
no id and the table keeps no insertion order (SQLite: WITHOUT ROWID, stored by its key), so nothing
links the events of one conversation: a report sees only how many. An unknown field is stored as
"" (part of the key), and read back as None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional, Tuple

import sqlalchemy as sa

from bot.vocabulary import CHANNELS, PERSON_KINDS

metadata = sa.MetaData()

# The fields that make a row's key, after the day.
DIMENSIONS = (
    "kind",
    "language",
    "topic",
    "country",
    "location",
    "need",
    "channel",
    "outcome",
    "demo",
    "sample",
)

daily_counts = sa.Table(
    "daily_counts",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("language", sa.String(2), primary_key=True, server_default=""),
    sa.Column("topic", sa.String(40), primary_key=True, server_default=""),
    sa.Column("country", sa.String(16), primary_key=True, server_default=""),  # the country asked about
    sa.Column("location", sa.String(16), primary_key=True, server_default=""),  # where she said she is
    sa.Column("need", sa.String(16), primary_key=True, server_default=""),
    sa.Column("channel", sa.String(16), primary_key=True),
    sa.Column("outcome", sa.String(8), primary_key=True, server_default=""),
    sa.Column("demo", sa.Boolean, primary_key=True),
    # Made up by `helpline stats sample`, so that a report of it says so.
    sa.Column("sample", sa.Boolean, primary_key=True, server_default=sa.false()),
    sa.Column("count", sa.Integer, nullable=False),
    sqlite_with_rowid=False,
)

# A person (bot/gateway/counsellors/): the four kinds are in bot/vocabulary.py; the gateway writes them.
KINDS = ("conversation", "topic", "location", "handoff", "job_check", "fallback", *PERSON_KINDS)
OUTCOMES = ("low", "some", "high")
__all__ = ["CHANNELS", "DIMENSIONS", "KINDS", "OUTCOMES", "PERSON_KINDS", "StatEvent", "daily_counts"]


@dataclass(frozen=True)
class StatEvent:
    day: dt.date
    kind: str
    channel: str
    demo: bool = False
    sample: bool = False
    language: Optional[str] = None
    topic: Optional[str] = None
    country: Optional[str] = None
    location: Optional[str] = None
    need: Optional[str] = None
    outcome: Optional[str] = None

    def row(self) -> Dict[str, Any]:
        """As stored in the spool file: None for unknown fields."""
        return asdict(self)

    def key(self) -> Tuple[Any, ...]:
        """The table's key: the day, then each dimension, "" for unknown."""
        values = asdict(self)
        return (self.day, *("" if values[d] is None else values[d] for d in DIMENSIONS))
