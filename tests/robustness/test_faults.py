"""Faults in real processes: the action server killed, the statistics database gone, the Rasa server
restarted. Every message still gets a way to get help, through the real gateway, and no statistics
event is lost once things recover."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.contacts.directory import best_for, load_directory
from bot.rest_client import send_message
from tests.databases import NO_POSTGRES, POSTGRES_CONTROL, POSTGRES_URL, Database, make_database
from tests.fake_telegram import Call, button_update
from tests.servers_helpers import (
    Stack,
    describe,
    dropped_in_log,
    event_counts,
    from_gateway_itself,
    gateway_exchange,
    gateway_turn,
    has_help,
    kill_hard,
    log_count,
    log_grows,
    own_settings,
    running_stack,
    settled_count,
    wait_for_events,
)

pytestmark = pytest.mark.servers

chat_ids = itertools.count(770_001)
# Messages whose ordinary answer carries the help numbers, in each language.
DANGER = {
    "en": "help me please i am locked in and cant leave",
    "th": "ช่วยด้วยค่ะ หนูถูกขังไว้ ออกไปไหนไม่ได้",
    "lo": "ຊ່ວຍແດ່ ຂ້ອຍຖືກຂັງໄວ້ ອອກບໍ່ໄດ້",
}
UNAVAILABLE = "statistics database unavailable"  # what bot/stats/store.py logs when a write fails


@pytest.fixture(scope="module")
def stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Action server, Rasa server and gateway of this module's own, statistics in a temporary SQLite file."""
    with running_stack(own_settings(tmp_path_factory.mktemp("faults")), model_path) as started:
        yield started


@pytest.fixture
def live(stack: Stack) -> Stack:
    """The module's stack with every server up, whatever an earlier test did to it."""
    stack.ensure_running()
    return stack


def turn(stack: Stack, chat: int, text: str, language_code: str = "en") -> List[Call]:
    assert stack.telegram is not None
    return gateway_turn(stack.telegram, chat, text, language_code)


def rasa_log(stack: Stack) -> Path:
    assert stack.rasa is not None
    return stack.rasa.log_path


def database_of(stack: Stack) -> Database:
    url = stack.settings.database_url
    assert url and url.startswith("sqlite:///")
    return Database("sqlite", url, Path(url.removeprefix("sqlite:///")))


# --- the action server ------------------------------------------------------------------------------


def test_action_server_killed_mid_conversation_then_restarted(live: Stack) -> None:
    """The hand-off runs in the action server: if it dies, she must still get the numbers, and get
    her country's numbers again as soon as it is back."""
    assert live.actions is not None and live.rasa is not None and live.gateway is not None
    chat = next(chat_ids)
    hello = turn(live, chat, "hello")
    assert not from_gateway_itself(hello) and hello[0].params.get("reply_markup"), describe(hello)

    kill_hard(live.actions)
    for text in ("I need help now, I am locked in", "what is the hotline number"):
        calls = turn(live, chat, text)
        print(f"\nactions down, {text!r} -> {describe(calls)}")
        assert has_help(calls), describe(calls)
        # What Rasa itself answers meanwhile (not a check: the front end is what must cope).
        print(f"  Rasa's own REST reply: {send_message(live.settings.rasa_url, f'rest-{chat}', text)}")
    assert live.rasa.process.poll() is None and live.gateway.process.poll() is None

    port = live.settings.action_port
    live.start_actions()  # the same port: Rasa's action endpoint does not change
    assert live.actions.health_url.startswith(f"http://{live.settings.host}:{port}/")
    assert live.telegram is not None
    press = button_update(live.telegram, chat, 11, '/ask_hotline{"country": "thailand"}')
    calls = gateway_exchange(live.telegram, chat, press)
    print(f"actions back -> {describe(calls)}")
    assert not from_gateway_itself(calls)
    cards = [str(c.params["phone_number"]) for c in calls if c.method == "sendContact"]
    text = "\n".join(str(c.params.get("text")) for c in calls if c.method == "sendMessage")
    # Contact cards and these numbers come only from the action (actions/handoff.py).
    expected = [c.number for c in best_for(load_directory(), "thailand", "help")]
    assert "1300" in cards and all(number in text for number in expected), describe(calls)


# --- the statistics database ------------------------------------------------------------------------


def conversations_through_an_outage(stack: Stack, database: Database) -> None:
    """Conversations while the database refuses writes: Rasa answers, the events wait, then arrive."""
    assert stack.settings.database_url
    url = stack.settings.database_url
    first = next(chat_ids)
    turn(stack, first, "hello")
    wait_for_events(url, "conversation", 1)  # the schema exists and writing works
    baseline = settled_count(url, "conversation")

    chats, noticed = 0, log_count(rasa_log(stack), UNAVAILABLE)
    with database.outage():
        for language, text in [*DANGER.items(), ("en", "/hotline")]:
            calls = turn(stack, next(chat_ids), text, language)
            chats += 1
            assert has_help(calls) and not from_gateway_itself(calls), f"{language}: {describe(calls)}"
        # The writer met the outage: these events are waiting in memory, not written already.
        assert log_grows(rasa_log(stack), UNAVAILABLE, noticed), f"unnoticed: {database.kind}"

    expected = baseline + chats
    wait_for_events(url, "conversation", expected, timeout=120)  # its retries back off to 30 s
    written = settled_count(url, "conversation")
    dropped = dropped_in_log(rasa_log(stack))
    print(f"\n{database.kind}: {written} conversation events written, {dropped} dropped, {expected} expected")
    print(f"{database.kind}: all events by kind {dict(event_counts(url))}")
    assert written + dropped == expected


def test_statistics_sqlite_unavailable_replies_continue_and_no_event_lost(live: Stack) -> None:
    """A locked statistics file must never cost her a reply, and its events must be written after."""
    conversations_through_an_outage(live, database_of(live))


def test_statistics_postgresql_unavailable_replies_continue_and_no_event_lost(
    model_path: Path, tmp_path: Path
) -> None:
    """The same with the real PostgreSQL server stopped and started again, as in production."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    if not POSTGRES_CONTROL:
        pytest.skip("TEST_POSTGRES_CONTROL is not set: cannot stop and start the PostgreSQL server")
    database = make_database("postgresql", tmp_path)
    with running_stack(own_settings(tmp_path / "servers", database.url), model_path) as stack:
        conversations_through_an_outage(stack, database)


# --- the Rasa server --------------------------------------------------------------------------------


def test_rasa_restarted_mid_conversation(live: Stack) -> None:
    """While Rasa restarts only the gateway can answer: it must give the numbers, Rasa must answer
    normally once back, and a clean stop must keep the statistics it had."""
    assert live.rasa is not None and live.settings.database_url
    url = live.settings.database_url
    baseline = settled_count(url, "conversation")
    chat = next(chat_ids)
    assert not from_gateway_itself(turn(live, chat, "hello"))
    others = [next(chat_ids) for _ in range(3)]
    for other, (language, text) in zip(others, DANGER.items(), strict=True):
        assert has_help(turn(live, other, text, language))
    before_stop = baseline + 1 + len(others)

    live.rasa.stop(30)  # SIGTERM, right after the last reply: the broker must write what it holds
    assert live.rasa.process.returncode == 0, f"not a clean stop; see {live.rasa.log_path}"
    after_stop = event_counts(url)["conversation"]  # final: the process that wrote them is gone
    print(f"\nconversation events: {after_stop} after the stop, {before_stop} expected")
    assert after_stop == before_stop

    rasa = live.spawn_rasa()  # the same port; ~25 s to load the model, during which nothing answers
    outage: List[str] = []
    languages = itertools.cycle(DANGER)
    while not rasa.is_ready():
        assert rasa.process.poll() is None, f"Rasa did not come back; see {rasa.log_path}"
        language = next(languages)
        calls = turn(live, chat, DANGER[language], language)
        assert has_help(calls), describe(calls)
        if not from_gateway_itself(calls):  # Rasa came up while this message was on its way
            assert rasa.is_ready(), describe(calls)
            break
        outage.append(language)
        time.sleep(2)  # the gateway's flood control lets one message through every 2 s
    rasa.wait_ready(60)
    print(f"during the restart, {len(outage)} message(s) got the gateway's numbers: {outage}")
    assert outage, "Rasa was back before any message was sent: the outage was not tested"

    back = turn(live, chat, "hello")
    assert not from_gateway_itself(back) and back[0].params.get("reply_markup"), describe(back)
    # Her conversation goes on in the new process, which counts it once more (trackers live in memory).
    wait_for_events(url, "conversation", before_stop + 1)
    assert settled_count(url, "conversation") == before_stop + 1


def test_events_waiting_for_the_database_when_rasa_stops_are_written_at_the_next_start(live: Stack) -> None:
    """An outage of the database during a restart must not make statistics disappear: what could not
    be written goes to the spool file at the stop and into the database after the next start."""
    assert live.rasa is not None and live.settings.database_url
    url = live.settings.database_url
    baseline = settled_count(url, "conversation")
    chats, noticed = 0, log_count(rasa_log(live), UNAVAILABLE)
    with database_of(live).outage():  # held until Rasa has exited
        for language, text in DANGER.items():
            assert has_help(turn(live, next(chat_ids), text, language))
            chats += 1
        assert log_grows(rasa_log(live), UNAVAILABLE, noticed), "the outage went unnoticed"
        live.rasa.stop(40)  # SIGTERM: the store waits up to 5 s for the database, then spools
        assert live.rasa.process.returncode == 0, f"not a clean stop; see {live.rasa.log_path}"
    assert "kept for the next start" in rasa_log(live).read_text(errors="replace")
    live.ensure_running()
    assert wait_for_events(url, "conversation", baseline + chats) == baseline + chats
    assert not (live.settings.run_dir / "statistics-spool.jsonl").exists()
