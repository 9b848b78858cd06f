"""Open-loop load through the REST channel: messages arrive at random at a fixed mean rate.

People do not wait for each other. A closed loop (each simulated person sends her next message when
the last reply arrives) slows its own arrivals down when the server slows, and hides the queue that a
burst of real people builds. Here arrivals follow a Poisson process at the offered rate, spread over a
fixed set of conversations in progress (200 by default); each arrival is the next turn of one of them,
and a conversation that has said everything is replaced by a new one. Every message is timed from
the moment it was due, so a driver that falls behind does not flatter the server; a reply that is not
HTTP 200 with at least one message, or that takes longer than the time-out, is an error.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp
import numpy as np

from bench.conversations import Conversation, ConversationSource
from bot.rest_client import REST_WEBHOOK

REQUEST_TIMEOUT_S = 30
CONVERSATIONS = 200
# Past this p95 a rate is overloaded: the higher rates are not run, they would only queue longer.
OVERLOADED_P95_MS = 5_000


@dataclass
class Sample:
    latency_ms: float
    ok: bool
    language: str
    kind: str


@dataclass
class RateResult:
    offered_per_s: float
    planned_s: float
    elapsed_s: float = 0.0
    samples: List[Sample] = field(default_factory=list)
    error_examples: List[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    def summary(self) -> Dict[str, object]:
        answered = [s.latency_ms for s in self.samples if s.ok]
        return {
            "offered_per_s": self.offered_per_s,
            "planned_s": self.planned_s,
            "elapsed_s": round(self.elapsed_s, 1),
            "messages": len(self.samples),
            "errors": self.errors,
            "error_examples": self.error_examples,
            "served_per_s": round(len(answered) / self.elapsed_s, 1) if self.elapsed_s else 0.0,
            "latency_ms": percentiles([s.latency_ms for s in self.samples]),
            "median_ms_by_language": _percentile_by(self.samples, lambda s: s.language),
            "median_ms_by_kind": _percentile_by(self.samples, lambda s: s.kind),
            "p95_ms_by_kind": _percentile_by(self.samples, lambda s: s.kind, percentile=95),
        }


def percentiles(values: List[float]) -> Dict[str, Optional[float]]:
    if not values:
        return {"median": None, "p95": None, "p99": None, "max": None}
    median, p95, p99 = np.percentile(np.asarray(values), [50, 95, 99])
    return {
        "median": round(float(median), 1),
        "p95": round(float(p95), 1),
        "p99": round(float(p99), 1),
        "max": round(max(values), 1),
    }


def _percentile_by(
    samples: List[Sample], key: Callable[[Sample], str], percentile: float = 50
) -> Dict[str, float]:
    groups: Dict[str, List[float]] = {}
    for sample in samples:
        groups.setdefault(key(sample), []).append(sample.latency_ms)
    return {
        name: round(float(np.percentile(values, percentile)), 1) for name, values in sorted(groups.items())
    }


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> Tuple[bool, str]:
    """One message through the REST channel; (ok, why not)."""
    body = {"sender": sender, "message": text, "metadata": {"channel": "rest"}}
    try:
        async with session.post(url + REST_WEBHOOK, json=body) as response:
            if response.status != 200:
                return False, f"HTTP {response.status}: {(await response.text())[:200]}"
            replies = await response.json(content_type=None)
            if not replies:
                return False, f"empty reply to {text[:40]!r}"
            return True, ""
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        return False, f"{type(error).__name__}: {error}"[:200]


class _Conversations:
    """A fixed number of conversations in progress; each turn taken is the next of one of them."""

    def __init__(self, source: ConversationSource, count: int, rng: random.Random) -> None:
        self.source, self.rng = source, rng
        self.slots: List[Tuple[str, Conversation, int]] = [self._new() for _ in range(count)]
        self.started = 0

    def _new(self) -> Tuple[str, Conversation, int]:
        return f"bench-{uuid.uuid4().hex}", self.source.next(), 0

    def take(self) -> Tuple[str, str, str, str]:
        """(sender, text, language, kind) of a random conversation's next turn."""
        index = self.rng.randrange(len(self.slots))
        sender, conversation, turn = self.slots[index]
        if turn >= len(conversation.turns):
            sender, conversation, turn = self._new()
            self.started += 1
        self.slots[index] = (sender, conversation, turn + 1)
        chosen = conversation.turns[turn]
        return sender, chosen.text, conversation.language, chosen.kind


async def _offer(
    urls: Sequence[str], conversations: _Conversations, rate: float, seconds: float, seed: int
) -> RateResult:
    result = RateResult(offered_per_s=rate, planned_s=seconds)
    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=0)  # no client-side queue: the server's is the one measured
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(due: float, sender: str, text: str, language: str, kind: str) -> None:
            url = urls[hash(sender) % len(urls)]  # one server per conversation, as the gateway does
            ok, why = await send(session, url, sender, text)
            result.samples.append(Sample((time.perf_counter() - due) * 1000, ok, language, kind))
            if not ok and len(result.error_examples) < 5:
                result.error_examples.append(why)

        started = time.perf_counter()
        due, tasks = started, []
        while True:
            due += rng.expovariate(rate)
            if due - started >= seconds:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.ensure_future(one(due, *conversations.take())))
        await asyncio.gather(*tasks)
        result.elapsed_s = time.perf_counter() - started
    return result


def offered_load(
    urls: Sequence[str],
    source: ConversationSource,
    rates: Sequence[float],
    seconds: float,
    conversations: int = CONVERSATIONS,
    seed: int = 7,
) -> List[Dict[str, object]]:
    """One phase per offered rate (messages per second), lowest first, over the same conversations;
    stops after the first overloaded rate. `urls`: one or more Rasa servers."""
    in_progress = _Conversations(source, conversations, random.Random(seed))
    table: List[Dict[str, object]] = []
    for number, rate in enumerate(rates):
        result = asyncio.run(_offer(urls, in_progress, rate, seconds, seed + number))
        summary = result.summary()
        table.append(summary)
        latency = summary["latency_ms"]
        print(
            f"[bench] offered {rate:g}/s for {seconds:.0f} s: served {summary['served_per_s']}/s, "
            f"{result.errors} errors, p50 {latency['median']} ms, p95 {latency['p95']} ms, "
            f"p99 {latency['p99']} ms",
            flush=True,
        )
        if latency["p95"] is not None and latency["p95"] > OVERLOADED_P95_MS:
            break
        time.sleep(2)  # let what is still queued drain before the next rate
    return table


def converse_many(url: str, source: ConversationSource, conversations: int, concurrency: int = 20) -> int:
    """Many whole short conversations, `concurrency` at a time, as fast as they are answered: the
    conversations of a long stretch of use, to see what the servers keep. Returns the errors."""

    async def run() -> int:
        errors = 0
        queue: asyncio.Queue = asyncio.Queue()
        for _ in range(conversations):
            queue.put_nowait(source.next())
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with aiohttp.ClientSession(timeout=timeout) as session:

            async def worker() -> None:
                nonlocal errors
                while not queue.empty():
                    conversation = queue.get_nowait()
                    sender = f"bench-{uuid.uuid4().hex}"
                    for turn in conversation.turns[:3]:
                        ok, _ = await send(session, url, sender, turn.text)
                        errors += not ok

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return errors

    return asyncio.run(run())


def first_reply(url: str, timeout: float = 120) -> Tuple[float, int]:
    """Sends a greeting until one is answered; (seconds it took, failed attempts)."""

    async def attempt() -> bool:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as session:
            ok, _ = await send(session, url, f"bench-start-{uuid.uuid4().hex}", "hello")
            return ok

    started = time.perf_counter()
    failures = 0
    while time.perf_counter() - started < timeout:
        if asyncio.run(attempt()):
            return time.perf_counter() - started, failures
        failures += 1
        time.sleep(0.2)
    raise RuntimeError(f"no reply from {url} within {timeout:.0f} s")
