"""The statistics store against real databases: SQLite always, PostgreSQL when configured."""

import datetime as dt
import logging
import time

import pytest
import sqlalchemy as sa

from bot.stats.events import EventMapper
from bot.stats.schema import StatEvent, events
from bot.stats.store import StatsStore, create_engine, current_revision, migrate, newest_revision, purge
from tests.databases import make_database

DAY = dt.date(2026, 11, 2)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    return make_database(request.param, tmp_path)


def rows(url: str):
    engine = create_engine(url)
    with engine.connect() as connection:
        result = [dict(r._mapping) for r in connection.execute(sa.select(events).order_by(events.c.id))]
    engine.dispose()
    return result


def wait_until_failing(store: StatsStore, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not store.failing:
        assert time.monotonic() < deadline, "the store never noticed the outage"
        time.sleep(0.05)


def topic(name: str, day: dt.date = DAY) -> StatEvent:
    return StatEvent(day=day, kind="topic", channel="telegram", language="lo", topic=name)


def test_events_are_written_with_coarse_columns_only(database) -> None:
    store = StatsStore(database.url)
    store.record(topic("ask_warning_signs"))
    store.record(
        StatEvent(day=DAY, kind="handoff", channel="web", demo=True, country="thailand", need="help")
    )
    assert store.flush(10)
    store.close()
    written = rows(database.url)
    assert [(r["kind"], r["topic"], r["country"], r["demo"]) for r in written] == [
        ("topic", "ask_warning_signs", None, False),
        ("handoff", None, "thailand", True),
    ]
    assert set(written[0]) == {
        "id",
        "day",
        "kind",
        "language",
        "topic",
        "country",
        "need",
        "channel",
        "outcome",
        "demo",
        "sample",
    }


def test_schema_comes_from_the_migrations(database) -> None:
    engine = create_engine(database.url)
    migrate(engine)
    migrate(engine)  # a second start changes nothing
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == newest_revision()


def test_an_older_schema_is_upgraded_with_its_events(database) -> None:
    """0001 had no sample column: the events already written stay, marked as real."""
    engine = create_engine(database.url)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO events (day, kind, channel, demo) "
                "VALUES (:day, 'conversation', 'telegram', :demo)"
            ),
            {"day": DAY, "demo": False},
        )
    assert current_revision(engine) == "0001"
    migrate(engine)
    with engine.connect() as connection:
        sample = connection.execute(sa.text("SELECT sample FROM events")).scalar_one()
    engine.dispose()
    assert not sample


def test_events_wait_while_the_database_is_down_and_arrive_after(database, caplog) -> None:
    store = StatsStore(database.url, retry_seconds=0.2, max_retry_seconds=0.5)
    store.record(topic("greet"))
    assert store.flush(10)
    with caplog.at_level(logging.WARNING, logger="bot.stats.store"), database.outage():
        for name in ("ask_hotline", "need_help_now", "ask_go_home"):
            store.record(topic(name))  # returns at once: she is never kept waiting
        wait_until_failing(store)
        assert store.pending == 3
    assert "statistics database unavailable" in caplog.text
    assert store.flush(20)
    store.close()
    assert [r["topic"] for r in rows(database.url)] == [
        "greet",
        "ask_hotline",
        "need_help_now",
        "ask_go_home",
    ]
    assert store.dropped == 0


def test_events_waiting_at_a_stop_are_spooled_and_written_at_the_next_start(database, tmp_path) -> None:
    spool = tmp_path / "statistics-spool.jsonl"
    store = StatsStore(database.url, retry_seconds=0.2, max_retry_seconds=0.5, spool=spool)
    store.record(topic("greet"))
    assert store.flush(10)
    with database.outage():
        for name in ("ask_hotline", "need_help_now"):
            store.record(topic(name))
        wait_until_failing(store)
        store.close(timeout=1)
    assert store.dropped == 0 and len(spool.read_text().splitlines()) == 2
    assert "ask_hotline" in spool.read_text() and "sender" not in spool.read_text()
    again = StatsStore(database.url, spool=spool)
    assert again.flush(20)
    again.close()
    assert [r["topic"] for r in rows(database.url)] == ["greet", "ask_hotline", "need_help_now"]
    assert not spool.exists()


def test_without_a_spool_file_a_loss_at_a_stop_is_counted(database, caplog) -> None:
    store = StatsStore(database.url, retry_seconds=0.2, max_retry_seconds=0.5)
    with caplog.at_level(logging.WARNING, logger="bot.stats.store"), database.outage():
        store.record(topic("ask_hotline"))
        wait_until_failing(store)
        store.close(timeout=1)
    assert store.dropped == 1
    assert "1 event(s) lost (1 topic)" in caplog.text


def test_a_full_buffer_drops_the_oldest_and_counts_them(database) -> None:
    store = StatsStore(database.url, capacity=3, retry_seconds=0.2, max_retry_seconds=0.5)
    store.record(topic("greet"))
    assert store.flush(10)
    with database.outage():
        store.record(topic("a1"))
        wait_until_failing(store)
        for name in ("a2", "a3", "a4", "a5"):
            store.record(topic(name))
    assert store.flush(20)
    store.close()
    written = [r["topic"] for r in rows(database.url)][1:]
    # Three wait in memory and one batch may be in flight (a1, when its retry lands after the outage):
    # the oldest waiting ones go first, and every event is either written or counted as dropped.
    assert written[-3:] == ["a3", "a4", "a5"] and "a2" not in written
    assert len(written) + store.dropped == 5 and store.dropped >= 1


def test_purge_deletes_only_old_events(database) -> None:
    store = StatsStore(database.url)
    for day in (dt.date(2024, 1, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 27)):
        store.record(topic("greet", day))
    assert store.flush(10)
    store.close()
    engine = create_engine(database.url)
    assert purge(engine, older_than_days=365, today=dt.date(2026, 11, 28)) == 1
    engine.dispose()
    assert [r["day"] for r in rows(database.url)] == [dt.date(2026, 10, 1), dt.date(2026, 11, 27)]


def mapper() -> EventMapper:
    return EventMapper(frozenset({"greet", "ask_hotline", "affirm", "need_help_now"}), today=lambda: DAY)


def user(text: str, intent: str, language=None, **metadata):
    return {
        "event": "user",
        "sender_id": "s1",
        "text": text,
        "input_channel": "rest",
        "metadata": metadata,
        "parse_data": {"intent": {"name": intent}, "detected_language": language, "entities": []},
    }


def slot(name: str, value):
    return {"event": "slot", "sender_id": "s1", "name": name, "value": value}


def test_mapping_keeps_no_text_and_no_sender() -> None:
    m = mapper()
    produced = [
        *m.map({"event": "session_started", "sender_id": "s1"}),
        *m.map(user("my sister Noy is gone", "need_help_now", "en", channel="telegram")),
        *m.map(user("/affirm", "affirm", channel="telegram")),
        *m.map(user("xyz", "nlu_fallback", channel="telegram")),
        *m.map(
            {
                "event": "slot",
                "sender_id": "s1",
                "name": "handoff",
                "value": {"country": "laos", "need": "help"},
            }
        ),
        *m.map({"event": "slot", "sender_id": "s1", "name": "job_check_outcome", "value": "high"}),
        *m.map(
            {"event": "slot", "sender_id": "s1", "name": "handoff", "value": {"country": "Noy", "need": "x"}}
        ),
    ]
    assert [(e.kind, e.topic, e.country, e.need, e.outcome) for e in produced] == [
        ("conversation", None, None, None, None),
        ("topic", "need_help_now", None, None, None),
        ("fallback", None, None, None, None),
        ("handoff", None, "laos", "help", None),
        ("job_check", None, None, None, "high"),
        ("handoff", None, None, None, None),  # values outside the closed sets are dropped
    ]
    assert all(e.channel == "telegram" and e.language == "en" and e.day == DAY for e in produced)
    assert "Noy" not in repr(produced) and "s1" not in repr(produced)


def test_demo_conversations_are_flagged() -> None:
    m = mapper()
    produced = list(m.map(user("hi", "greet", "lo", channel="web", demo=True)))
    assert [(e.kind, e.demo, e.channel) for e in produced] == [
        ("conversation", True, "web"),
        ("topic", True, "web"),
    ]
