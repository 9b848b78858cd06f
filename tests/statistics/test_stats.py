"""The statistics store against real databases: SQLite always, PostgreSQL when configured."""

import datetime as dt
import json
import logging
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from bot.stats.events import EventMapper
from bot.stats.schema import DIMENSIONS, StatEvent, daily_counts
from bot.stats.store import StatsStore, create_engine, current_revision, migrate, newest_revision, purge
from tests.databases import make_database

DAY = dt.date(2026, 11, 2)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    return make_database(request.param, tmp_path)


def rows(url: str):
    engine = create_engine(url)
    with engine.connect() as connection:
        result = [dict(r._mapping) for r in connection.execute(sa.select(daily_counts))]
    engine.dispose()
    return result


def topics(url: str) -> Counter:
    return Counter({r["topic"]: r["count"] for r in rows(url) if r["kind"] == "topic"})


def wait_until_failing(store: StatsStore, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not store.failing:
        assert time.monotonic() < deadline, "the store never noticed the outage"
        time.sleep(0.05)


def topic(name: str, day: dt.date = DAY) -> StatEvent:
    return StatEvent(day=day, kind="topic", channel="telegram", language="lo", topic=name)


def test_events_are_counted_per_day_and_combination_with_coarse_columns_only(database) -> None:
    store = StatsStore(database.url)
    for _ in range(3):
        store.record(topic("ask_warning_signs"))
    store.record(
        StatEvent(day=DAY, kind="handoff", channel="web", demo=True, location="thailand", need="help")
    )
    assert store.flush(10)
    store.close()
    written = sorted(rows(database.url), key=lambda r: r["kind"])
    assert [(r["kind"], r["topic"], r["location"], r["demo"], r["count"]) for r in written] == [
        ("handoff", "", "thailand", True, 1),
        ("topic", "ask_warning_signs", "", False, 3),
    ]
    assert set(written[0]) == {"day", *DIMENSIONS, "count"}  # no id, no text, no time of day


def test_a_row_keeps_no_order_that_could_link_one_conversation(database, tmp_path) -> None:
    """No id, and in SQLite no hidden rowid: the table is stored in the order of its key."""
    store = StatsStore(database.url)
    for name in ("greet", "ask_hotline", "need_help_now"):
        store.record(topic(name))
    assert store.flush(10)
    store.close()
    engine = create_engine(database.url)
    assert "id" not in {c["name"] for c in sa.inspect(engine).get_columns("daily_counts")}
    if database.kind == "sqlite":
        with engine.connect() as connection, pytest.raises(sa.exc.OperationalError):
            connection.execute(sa.text("SELECT rowid FROM daily_counts"))
        with engine.connect() as connection:
            stored = [r[0] for r in connection.execute(sa.text("SELECT topic FROM daily_counts"))]
        assert stored == sorted(stored)  # key order, not the order she asked in
    engine.dispose()


def test_schema_comes_from_the_migrations(database) -> None:
    engine = create_engine(database.url)
    migrate(engine)
    migrate(engine)  # a second start changes nothing
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    assert version == newest_revision() == "0003"


def test_rows_of_an_older_version_become_counts(database) -> None:
    """0001 had no sample column, 0002 one row per event; 0003 counts them. A hand-off kept where
    she was in `country`: it moves to `location`."""
    engine = create_engine(database.url)
    migrate(engine, "0001")
    insert = sa.text(
        "INSERT INTO events (day, kind, language, topic, country, need, channel, demo) "
        "VALUES (:day, :kind, 'lo', :topic, :country, :need, 'telegram', false)"
    )
    with engine.begin() as connection:
        for kind, topic_name, country, need in [
            ("conversation", None, None, None),
            ("topic", "check_job_offer", "malaysia", None),
            ("topic", "check_job_offer", "malaysia", None),
            ("handoff", None, "thailand", "emergency"),
        ]:
            connection.execute(
                insert, {"day": DAY, "kind": kind, "topic": topic_name, "country": country, "need": need}
            )
    assert current_revision(engine) == "0001"
    migrate(engine)
    engine.dispose()
    counted = {
        (r["kind"], r["topic"], r["country"], r["location"], r["need"]): r["count"]
        for r in rows(database.url)
    }
    assert counted == {
        ("conversation", "", "", "", ""): 1,
        ("topic", "check_job_offer", "malaysia", "", ""): 2,
        ("handoff", "", "", "thailand", "emergency"): 1,
    }
    assert all(not r["sample"] for r in rows(database.url))


def test_the_counts_can_be_taken_back_to_rows(database) -> None:
    engine = create_engine(database.url)
    migrate(engine)
    store = StatsStore(database.url)
    store.record(topic("greet"))
    store.record(topic("greet"))
    assert store.flush(10)
    store.close()
    migrate_down = __import__("alembic.command", fromlist=["downgrade"]).downgrade
    from bot.stats.store import _alembic_config

    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        migrate_down(config, "0002")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT COUNT(*) FROM events WHERE topic = 'greet'")).scalar() == 2
    engine.dispose()


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
    assert topics(database.url) == Counter(greet=1, ask_hotline=1, need_help_now=1, ask_go_home=1)
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
    assert spool.stat().st_mode & 0o777 == 0o600
    again = StatsStore(database.url, spool=spool)
    assert again.flush(20)
    again.close()
    assert topics(database.url) == Counter(greet=1, ask_hotline=1, need_help_now=1)
    assert not spool.exists()


def spooled(name: str) -> str:
    event = topic(name)
    return json.dumps({**event.row(), "day": event.day.isoformat()})


def test_a_spool_cut_off_by_a_crash_loses_only_its_broken_line(database, tmp_path) -> None:
    spool = tmp_path / "statistics-spool.jsonl"
    spool.write_text(spooled("greet") + "\n" + spooled("ask_hotline") + "\n" + spooled("ask_go_home")[:25])
    store = StatsStore(database.url, spool=spool)
    assert store.flush(20)
    store.close()
    assert topics(database.url) == Counter(greet=1, ask_hotline=1)
    assert not spool.exists()


def test_a_leftover_loading_file_is_loaded_with_the_new_spool(database, tmp_path) -> None:
    """A crash while loading left `.loading` behind, and the run after it spooled more."""
    spool = tmp_path / "statistics-spool.jsonl"
    spool.with_suffix(".loading").write_text(spooled("greet") + "\n")
    spool.write_text(spooled("ask_hotline") + "\n")
    store = StatsStore(database.url, spool=spool)
    assert store.flush(20)
    store.close()
    assert topics(database.url) == Counter(greet=1, ask_hotline=1)
    assert not spool.exists() and not spool.with_suffix(".loading").exists()


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
    written = topics(database.url)
    del written["greet"]
    # Three wait in memory and one batch may be in flight (a1, or a1 given back and a2-a4 taken again,
    # when a retry lands as the outage ends): the oldest waiting ones go first, the newest are never
    # dropped, and every event is either written or counted as dropped.
    assert {"a3", "a4", "a5"} <= set(written)
    assert sum(written.values()) + store.dropped == 5 and store.dropped >= 1


def test_purge_deletes_only_old_counts(database) -> None:
    store = StatsStore(database.url)
    for day in (dt.date(2024, 1, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 27)):
        store.record(topic("greet", day))
    assert store.flush(10)
    store.close()
    engine = create_engine(database.url)
    assert purge(engine, older_than_days=365, today=dt.date(2026, 11, 28)) == 1
    engine.dispose()
    assert sorted(r["day"] for r in rows(database.url)) == [dt.date(2026, 10, 1), dt.date(2026, 11, 27)]


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
                "value": {"location": "laos", "need": "help"},
            }
        ),
        *m.map({"event": "slot", "sender_id": "s1", "name": "job_check_outcome", "value": "high"}),
        *m.map(
            {"event": "slot", "sender_id": "s1", "name": "handoff", "value": {"location": "Noy", "need": "x"}}
        ),
    ]
    assert [(e.kind, e.topic, e.location, e.need, e.outcome) for e in produced] == [
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
