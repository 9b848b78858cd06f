"""Two Rasa servers behind the gateway, with Redis and PostgreSQL, as on several machines: one is killed
(SIGKILL) under load. Every message gets a reply (at most one per conversation being the gateway's own
numbers), the slots set before the kill still hold after it, no statistics event is lost or counted
twice, and the conversations go back to the server once it is up again.

Needs a Redis server (TEST_REDIS_URL) and a PostgreSQL server (TEST_DATABASE_URL), as `.ci/run`
starts them; skipped with the reason otherwise."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import redis

from bot.services import Service, start_action_server, start_gateway, start_rasa_servers
from bot.settings import Settings
from tests.databases import NO_POSTGRES, POSTGRES_CONTROL, POSTGRES_URL, Database, make_database
from tests.failover_helpers import free_port_pair
from tests.redis_server import everything_in, fresh_redis, redis_control
from tests.servers_helpers import READY_SECONDS, event_counts, kill_hard, own_settings, settled_count

pytestmark = pytest.mark.servers

CONVERSATIONS = 24
GREETINGS = 8  # messages of each conversation under load
THAILAND = '/inform_location{"location": "thailand"}'
THAI_NUMBER = "1300"


@dataclass
class Cluster:
    settings: Settings
    actions: Service
    rasa: List[Service]
    gateway: Service
    database: Database
    redis_url: str
    services: List[Service] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return self.database.url

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.gateway_port}"

    def say(self, session: str, text: str) -> Dict[str, Any]:
        """One message on the demo page: the gateway's answer (`offline` when it answered itself)."""
        body = json.dumps({"session": session, "text": text, "language": "en"}).encode()
        request = urllib.request.Request(
            self.gateway_url + "/api/message", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read().decode("utf-8"))

    def health(self) -> Dict[str, Any]:
        with urllib.request.urlopen(self.gateway_url + "/health", timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))


@pytest.fixture(scope="module")
def cluster(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    if not POSTGRES_CONTROL:
        pytest.skip("TEST_POSTGRES_CONTROL is not set: cannot stop and start the PostgreSQL server")
    redis_url = fresh_redis()
    tmp = tmp_path_factory.mktemp("failover")
    database = make_database("postgresql", tmp)
    settings = replace(
        own_settings(tmp / "run", database.url),
        rasa_port=free_port_pair(),
        rasa_processes=2,
        redis_url=redis_url,
    )
    started: List[Service] = []
    try:
        actions = start_action_server(settings)
        started.append(actions)
        rasa = start_rasa_servers(settings, model_path)
        started.extend(rasa)
        gateway = start_gateway(settings, {"HELPLINE_SENDER_KEY": "failover-test-key"})
        started.append(gateway)
        for service in started:
            service.wait_ready(READY_SECONDS)
        yield Cluster(settings, actions, rasa, gateway, database, redis_url, started)
    finally:
        for service in reversed(started):
            service.stop(30)


def texts_of(answer: Dict[str, Any]) -> str:
    return "\n".join(
        str(reply.get("text") or "") + str((reply.get("contact") or {}).get("phone_number", ""))
        for reply in answer.get("replies", [])
    )


def stored_location(redis_url: str, gateway_key: str, session: str) -> Any:
    """Her location slot as the conversation store keeps it in Redis (the sender is the keyed hash)."""
    from bot.gateway.identity import web_sender

    key = f"helpline:conversation:{web_sender(gateway_key.encode(), session)}"
    value = redis.Redis.from_url(redis_url).get(key)
    if value is None:
        return None
    dialogue = json.loads(json.loads(value)["dialogue"])
    slots = [e for e in dialogue["events"] if e.get("event") == "slot" and e.get("name") == "location"]
    return slots[-1]["value"] if slots else None


def test_a_rasa_server_killed_under_load_loses_no_reply_no_state_and_no_statistics(cluster: Cluster) -> None:
    sessions = [f"failover-{uuid.uuid4().hex[:12]}" for _ in range(CONVERSATIONS)]
    baseline = {kind: settled_count(cluster.database_url, kind) for kind in ("conversation", "location")}

    # Before: each conversation says where she is (the slot the kill must not lose).
    for session in sessions:
        answer = cluster.say(session, THAILAND)
        assert not answer.get("offline"), answer
    for session in sessions:
        assert stored_location(cluster.redis_url, "failover-test-key", session) == "thailand"

    # Under load: every conversation greets, again and again; the first server is killed on the way, and
    # meanwhile the database is down, so the statistics of the killed server cannot have been written
    # before it died: they must be in Redis.
    answers: Dict[str, List[Dict[str, Any]]] = {session: [] for session in sessions}
    failures: List[str] = []
    lock = threading.Lock()
    answered = threading.Semaphore(0)

    def converse(session: str) -> None:
        for _ in range(GREETINGS):
            try:
                answer = cluster.say(session, "/greet")
            except OSError as error:  # no reply at all: what must never happen
                with lock:
                    failures.append(f"{type(error).__name__}: {error}")
                continue
            with lock:
                answers[session].append(answer)
            answered.release()
            time.sleep(0.2)

    threads = [threading.Thread(target=converse, args=(s,), daemon=True) for s in sessions]
    with cluster.database.outage():
        for thread in threads:
            thread.start()
        for _ in range(CONVERSATIONS * GREETINGS // 3):
            assert answered.acquire(timeout=120), "the load stalled before the kill"
        killed = cluster.rasa[0]
        kill_hard(killed)
        killed_at = time.monotonic()
        for thread in threads:
            thread.join(300)
        assert not any(thread.is_alive() for thread in threads)
        assert "statistics database unavailable" in killed.log_path.read_text(errors="replace")

    offline = {s: sum(bool(a.get("offline")) for a in replies) for s, replies in answers.items()}
    got = sum(len(replies) for replies in answers.values())
    print(
        f"\n{got} answers under load, server 1 killed after {CONVERSATIONS * GREETINGS // 3}; "
        f"the gateway's own numbers in {sum(offline.values())} answer(s), "
        f"{sum(1 for n in offline.values() if n)} conversation(s)"
    )
    assert failures == [], failures[:5]
    assert got == CONVERSATIONS * GREETINGS
    assert all(a.get("replies") for replies in answers.values() for a in replies)  # never an empty answer
    assert max(offline.values()) <= 1, offline
    for replies in answers.values():  # the gateway's own answer carries the numbers too
        assert all(THAI_NUMBER in texts_of(a) or "1362" in texts_of(a) for a in replies if a.get("offline"))

    # After: the slot set before the kill holds, wherever the conversation went (her numbers for Thailand).
    for session in sessions:
        assert stored_location(cluster.redis_url, "failover-test-key", session) == "thailand"
        answer = cluster.say(session, "/ask_hotline")
        assert not answer.get("offline") and THAI_NUMBER in texts_of(answer), texts_of(answer)

    health = cluster.health()  # the report says which server is down
    assert health["status"] == "degraded" and [server["up"] for server in health["rasa"]] == [False, True]

    # The killed server comes back: its conversations go back to it.
    assert killed.respawn()
    killed.wait_ready(READY_SECONDS)
    print(f"server 1 back {time.monotonic() - killed_at:.0f} s after the kill")
    time.sleep(3)  # the gateway checks every second
    before = [server["answered"] for server in cluster.health()["rasa"]]
    for session in sessions:
        answer = cluster.say(session, "/greet")
        assert not answer.get("offline")
    health = cluster.health()
    after = [server["answered"] for server in health["rasa"]]
    print(f"after the return, answered by each server: {[a - b for a, b in zip(after, before, strict=True)]}")
    assert after[0] > before[0] and after[1] > before[1]
    assert health["status"] == "ok", health
    assert all(server["up"] and server["redis"] for server in health["rasa"])

    # Statistics: each conversation and place counted once; every greeting a Rasa server answered counted,
    # and more only for one whose answer she did not get from it (processed after the gateway gave up).
    greeted = sum(1 for replies in answers.values() for a in replies if not a.get("offline")) + CONVERSATIONS
    gave_up = sum(offline.values())
    deadline = time.monotonic() + 60
    while _greet_topics(cluster.database_url) < greeted and time.monotonic() < deadline:
        time.sleep(0.5)
    counted = settled_count(cluster.database_url, "topic")
    counts = Counter(event_counts(cluster.database_url))
    topics = _greet_topics(cluster.database_url)
    print(f"statistics: {dict(counts)} ({counted} topics); greetings counted {topics}, answered {greeted}")
    assert counts["conversation"] - baseline["conversation"] == CONVERSATIONS
    assert counts["location"] - baseline["location"] == CONVERSATIONS
    assert greeted <= topics <= greeted + gave_up


def _greet_topics(database_url: str) -> int:
    import sqlalchemy as sa

    from bot.stats.store import create_engine

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = sa.text(
                "SELECT COALESCE(SUM(count), 0) FROM daily_counts WHERE kind = 'topic' AND topic = 'greet'"
            )
            return int(connection.execute(query).scalar())
    finally:
        engine.dispose()


def test_with_redis_down_she_gets_the_numbers_and_the_health_report_says_why(cluster: Cluster) -> None:
    session = f"failover-{uuid.uuid4().hex[:12]}"
    assert not cluster.say(session, THAILAND).get("offline")
    redis_control("stop")
    try:
        answer = cluster.say(session, "/ask_hotline")
        health = cluster.health()
        print("\nRedis down:", json.dumps(health))
        assert answer.get("offline") and "1362" in texts_of(answer)
        assert health["status"] == "degraded"
        assert all(server["up"] and server["redis"] is False for server in health["rasa"])
    finally:
        redis_control("start")
    deadline = time.monotonic() + 30
    while cluster.health()["status"] != "ok":
        assert time.monotonic() < deadline, cluster.health()
        time.sleep(1)
    answer = cluster.say(f"failover-{uuid.uuid4().hex[:12]}", "/greet")  # a new one: hers went with Redis
    assert not answer.get("offline"), answer


def test_nothing_she_writes_reaches_redis(cluster: Cluster) -> None:
    """Her words, in each language, through the gateway and both servers: Redis holds the dialogue
    (intents, slots, countries) and none of what she wrote."""
    mark = uuid.uuid4().hex[:8]
    words = {
        "lo": f"ຊ່ວຍແດ່ ນ້ອງແກ້ວ{mark} ຖືກຂັງໄວ້ຢູ່ໄທ",
        "th": f"ช่วยด้วย น้องพร{mark} ถูกขังไว้",
        "en": f"help, my friend Noy{mark} is locked in, we are in Thailand",
    }
    sessions = [f"failover-{uuid.uuid4().hex[:12]}" for _ in range(6)]
    for session, text in zip(sessions, [*words.values(), *words.values()], strict=True):
        assert not cluster.say(session, text).get("offline")
    everything = everything_in(cluster.redis_url)
    assert b"helpline:conversation:" in everything and b"intent" in everything
    for text in words.values():
        for word in text.split():
            if mark in word:
                for form in (word, json.dumps(word)[1:-1]):
                    assert form.encode() not in everything, form
    assert mark.encode() not in everything
