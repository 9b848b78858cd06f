"""Closed-loop load through the REST channel, the way every front end talks to the assistant.

N workers each play one conversation after another, sending the next message as soon as the
reply to the last one arrives (no typing pauses unless --think-ms is given): N is the number of
conversations in progress at any moment. Every message is timed from sending the request to
having read the whole reply; a reply that is not HTTP 200 with at least one message is an error.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import aiohttp
import numpy as np

from bench.conversations import ConversationSource
from bot.rest_client import REST_WEBHOOK

REQUEST_TIMEOUT_S = 60
WINDOW_S = 10


@dataclass
class Sample:
    finished_at: float  # seconds since the start of the run
    latency_ms: float
    ok: bool
    language: str
    kind: str


@dataclass
class LoadResult:
    concurrency: int
    planned_s: float
    elapsed_s: float = 0.0
    conversations: int = 0
    samples: List[Sample] = field(default_factory=list)
    error_examples: List[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    @property
    def messages_per_s(self) -> float:
        return len(self.samples) / self.elapsed_s if self.elapsed_s else 0.0

    def window_rates(self) -> List[float]:
        """Messages per second in each full 10-second window: 'sustained' means none of them sags."""
        windows = int(self.planned_s // WINDOW_S)
        counts = [0] * windows
        for sample in self.samples:
            index = int(sample.finished_at // WINDOW_S)
            if index < windows:
                counts[index] += 1
        return [round(count / WINDOW_S, 1) for count in counts]

    def summary(self) -> Dict[str, object]:
        return {
            "concurrency": self.concurrency,
            "planned_s": self.planned_s,
            "elapsed_s": round(self.elapsed_s, 1),
            "conversations": self.conversations,
            "messages": len(self.samples),
            "errors": self.errors,
            "error_examples": self.error_examples,
            "messages_per_s": round(self.messages_per_s, 1),
            "window_messages_per_s": self.window_rates(),
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


async def _worker(
    session: aiohttp.ClientSession,
    url: str,
    source: ConversationSource,
    result: LoadResult,
    started: float,
    deadline: float,
    think_s: float,
) -> None:
    while time.perf_counter() < deadline:
        conversation = source.next()
        result.conversations += 1
        sender = f"bench-{uuid.uuid4().hex}"
        for turn in conversation.turns:
            if time.perf_counter() >= deadline:
                return
            sent = time.perf_counter()
            ok, why = await send(session, url, sender, turn.text)
            now = time.perf_counter()
            result.samples.append(
                Sample(now - started, (now - sent) * 1000, ok, conversation.language, turn.kind)
            )
            if not ok and len(result.error_examples) < 5:
                result.error_examples.append(why)
            if think_s:
                await asyncio.sleep(think_s)


async def _run(
    url: str, source: ConversationSource, concurrency: int, seconds: float, think_s: float
) -> LoadResult:
    result = LoadResult(concurrency=concurrency, planned_s=seconds)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        deadline = started + seconds
        workers = [
            _worker(session, url, source, result, started, deadline, think_s) for _ in range(concurrency)
        ]
        await asyncio.gather(*workers)
        result.elapsed_s = time.perf_counter() - started
    return result


def run_load(
    url: str, source: ConversationSource, concurrency: int, seconds: float, think_s: float = 0.0
) -> LoadResult:
    """`concurrency` conversations at a time for `seconds`; messages in flight at the end finish."""
    result = asyncio.run(_run(url, source, concurrency, seconds, think_s))
    latency = percentiles([s.latency_ms for s in result.samples])
    print(
        f"[bench] {concurrency:>3} conversations, {result.elapsed_s:.0f} s: {len(result.samples)} messages, "
        f"{result.messages_per_s:.1f}/s, {result.errors} errors, median {latency['median']} ms, "
        f"p95 {latency['p95']} ms",
        flush=True,
    )
    return result


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
