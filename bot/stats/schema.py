"""The statistics table. Every column is coarse and from a closed set: no text, no id, no time of day."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

import sqlalchemy as sa

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("language", sa.String(2)),
    sa.Column("topic", sa.String(40)),
    sa.Column("country", sa.String(16)),
    sa.Column("need", sa.String(16)),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(8)),
    sa.Column("demo", sa.Boolean, nullable=False, default=False),
    # Made up by `helpline stats sample`, so that a report of it says so (migration 0002).
    sa.Column("sample", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
)

KINDS = ("conversation", "topic", "handoff", "job_check", "fallback")
CHANNELS = ("telegram", "web", "rest", "terminal", "other")
OUTCOMES = ("low", "some", "high")


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
    need: Optional[str] = None
    outcome: Optional[str] = None

    def row(self) -> Dict[str, Any]:
        return asdict(self)
