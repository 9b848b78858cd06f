"""The events table.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
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
    )
    op.create_index("ix_events_day", "events", ["day"])


def downgrade() -> None:
    op.drop_index("ix_events_day", "events")
    op.drop_table("events")
