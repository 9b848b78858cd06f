"""The conversation store keeps what the dialogue needs and nothing she wrote; it forgets idle and
erased conversations and holds a bounded number (bot/conversations/store.py), with real Rasa trackers.
The same tests run against both forms: in memory, and in a real Redis server (REDIS_URL) when the
tests have one (TEST_REDIS_URL; skipped with the reason otherwise)."""

from __future__ import annotations

import asyncio
import gc
import json
import tracemalloc
from dataclasses import replace

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.conversations.store import ConversationMemory, TextFreeTrackerStore
from bot.settings import PROJECT_ROOT, Settings
from tests.redis_server import everything_in, fresh_redis

CANARY = "ນ້ອງແກ້ວ-canary-7731"
SENDER = "tg-0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(params=["memory", "redis"])
def form(request: pytest.FixtureRequest) -> Settings:
    """The settings of one form of the store: REDIS_URL unset, or a real (emptied) Redis server."""
    return replace(Settings(), redis_url=fresh_redis() if request.param == "redis" else None)


def store(
    domain: Domain, form: Settings, idle_minutes: float = 30, most: int = 100, broker: object = None
) -> TextFreeTrackerStore:
    settings = replace(form, conversation_idle_minutes=idle_minutes, max_conversations=most)
    return TextFreeTrackerStore(domain, event_broker=broker, settings=settings)


def her_message(text: str, intent: str = "need_help_now") -> UserUttered:
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": [
            {"entity": "location", "value": "thailand", "start": 0, "end": 3, "value_text": text[:3]},
            {"entity": "name", "value": CANARY},  # not one of ours: never kept
        ],
        "detected_language": "lo",
        "language_sure": True,
        "written_as": "lao",
        "message_id": "m1",
    }
    return UserUttered(
        text, parse["intent"], parse["entities"], parse, input_channel="rest", message_id="m1",
        metadata={"channel": "telegram", "language_hint": "lo", "chat_id": 987654321, "name": CANARY},
    )  # fmt: skip


def conversation(domain: Domain, sender: str = SENDER) -> DialogueStateTracker:
    events = [
        ActionExecuted("action_session_start"),
        SlotSet("session_started_metadata", {"channel": "telegram", "chat_id": 987654321}),
        ActionExecuted("action_listen"),
        her_message(f"ຊ່ວຍແດ່ {CANARY} ຖືກຂັງ"),
        SlotSet("location", "thailand"),
        ActionExecuted("action_hotline_handoff"),
        BotUttered(f"echo {CANARY}", {"buttons": [{"title": CANARY, "payload": "/x"}]}),
        SlotSet("in_danger", True),
        ActionExecuted("action_listen"),
    ]
    return DialogueStateTracker.from_events(sender, events, slots=domain.slots)


def test_a_saved_conversation_keeps_the_dialogue_and_not_her_words(domain: Domain, form: Settings) -> None:
    kept = store(domain, form)
    asyncio.run(kept.save(conversation(domain)))
    stored = kept.memory.get(SENDER).dialogue
    for trace in (CANARY, json.dumps(CANARY)[1:-1], "987654321", "m1"):
        assert trace not in stored, trace
    if form.redis_url:  # and nothing of it anywhere in Redis, in any key or value
        everything = everything_in(form.redis_url)
        assert b"thailand" in everything  # the search sees the dialogue...
        for trace in (CANARY, json.dumps(CANARY)[1:-1], "987654321"):  # ...and none of her words
            assert trace.encode() not in everything, trace
    back = asyncio.run(kept.retrieve(SENDER))
    assert back.get_slot("location") == "thailand" and back.get_slot("in_danger") is True
    latest = back.latest_message
    assert latest.intent_name == "need_help_now" and latest.text is None
    assert [(e["entity"], e["value"]) for e in latest.entities] == [("location", "thailand")]
    assert latest.parse_data["detected_language"] == "lo" and latest.metadata == {
        "channel": "telegram",
        "language_hint": "lo",
    }
    assert len(back.events) == len(conversation(domain).events)  # Rasa's broker counts on it


class Recording:
    """An event broker that remembers what it was given."""

    def __init__(self) -> None:
        self.published: list = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def test_the_statistics_see_each_of_her_messages_once_over_turns_and_sessions(
    domain: Domain, form: Settings
) -> None:
    """Rasa's own turn order: the first save is a tracker of one `action_listen`, the session starts
    after it, and every later turn starts from what `retrieve` gives (the latest session only)."""
    broker = Recording()
    kept = store(domain, form, broker=broker)
    tracker = asyncio.run(kept.get_or_create_tracker(SENDER))
    turns = 0
    for _session in range(2):
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
        for _ in range(3):
            tracker.update(her_message("ຊ່ວຍແດ່"))
            tracker.update(ActionExecuted("action_hotline_handoff"))
            tracker.update(ActionExecuted("action_listen"))
            asyncio.run(kept.save(tracker))
            turns += 1
            tracker = asyncio.run(kept.retrieve(SENDER))
    assert sum(event["event"] == "user" for event in broker.published) == turns == 6
    assert sum(event["event"] == "session_started" for event in broker.published) == 2
    assert sum(isinstance(e, SessionStarted) for e in tracker.events) == 1  # the latest session only


def test_a_restart_deletes_the_conversation(domain: Domain, form: Settings) -> None:
    kept = store(domain, form)
    tracker = conversation(domain)
    asyncio.run(kept.save(tracker))
    tracker.update(UserUttered("/restart", {"name": "restart", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_restart"))
    tracker.update(Restarted())
    asyncio.run(kept.save(tracker))
    assert asyncio.run(kept.retrieve(SENDER)) is None and SENDER not in asyncio.run(kept.keys())
    if form.redis_url:  # deleted outright, not left to expire
        import redis

        assert not [key for key in redis.Redis.from_url(form.redis_url).scan_iter() if SENDER.encode() in key]


def test_an_idle_conversation_is_forgotten() -> None:
    now = [0.0]
    memory = ConversationMemory(idle_seconds=1800, max_conversations=10, clock=lambda: now[0])
    memory.put("a", "{}", 1)
    now[0] = 1000
    memory.put("b", "{}", 1)
    now[0] = 1801  # a has been idle 30 minutes and a second, b only 801 s
    assert memory.get("a") is None and memory.get("b") is not None
    now[0] = 3700
    assert memory.forget_idle() == 1 and len(memory) == 0  # the sweeper's call: nobody wrote


def test_the_store_forgets_idle_conversations_by_itself(domain: Domain, form: Settings) -> None:
    """A real store with a 1.2 s idle time: its sweeper (in Redis, the key's time to live) forgets the
    conversation with nobody writing."""
    import time

    kept = store(domain, form, idle_minutes=0.02)
    asyncio.run(kept.save(conversation(domain)))
    assert len(kept.memory) == 1
    deadline = time.monotonic() + 10
    while len(kept.memory) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(kept.memory) == 0
    assert asyncio.run(kept.retrieve(SENDER)) is None


def test_reading_a_conversation_keeps_it_from_expiring(domain: Domain, form: Settings) -> None:
    import time

    kept = store(domain, form, idle_minutes=0.05)  # 3 s
    asyncio.run(kept.save(conversation(domain)))
    for _ in range(5):  # 5 s in all, never 3 s without a read
        time.sleep(1)
        assert asyncio.run(kept.retrieve(SENDER)) is not None


def test_the_least_recently_used_go_first_beyond_the_bound(domain: Domain, form: Settings) -> None:
    kept = store(domain, form, most=50)
    template = conversation(domain)
    loop = asyncio.new_event_loop()
    for number in range(300):
        template.sender_id = f"web-{number:032x}"
        loop.run_until_complete(kept.save(template))
        if number == 10:
            loop.run_until_complete(kept.retrieve(f"web-{0:032x}"))  # the first, used again
    keys = set(loop.run_until_complete(kept.keys()))
    loop.close()
    assert len(kept.memory) == 50 and len(keys) == 50
    assert f"web-{299:032x}" in keys and f"web-{0:032x}" not in keys
    if form.redis_url:  # the dropped ones are gone from Redis too, not only from the list
        import redis

        assert sum(1 for _ in redis.Redis.from_url(form.redis_url).scan_iter("helpline:conversation:*")) == 50


def test_a_hundred_thousand_one_message_senders_leave_memory_bounded(domain: Domain) -> None:
    kept = store(domain, replace(Settings(), redis_url=None), most=2_000)
    template = conversation(domain)
    loop = asyncio.new_event_loop()
    gc.collect()
    tracemalloc.start()
    for number in range(100_000):
        template.sender_id = f"web-{number:032x}"
        loop.run_until_complete(kept.save(template))
        if number == 10_000:
            gc.collect()
            at_ten_thousand = tracemalloc.get_traced_memory()[0]
    gc.collect()
    at_end = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    loop.close()
    assert len(kept.memory) == 2_000
    # No growth after the bound: a leak of even one small object per sender would be 90,000 x 50 bytes.
    # (tracemalloc also counts other threads of the test session: a few hundred kB of noise.)
    assert at_end - at_ten_thousand < 90_000 * 16, (at_ten_thousand, at_end)
    assert at_end < 2_000 * 4_000  # a few kilobytes for each conversation held


def test_a_lock_left_by_a_killed_server_expires_in_redis() -> None:
    """A server killed while it worked on her message leaves its lock (named by her conversation's hash)
    behind; the key expires with the ticket instead of staying in Redis."""
    import redis

    from bot.conversations.locks import ConversationLockStore

    settings = replace(Settings(), redis_url=fresh_redis())
    locks = ConversationLockStore(settings=settings)
    locks.issue_ticket(SENDER, 5)  # and then the server was killed: no cleanup
    client = redis.Redis.from_url(settings.redis_url)
    [key] = [key for key in client.scan_iter() if SENDER.encode() in key]
    assert key.startswith(b"helpline:lock:") and 0 < client.ttl(key) <= 3600
    assert not ConversationLockStore(settings=replace(settings, redis_url=None)).get_lock(SENDER)
