"""Counts per day and combination instead of one row per event; a `location` field beside `country`.

Rows with an auto-increment id let neighbouring rows be read as one conversation (its language,
topics, country, need and job-check result), and a rare combination on a given day was one row.
Here every event becomes part of a count, with no id and no order; old rows are counted in.

Revision ID: 0003
Revises: 0002
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DIMENSIONS = ("kind", "language", "topic", "country", "need", "channel", "outcome", "demo", "sample")


def upgrade() -> None:
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("language", sa.String(2), primary_key=True, server_default=""),
        sa.Column("topic", sa.String(40), primary_key=True, server_default=""),
        sa.Column("country", sa.String(16), primary_key=True, server_default=""),
        sa.Column("location", sa.String(16), primary_key=True, server_default=""),
        sa.Column("need", sa.String(16), primary_key=True, server_default=""),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("outcome", sa.String(8), primary_key=True, server_default=""),
        sa.Column("demo", sa.Boolean, primary_key=True),
        sa.Column("sample", sa.Boolean, primary_key=True, server_default=sa.false()),
        sa.Column("count", sa.Integer, nullable=False),
        sqlite_with_rowid=False,
    )
    # Old hand-off rows kept where she was in `country`: it moves to `location`.
    handoff = "kind = 'handoff'"
    op.execute(
        "INSERT INTO daily_counts (day, kind, language, topic, country, location, need, channel, outcome, "
        "demo, sample, count) SELECT day, kind, COALESCE(language, ''), COALESCE(topic, ''), "
        f"CASE WHEN {handoff} THEN '' ELSE COALESCE(country, '') END, "
        f"CASE WHEN {handoff} THEN COALESCE(country, '') ELSE '' END, "
        "COALESCE(need, ''), channel, COALESCE(outcome, ''), demo, sample, COUNT(*) FROM events "
        "GROUP BY day, kind, language, topic, country, need, channel, outcome, demo, sample"
    )
    op.drop_index("ix_events_day", "events")
    op.drop_table("events")


def downgrade() -> None:
    events = op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("language", sa.String(2)),
        sa.Column("topic", sa.String(40)),
        sa.Column("country", sa.String(16)),
        sa.Column("need", sa.String(16)),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(8)),
        sa.Column("demo", sa.Boolean, nullable=False),
        sa.Column("sample", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_events_day", "events", ["day"])
    connection = op.get_bind()
    counts = connection.execute(sa.text("SELECT * FROM daily_counts")).mappings().all()
    rows = []
    for count in counts:
        row = {d: (count[d] if count[d] != "" else None) for d in ("day", *DIMENSIONS)}
        if isinstance(row["day"], str):  # SQLite hands a raw SELECT's dates back as text
            row["day"] = dt.date.fromisoformat(row["day"])
        if count["kind"] == "handoff":
            row["country"] = count["location"] or None
        rows += [row] * count["count"]
    if rows:
        op.bulk_insert(events, rows)
    op.drop_table("daily_counts")
