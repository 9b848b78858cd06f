"""Writing statistics without ever holding up a reply.

`record` only appends to a bounded in-memory buffer; a background thread adds
batches to the daily counts in the database (one upsert per combination, in key
order, so a batch leaves no order behind). When the database is down or locked the
events wait and are written once it is back; when the buffer is full the oldest are
dropped, and only their number is logged. Events still waiting when the server stops
go to a spool file (anonymous rows, as in the database) and are written at the next
start; a spool cut off by a crash loses at most its broken line. Without a spool file
their loss is counted and logged.

With several Rasa servers (REDIS_URL), `record` pushes each row to Redis before her reply is
returned, and the writer takes its batches from there (bot/stats/redis_queue.py): a server killed
outright loses no event. If Redis cannot take a row, it waits in memory as above.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from collections import Counter, deque
from pathlib import Path
from typing import Deque, List, Optional, Tuple

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.settings import Settings
from bot.stats.schema import DIMENSIONS, StatEvent, daily_counts

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def database_url(settings: Optional[Settings] = None) -> str:
    """DATABASE_URL (PostgreSQL in production) or the SQLite file, whose folder is made if missing."""
    settings = settings or Settings()
    if not settings.database_url:
        settings.stats_db.parent.mkdir(parents=True, exist_ok=True)
    return settings.statistics_url


def event_json(event: StatEvent) -> str:
    """A row as the spool file and the Redis queue hold it: anonymous, as in the database."""
    return json.dumps({**event.row(), "day": event.day.isoformat()})


def event_from_json(line: str) -> StatEvent:
    row = json.loads(line)
    return StatEvent(**{**row, "day": dt.date.fromisoformat(row["day"])})


def create_engine(url: str) -> sa.engine.Engine:
    if url.startswith("sqlite"):
        return sa.create_engine(url, future=True, connect_args={"timeout": 2})
    return sa.create_engine(url, future=True, pool_pre_ping=True, connect_args={"connect_timeout": 3})


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def newest_revision() -> str:
    return str(ScriptDirectory.from_config(_alembic_config()).get_current_head())


def known_revisions() -> List[str]:
    return [script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()]


def current_revision(engine: sa.engine.Engine) -> Optional[str]:
    """The schema version of a database; None when it has no statistics tables at all."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: sa.engine.Engine, revision: str = "head") -> None:
    """Bring the schema to the newest version (Alembic), or to an older one for tests."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def purge(engine: sa.engine.Engine, older_than_days: int, today: Optional[dt.date] = None) -> int:
    """Delete events older than the given age; returns how many."""
    cutoff = (today or dt.date.today()) - dt.timedelta(days=older_than_days)
    with engine.begin() as connection:
        return connection.execute(daily_counts.delete().where(daily_counts.c.day < cutoff)).rowcount


def add_counts(connection: sa.engine.Connection, events: List[StatEvent]) -> None:
    """Add the events to the daily counts: one upsert per combination, in key order."""
    tally = Counter(event.key() for event in events)
    if not tally:
        return
    rows = [
        {"day": key[0], **dict(zip(DIMENSIONS, key[1:], strict=True)), "count": n} for key, n in tally.items()
    ]
    rows.sort(key=lambda row: tuple(str(row[c]) for c in ("day", *DIMENSIONS)))
    dialect = connection.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(daily_counts)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in daily_counts.primary_key.columns],
        set_={"count": daily_counts.c.count + statement.excluded["count"]},
    )
    connection.execute(statement, rows)


class StatsStore:
    """A bounded buffer in front of the database, drained by one background thread."""

    def __init__(
        self,
        url: str,
        capacity: int = 50_000,
        batch_size: int = 500,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 30.0,
        spool: Optional[Path] = None,
        redis_url: Optional[str] = None,
    ) -> None:
        self.engine = create_engine(url)
        self.spool = spool
        self.queue = None
        if redis_url:
            from bot.stats.redis_queue import RedisQueue

            self.queue = RedisQueue(redis_url)
        self._tended = 0.0
        self._recovered = 0.0
        self.capacity = capacity
        self.batch_size = batch_size
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.dropped = 0
        self.written = 0
        self.failing = False  # the last write failed; events are waiting
        self._buffer: Deque[StatEvent] = deque()
        self._in_flight = 0
        self._condition = threading.Condition()
        self._migrated = False
        self._stopping = False
        self._load_spool()
        self._thread = threading.Thread(target=self._run, name="stats-writer", daemon=True)
        self._thread.start()

    def _load_spool(self) -> None:
        """Events a previous run could not write, first in line. A `.loading` file is one a crash
        interrupted while loading: its events were not written yet, so they are loaded too."""
        if not self.spool:
            return
        taken = self.spool.with_suffix(".loading")
        if self.spool.exists():
            if taken.exists():  # both: the crash came after a new spool was written
                with taken.open("a", encoding="utf-8") as handle:
                    handle.write("\n" + self.spool.read_text(encoding="utf-8"))
                self.spool.unlink()
            else:
                self.spool.replace(taken)  # a crash while loading must not load them twice
        if not taken.exists():
            return
        broken = 0
        for line in taken.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                self._buffer.append(event_from_json(line))
            except (ValueError, TypeError, KeyError):
                broken += 1  # a line cut off by a crash, or not ours: skipped, never the others
        taken.unlink()
        logger.info(
            "statistics: %d event(s) from the last run's spool file wait to be written; %d broken line(s)",
            len(self._buffer),
            broken,
        )

    @property
    def pending(self) -> int:
        with self._condition:
            return len(self._buffer) + self._in_flight

    def record(self, event: StatEvent) -> None:
        if self.queue is not None:
            try:
                self.queue.push([event_json(event)])  # in Redis before her reply leaves this server
                return
            except Exception as error:  # Redis away: the row waits in memory instead
                logger.warning(
                    "statistics: Redis did not take an event (%s); it waits here", type(error).__name__
                )
        with self._condition:
            if len(self._buffer) >= self.capacity:
                self._buffer.popleft()
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    logger.warning("statistics buffer full: %d event(s) dropped so far", self.dropped)
            self._buffer.append(event)
            self._condition.notify()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every buffered event is written; False if that did not happen in time."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._buffer or self._in_flight or self._queued():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(min(remaining, 0.1))
        return True

    def _queued(self) -> int:
        if self.queue is None:
            return 0
        try:
            return self.queue.waiting()
        except Exception:
            return 0  # Redis away: nothing this server can wait for

    def close(self, timeout: float = 5.0) -> None:
        """Write what is waiting; what the database does not take in time goes to the spool file."""
        self.flush(timeout)
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        # A write under way ends within the database's own connect timeout (2–3 s), then gives back.
        self._thread.join(timeout + 10)
        with self._condition:
            left = list(self._buffer)
            self._buffer.clear()
        if self.queue is not None:
            left = self._hand_over(left)
        if left:
            self._keep(left)
        self.engine.dispose()

    def _hand_over(self, left: List[StatEvent]) -> List[StatEvent]:
        """At a stop with Redis: what this writer took goes back in line, and so does what waited here;
        another server (or this one's next start) writes them. Returns what Redis did not take."""
        assert self.queue is not None
        try:
            self.queue.give_back()
            self.queue.push([event_json(event) for event in left])
            return []
        except Exception as error:
            logger.warning("statistics: Redis unavailable at shutdown (%s)", type(error).__name__)
            return left

    def _keep(self, left: List[StatEvent]) -> None:
        kinds = ", ".join(f"{n} {kind}" for kind, n in Counter(e.kind for e in left).items())
        if self.spool:
            try:
                self.spool.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(self.spool, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                    for event in left:
                        handle.write(event_json(event) + "\n")
                logger.warning(
                    "statistics database unavailable at shutdown: %d event(s) kept for the next start (%s)",
                    len(left),
                    kinds,
                )
                return
            except OSError as error:
                logger.warning("statistics spool file not writable (%s)", type(error).__name__)
        self.dropped += len(left)
        logger.warning("statistics database unavailable at shutdown: %d event(s) lost (%s)", len(left), kinds)

    def _take_batch(self) -> Tuple[List[StatEvent], bool]:
        """The next batch, and whether it came from Redis; an empty batch when stopping."""
        while True:
            with self._condition:
                if self._buffer or self._stopping:
                    batch = [self._buffer.popleft() for _ in range(min(self.batch_size, len(self._buffer)))]
                    self._in_flight = len(batch)
                    return batch, False
                if self.queue is None:
                    self._condition.wait()
                    continue
            batch = self._from_queue()
            if batch:
                return batch, True
            with self._condition:
                if not self._buffer and not self._stopping:
                    self._condition.wait(0.2)

    def _from_queue(self) -> List[StatEvent]:
        assert self.queue is not None
        try:
            now = time.monotonic()
            if now - self._tended > 2:
                self.queue.alive()
                self._tended = now
            if now - self._recovered > 5:
                self._recovered = now
                recovered = self.queue.recover()
                if recovered:
                    logger.info("statistics: %d event(s) of a stopped server put back in line", recovered)
            rows = self.queue.take(self.batch_size)
        except Exception as error:
            logger.warning("statistics: Redis unavailable (%s)", type(error).__name__)
            return []
        batch = []
        for line in rows:
            try:
                batch.append(event_from_json(line))
            except (ValueError, TypeError, KeyError):
                logger.warning("statistics: a queued row that is not ours was skipped")
        if not batch and rows:
            self.queue.done()
        return batch  # not counted as pending here: they are in Redis, in this writer's list

    def _give_back(self, batch: List[StatEvent]) -> None:
        with self._condition:
            self._buffer.extendleft(reversed(batch))
            while len(self._buffer) > self.capacity:
                self._buffer.popleft()
                self.dropped += 1
            self._in_flight = 0

    def _done_with_queued(self) -> None:
        """Written: this writer's list in Redis goes. (Killed right here, the batch is written again.)"""
        assert self.queue is not None
        for attempt in range(30):
            try:
                self.queue.done()
                return
            except Exception:
                time.sleep(min(1.0, 0.1 * (attempt + 1)))
        logger.warning("statistics: Redis unavailable; a written batch may be written again")

    def _write(self, batch: List[StatEvent]) -> None:
        if not self._migrated:
            migrate(self.engine)
            self._migrated = True
        with self.engine.begin() as connection:
            add_counts(connection, batch)

    def _run(self) -> None:
        delay = self.retry_seconds
        while True:
            batch, queued = self._take_batch()
            if not batch:
                return  # stopping, nothing left
            try:
                self._write(batch)
                if queued:
                    self._done_with_queued()
            except Exception as error:  # the database is down, locked or refusing: keep the events
                if not queued:  # (queued ones stay in this writer's list in Redis, and come first next time)
                    self._give_back(batch)
                if not self.failing:
                    logger.warning(
                        "statistics database unavailable (%s); %d event(s) wait in memory",
                        type(error).__name__,
                        self.pending,
                    )
                self.failing = True
                with self._condition:
                    if not self._stopping:
                        self._condition.wait(delay)
                    if self._stopping:
                        return  # close() keeps what is left
                delay = min(delay * 2, self.max_retry_seconds)
                continue
            with self._condition:
                self._in_flight = 0
                self.written += len(batch)
                self._condition.notify_all()
            if self.failing:
                logger.info("statistics database back; writing the waiting events")
            self.failing = False
            delay = self.retry_seconds
