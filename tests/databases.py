"""The statistics databases the tests run against: a SQLite file, and PostgreSQL when configured.

`.ci/run` starts a throw-away PostgreSQL server on loopback (scripts/test-postgres.sh) and
sets TEST_DATABASE_URL, and TEST_POSTGRES_CONTROL to the script that stops and starts it.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
POSTGRES_CONTROL = os.environ.get("TEST_POSTGRES_CONTROL")
NO_POSTGRES = "PostgreSQL tests did not run: set TEST_DATABASE_URL (.ci/run starts a server and sets it)"


class Database:
    def __init__(self, kind: str, url: str, path: Path | None = None) -> None:
        self.kind, self.url, self.path = kind, url, path

    @contextmanager
    def outage(self) -> Iterator[None]:
        """The database refuses writes for the duration of the block."""
        if self.kind == "sqlite":
            holder = sqlite3.connect(self.path, timeout=1)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                holder.rollback()
                holder.close()
        else:
            if not POSTGRES_CONTROL:
                pytest.skip("TEST_POSTGRES_CONTROL is not set: cannot stop the PostgreSQL server")
            subprocess.run([POSTGRES_CONTROL, "stop"], check=True, capture_output=True)
            try:
                yield
            finally:
                subprocess.run([POSTGRES_CONTROL, "start"], check=True, capture_output=True)


def make_database(kind: str, tmp_path: Path) -> Database:
    if kind == "sqlite":
        path = tmp_path / "statistics.sqlite3"
        return Database("sqlite", f"sqlite:///{path}", path)
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(POSTGRES_URL, future=True)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return Database("postgresql", f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
