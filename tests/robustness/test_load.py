"""A short load test: 20 conversations at once for 30 s through Rasa's REST channel, on servers of its own."""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from bot.evaluation import load_holdout
from bot.rest_client import REST_WEBHOOK
from bot.vocabulary import LANGUAGES
from tests.servers_helpers import Stack, own_settings, running_stack, settled_count, tree_rss, wait_for_events

pytestmark = pytest.mark.servers

CONVERSATIONS_AT_ONCE = 20
WARM_UP_SECONDS = 8
LOAD_SECONDS = 30
MESSAGES_PER_CONVERSATION = (2, 6)
# Some growth is legitimate: Rasa keeps every conversation's tracker in memory (InMemoryTrackerStore),
# a few kB a message; measured here, 1-5 MB for 550-1300 messages in 30 s (16-41 a second, depending on
# how busy the two cores are). 150 MB over even 550 messages catches any leak of ~0.3 MB a message or
# more (a parse result with its feature arrays, a TensorFlow graph or a whole tracker kept per message),
# and leaves room for the allocator and TensorFlow keeping memory they grew into under contention.
MAX_GROWTH_MB = 150
MB = 1024 * 1024


@dataclass
class Tally:
    """What the load produced; filled by the worker threads."""

    conversations: int = 0
    messages: int = 0
    failures: List[str] = field(default_factory=list)
    latencies: List[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def holdout_by_language() -> Dict[str, List[str]]:
    return {language: [text for text, _ in load_holdout(language)] for language in LANGUAGES}


def post(rasa_url: str, sender: str, text: str) -> Tuple[int, Any]:
    """Her message to the REST channel, as the front ends send it: the HTTP status and the replies."""
    body = json.dumps({"sender": sender, "message": text, "metadata": {"channel": "other"}}).encode()
    request = urllib.request.Request(
        rasa_url + REST_WEBHOOK, data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.loads(response.read().decode("utf-8"))


def converse(
    rasa_url: str, messages: Dict[str, List[str]], rng: random.Random, tally: Tally, stop_at: float
) -> None:
    """One conversation: a few held-out messages, mostly in one language, sometimes switching."""
    sender = f"load-{uuid.uuid4().hex}"
    language = rng.choice(LANGUAGES)
    with tally.lock:
        tally.conversations += 1
    for index in range(rng.randint(*MESSAGES_PER_CONVERSATION)):
        if index and time.monotonic() >= stop_at:
            return  # time is up: every conversation counted has had at least one message
        if rng.random() < 0.2:
            language = rng.choice(LANGUAGES)
        text = rng.choice(messages[language])
        started = time.monotonic()
        try:
            status, replies = post(rasa_url, sender, text)
            problem = f"HTTP {status}" if status != 200 else None if replies else "an empty reply"
        except urllib.error.HTTPError as error:
            problem = f"HTTP {error.code}"
        except (OSError, ValueError) as error:  # refused, reset, timed out, not JSON
            problem = f"{type(error).__name__}: {error}"
        with tally.lock:
            tally.messages += 1
            tally.latencies.append(time.monotonic() - started)
            if problem:
                tally.failures.append(f"{language} {text!r}: {problem}")


def run_load(rasa_url: str, seconds: float, tally: Tally, seed: int) -> None:
    """CONVERSATIONS_AT_ONCE threads, each starting a new conversation when its last one ended."""
    messages = holdout_by_language()
    stop_at = time.monotonic() + seconds

    def worker(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.monotonic() < stop_at:
            converse(rasa_url, messages, rng, tally, stop_at)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(CONVERSATIONS_AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 300)
    assert not any(t.is_alive() for t in threads), "a conversation never finished"


@pytest.fixture(scope="module")
def stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    settings = own_settings(tmp_path_factory.mktemp("load"))
    with running_stack(settings, model_path, with_gateway=False) as started:
        yield started


def memory(stack: Stack) -> Tuple[int, int]:
    assert stack.rasa is not None and stack.actions is not None
    return tree_rss(stack.rasa.process), tree_rss(stack.actions.process)


def test_twenty_conversations_at_once_all_answered_memory_bounded_statistics_complete(stack: Stack) -> None:
    """Many women may write at the same time: none may go unanswered, and the servers must not leak."""
    assert stack.rasa is not None and stack.settings.database_url
    tally = Tally()
    run_load(stack.settings.rasa_url, WARM_UP_SECONDS, tally, seed=1)
    rasa_before, actions_before = memory(stack)
    warm_up_messages = tally.messages

    samples: List[int] = []  # Rasa's memory every 2 s under load, for the peak
    sampling = threading.Event()

    def sample() -> None:
        while not sampling.wait(2):
            samples.append(memory(stack)[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    run_load(stack.settings.rasa_url, LOAD_SECONDS, tally, seed=2)
    elapsed = time.monotonic() - started
    sampling.set()
    sampler.join(10)
    rasa_after, actions_after = memory(stack)

    under_load = tally.messages - warm_up_messages
    growth = {"rasa": (rasa_after - rasa_before) / MB, "actions": (actions_after - actions_before) / MB}
    latencies = sorted(tally.latencies[warm_up_messages:])
    figures = {
        "conversations": tally.conversations,
        "messages_warm_up": warm_up_messages,
        "messages_under_load": under_load,
        "seconds_under_load": round(elapsed, 1),
        "messages_per_second": round(under_load / elapsed, 1),
        "latency_median_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "latency_max_s": round(latencies[-1], 3),
        "failed": len(tally.failures),
        "rasa_rss_mb": [round(rasa_before / MB), round(rasa_after / MB)],
        "rasa_rss_peak_mb": round(max([rasa_after, *samples]) / MB),
        "actions_rss_mb": [round(actions_before / MB), round(actions_after / MB)],
        "growth_mb": {name: round(grown, 1) for name, grown in growth.items()},
        "growth_bound_mb": MAX_GROWTH_MB,
    }
    print("\nload:", json.dumps(figures))

    assert tally.failures == [], f"{len(tally.failures)} failed replies, e.g. {tally.failures[:5]}"
    assert under_load > 0
    for name, grown in growth.items():
        assert grown < MAX_GROWTH_MB, f"{name} grew by {grown:.0f} MB in {LOAD_SECONDS} s of load"

    # Every conversation started is counted once in the statistics, after the buffer drained.
    url = stack.settings.database_url
    wait_for_events(url, "conversation", tally.conversations, timeout=60)
    counted = settled_count(url, "conversation")  # and no more than that
    print(f"statistics: {counted} conversation events for {tally.conversations} conversations")
    assert counted == tally.conversations
