"""Statistics from several Rasa servers through a real Redis server into one database (REDIS_URL):
rows are in Redis before her reply leaves the server, a writer that dies leaves nothing behind, and
a conversation that moves between servers is counted once. Skipped with the reason without Redis."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from dataclasses import replace
from typing import Any, Dict, List

import pytest
import redis
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.conversations.store import TextFreeTrackerStore
from bot.settings import PROJECT_ROOT, Settings
from bot.stats.broker import StatisticsEventBroker
from bot.stats.events import EventMapper
from bot.stats.redis_queue import ALIVE, PENDING, TAKEN, RedisQueue
from bot.stats.schema import StatEvent
from bot.stats.store import StatsStore, create_engine, event_json, migrate
from tests.databases import make_database
from tests.redis_server import fresh_redis, redis_control
from tests.statistics.test_stats import rows, topic, topics

DAY = dt.date(2026, 11, 2)


@pytest.fixture
def redis_url() -> str:
    return fresh_redis()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    return make_database(request.param, tmp_path)


def client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def waiting_in_redis(url: str) -> int:
    """Rows in line and in writers' lists, counted at one instant (a writer may be moving them)."""
    count = """
    local n = redis.call('LLEN', KEYS[1])
    for _, key in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('LLEN', key) end
    return n
    """
    return int(client(url).eval(count, 1, PENDING, TAKEN + "*"))


def test_each_row_is_in_redis_when_record_returns_then_in_the_database(redis_url, database) -> None:
    store = StatsStore(database.url, redis_url=redis_url)
    with database.outage():  # the writer cannot take them away yet: they wait in Redis, not here
        for name in ("greet", "ask_hotline", "ask_hotline"):
            store.record(topic(name))
            assert store.pending == 0  # nothing in this process's memory
        assert waiting_in_redis(redis_url) == 3
    assert store.flush(30)
    store.close()
    assert topics(database.url) == Counter(greet=1, ask_hotline=2)
    assert client(redis_url).llen(PENDING) == 0 and not list(client(redis_url).scan_iter(TAKEN + "*"))


def test_the_rows_of_a_writer_that_died_are_written_by_another(redis_url, database) -> None:
    """A writer killed after taking a batch (its own list in Redis, its alive key expiring): another
    writer puts the batch back in line and writes it, once."""
    dead = RedisQueue(redis_url)
    dead.push([event_json(topic("ask_go_home")) for _ in range(4)])
    dead.alive()
    assert len(dead.take(10)) == 4  # taken, never written: then the process was killed
    client(redis_url).delete(ALIVE + dead.writer)  # its alive key expires (10 s) as it is not renewed
    store = StatsStore(database.url, redis_url=redis_url)
    assert store.flush(30)
    store.close()
    assert topics(database.url) == Counter(ask_go_home=4)
    assert not list(client(redis_url).scan_iter(TAKEN + "*"))


def test_a_living_writers_rows_are_left_to_it(redis_url, database) -> None:
    migrate(create_engine(database.url))
    living = RedisQueue(redis_url)
    living.push([event_json(topic("greet"))])
    living.alive()
    assert living.take(10)
    store = StatsStore(database.url, redis_url=redis_url)
    time.sleep(1.5)  # its writer looked at the line and at the others' lists
    store.close()
    assert topics(database.url) == Counter()
    assert client(redis_url).llen(TAKEN + living.writer) == 1


def test_a_stop_while_the_database_is_down_hands_the_rows_to_the_next_writer(redis_url, database) -> None:
    first = StatsStore(database.url, retry_seconds=0.2, max_retry_seconds=0.5, redis_url=redis_url)
    with database.outage():
        for _ in range(3):
            first.record(topic("ask_visa"))
        deadline = time.monotonic() + 15
        while not first.failing:
            assert time.monotonic() < deadline, "the writer never met the outage"
            time.sleep(0.05)
        first.close(timeout=0.5)  # gives its taken batch back to the line
        assert client(redis_url).llen(PENDING) == 3
    second = StatsStore(database.url, redis_url=redis_url)
    assert second.flush(30)
    second.close()
    assert topics(database.url) == Counter(ask_visa=3)


def test_with_redis_down_the_rows_wait_in_memory_and_are_written(redis_url, tmp_path) -> None:
    database = make_database("sqlite", tmp_path)
    store = StatsStore(database.url, redis_url=redis_url)
    redis_control("stop")
    try:
        store.record(topic("greet"))  # Redis refuses: the row waits here and the writer writes it
        assert store.flush(20)
    finally:
        redis_control("start")
    store.close()
    assert topics(database.url) == Counter(greet=1)


# --- a conversation moving between servers ---------------------------------------------------------


class Rows:
    """A StatsStore stand-in that keeps the rows (the database part is tested above)."""

    def __init__(self) -> None:
        self.rows: List[StatEvent] = []
        self.failing, self.pending = False, 0

    def record(self, event: StatEvent) -> None:
        self.rows.append(event)


def her_turn(intent: str, location: str = "") -> List[Any]:
    parse: Dict[str, Any] = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "detected_language": "lo",
    }
    events: List[Any] = [UserUttered(None, parse["intent"], [], parse, metadata={"channel": "telegram"})]
    if location:
        events.append(SlotSet("location", location))
    return [*events, ActionExecuted("action_hotline_handoff"), ActionExecuted("action_listen")]


def test_a_conversation_moving_between_servers_is_counted_once(redis_url) -> None:
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    settings = replace(Settings(), redis_url=redis_url)
    servers = []
    for _ in range(2):
        recorded = Rows()
        broker = StatisticsEventBroker(recorded, EventMapper(frozenset(domain.intents)))  # type: ignore[arg-type]
        servers.append((TextFreeTrackerStore(domain, event_broker=broker, settings=settings), recorded))
    sender = "tg-moving-0123456789abcdef0123456789"

    async def turn(server: int, events: List[Any]) -> None:
        store = servers[server][0]
        tracker = await store.get_or_create_tracker(sender)
        for event in events:
            tracker.update(event)
        await store.save(tracker)

    start = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    # A, then B while A is down, then A again, then B: the one conversation, her place said once.
    asyncio.run(turn(0, start + her_turn("need_help_now", "thailand")))
    asyncio.run(turn(1, her_turn("ask_hotline")))
    asyncio.run(turn(0, her_turn("ask_hotline", "thailand")))  # the same place again: not a new one
    asyncio.run(turn(1, her_turn("ask_go_home")))
    written = [row for _, recorded in servers for row in recorded.rows]
    kinds = Counter(row.kind for row in written)
    assert kinds["conversation"] == 1 and kinds["location"] == 1, kinds
    assert Counter(row.topic for row in written if row.kind == "topic") == Counter(
        need_help_now=1, ask_hotline=2, ask_go_home=1
    )
    assert all(row.language == "lo" for row in written)  # B knew her language from A's turn
    later = [row for row in servers[1][1].rows if row.topic == "ask_go_home"]
    assert later and later[0].location == "thailand"  # and her place
    assert rows  # (the database helpers are shared with test_stats.py)
