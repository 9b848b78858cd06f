"""Where the time of a message goes, measured inside one process.

The Rasa server runs without its HTTP API, so /model/parse cannot time the NLU alone. Instead
the same model is loaded here with the same NLG and action endpoint as the server, and

- every node of Rasa's graph (each NLU component, each policy) is timed through a graph hook;
- the NLG (rendering responses), the HTTP round trips to the action server and Rasa's check of
  the action server's answer (a JSON-schema validation) are timed by wrapping them;
- one pass runs under cProfile, for the functions that use the CPU.

Comparing the in-process time of a message with its end-to-end time through the REST channel at
one conversation shows what HTTP and the server around the agent add; comparing it with the
latency under load shows queueing.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import re
import sys
import time
import uuid
import warnings
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import numpy as np

from bench.conversations import ConversationSource
from bot.evaluation import load_holdout
from bot.settings import PROJECT_ROOT
from bot.vocabulary import LANGUAGES

NLG_TYPE = "bot.nlg.TranslatingNLG"  # as in endpoints.yml
_NODE_INDEX = re.compile(r"\d+$")


@dataclass
class StageTimer:
    """Seconds per stage; `in_nlu` tells graph nodes run by the NLU from those run by the policies."""

    seconds: Dict[str, float] = field(default_factory=lambda: defaultdict(float))
    in_nlu: bool = False

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] += seconds

    def reset(self) -> None:
        self.seconds = defaultdict(float)


def _node_hook(timer: StageTimer) -> Any:
    from rasa.engine.graph import GraphNodeHook

    class NodeTimingHook(GraphNodeHook):
        """Times each graph node (component or policy) as it runs."""

        def on_before_node(
            self, node_name: str, execution_context: Any, config: Any, received_inputs: Any
        ) -> Dict[str, float]:
            return {"started": time.perf_counter()}

        def on_after_node(
            self, node_name: str, execution_context: Any, config: Any, output: Any, input_hook_data: Dict
        ) -> None:
            name = _NODE_INDEX.sub("", node_name.removeprefix("run_")).rsplit(".", 1)[-1]
            group = "nlu" if timer.in_nlu else "dialogue"
            timer.add(f"{group}:{name}", time.perf_counter() - input_hook_data["started"])

    return NodeTimingHook()


@contextmanager
def _instrumented(agent: Any, timer: StageTimer) -> Iterator[None]:
    """Times the stages of this agent's message handling; undone on exit."""
    from rasa.utils.endpoints import EndpointConfig

    processor = agent.processor
    hook = _node_hook(timer)
    nodes = list(getattr(processor.graph_runner, "_instantiated_nodes", {}).values())
    for node in nodes:
        node._hooks.append(hook)

    from rasa.core.actions.action import RemoteAction

    parse_message = processor.parse_message
    generate = processor.nlg.generate
    request = EndpointConfig.request
    validate = RemoteAction._validate_action_result

    async def timed_parse(*args: Any, **kwargs: Any) -> Any:
        timer.in_nlu = True
        started = time.perf_counter()
        try:
            return await parse_message(*args, **kwargs)
        finally:
            timer.in_nlu = False
            timer.add("nlu", time.perf_counter() - started)

    async def timed_generate(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await generate(*args, **kwargs)
        finally:
            timer.add("nlg", time.perf_counter() - started)

    async def timed_request(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await request(self, *args, **kwargs)
        finally:
            timer.add("action_server", time.perf_counter() - started)

    def timed_validate(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return validate(*args, **kwargs)
        finally:
            timer.add("action_response_validation", time.perf_counter() - started)

    processor.parse_message = timed_parse
    processor.nlg.generate = timed_generate
    EndpointConfig.request = timed_request  # only the action endpoint makes requests here
    RemoteAction._validate_action_result = timed_validate
    try:
        yield
    finally:
        RemoteAction._validate_action_result = validate
        EndpointConfig.request = request
        del processor.nlg.generate
        del processor.parse_message
        for node in nodes:
            node._hooks.remove(hook)


def _per_message(timer: StageTimer, messages: int) -> Dict[str, float]:
    """Stage totals as ms per message, so runs of different lengths compare."""
    return {stage: round(seconds * 1000 / messages, 2) for stage, seconds in sorted(timer.seconds.items())}


async def _handle(agent: Any, sender: str, text: str) -> float:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    message = UserMessage(
        text, CollectingOutputChannel(), sender, input_channel="rest", metadata={"channel": "rest"}
    )
    started = time.perf_counter()
    await agent.handle_message(message)
    return (time.perf_counter() - started) * 1000


async def _converse(agent: Any, source: ConversationSource, conversations: int) -> List[Tuple[str, float]]:
    """(message kind, ms) for each message of `conversations` whole conversations, one after another."""
    latencies = []
    for _ in range(conversations):
        conversation = source.next()
        sender = f"bench-profile-{uuid.uuid4().hex}"
        for turn in conversation.turns:
            latencies.append((turn.kind, await _handle(agent, sender, turn.text)))
    return latencies


def log_like_the_server(log_file: Path) -> None:
    """Rasa's logging in this process as `rasa run` sets it up (INFO, structlog), but into a file.
    Unconfigured, structlog prints every debug event: the evaluation would flood the console and
    the in-process timings would include rendering log lines the server never renders."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    handler = logging.FileHandler(log_file, encoding="utf-8")
    root = logging.getLogger()
    root.addHandler(handler)  # basicConfig inside configure_structlog then keeps this handler
    root.setLevel(logging.INFO)
    configure_structlog(logging.INFO)
    # Importing Rasa put its own warning filters first; the servers run with PYTHONWARNINGS=ignore.
    warnings.simplefilter("ignore")


_BUILTIN_OWNER = re.compile(r"(?:of '|method |function )([A-Za-z_][\w]*)")


def _package(filename: str, function: str) -> str:
    """Who owns a function: a site-package, a project file, or the standard library."""
    # C functions are named like <built-in method numpy.core...> or <method 'x' of 'numpy.ndarray' objects>.
    if filename == "~":
        owner = _BUILTIN_OWNER.search(function)
        name = owner.group(1) if owner else ""
        return name if name in sys.modules and name not in sys.stdlib_module_names else "Python built-ins"
    path = _short_path(filename)
    if "site-packages/" in filename:
        return path.split("/", 1)[0]
    if not path.startswith("/"):
        return path  # a project file
    return "Python standard library"


def _profile_tables(profile: cProfile.Profile, messages: int) -> Dict[str, Any]:
    """Own time by function and by package, and the project's own functions by cumulative time."""
    stats = pstats.Stats(profile)
    rows = []
    by_package: Dict[str, float] = defaultdict(float)
    for (filename, line, function), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, calls, _short_path(filename), line, function))
        by_package[_package(filename, function)] += tottime
    total = sum(by_package.values()) or 1.0

    def row(entry: Tuple[float, float, int, str, int, str]) -> Dict[str, Any]:
        tottime, cumtime, calls, path, line, function = entry
        return {
            "function": f"{function} ({path}:{line})",
            "calls_per_message": round(calls / messages, 1),
            "own_ms_per_message": round(tottime * 1000 / messages, 2),
            "cumulative_ms_per_message": round(cumtime * 1000 / messages, 2),
        }

    project = sorted(
        (r for r in rows if r[3].startswith(("bot/", "actions/"))), key=lambda r: r[1], reverse=True
    )
    return {
        "messages": messages,
        "top_by_own_time": [row(r) for r in sorted(rows, reverse=True)[:15]],
        "own_time_by_package": [
            {
                "package": name,
                "ms_per_message": round(seconds * 1000 / messages, 2),
                "share": round(seconds / total, 3),
            }
            for name, seconds in sorted(by_package.items(), key=lambda kv: kv[1], reverse=True)[:12]
        ],
        "project_functions_by_cumulative_time": [row(r) for r in project[:8]],
    }


def _short_path(filename: str) -> str:
    marker = "site-packages/"
    if marker in filename:
        return filename.split(marker, 1)[1]
    try:
        return str(Path(filename).relative_to(PROJECT_ROOT))
    except ValueError:
        return filename


def _latency_summary(latencies: List[Tuple[str, float]]) -> Dict[str, Any]:
    values = [ms for _, ms in latencies]
    by_kind: Dict[str, List[float]] = defaultdict(list)
    for kind, ms in latencies:
        by_kind[kind].append(ms)
    return {
        "messages": len(values),
        "median_ms": round(float(np.median(values)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "mean_ms": round(float(np.mean(values)), 2),
        "median_ms_by_kind": {kind: round(float(np.median(v)), 2) for kind, v in sorted(by_kind.items())},
    }


async def _profile(
    model: Path, action_url: str, per_language: int, conversations: int, profiled_conversations: int
) -> Dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    agent = Agent.load(
        str(model),
        generator=EndpointConfig(type=NLG_TYPE),
        action_endpoint=EndpointConfig(url=f"{action_url}/webhook"),
    )
    source = ConversationSource(seed=11)
    await _converse(agent, source, 6)  # warm-up: TensorFlow traces its functions on first use
    timer = StageTimer()
    result: Dict[str, Any] = {}
    with _instrumented(agent, timer):
        # NLU alone, over the held-out messages.
        nlu_ms: Dict[str, List[float]] = {}
        for language in LANGUAGES:
            for text, _ in load_holdout(language)[:per_language]:
                started = time.perf_counter()
                await agent.parse_message(text)
                nlu_ms.setdefault(language, []).append((time.perf_counter() - started) * 1000)
        every = [ms for values in nlu_ms.values() for ms in values]
        result["nlu_alone"] = {
            "messages": len(every),
            "median_ms": round(float(np.median(every)), 2),
            "p95_ms": round(float(np.percentile(every, 95)), 2),
            "median_ms_by_language": {lang: round(float(np.median(v)), 2) for lang, v in nlu_ms.items()},
            "ms_per_message_by_stage": _per_message(timer, len(every)),
        }
        # Whole turns (NLU, dialogue, actions, NLG), as the server runs them, without HTTP in front.
        timer.reset()
        turns = await _converse(agent, source, conversations)
        result["full_turn"] = {
            **_latency_summary(turns),
            "ms_per_message_by_stage": _per_message(timer, len(turns)),
        }
    profile = cProfile.Profile()
    profile.enable()
    profiled = await _converse(agent, source, profiled_conversations)
    profile.disable()
    result["cprofile"] = _profile_tables(profile, len(profiled))
    return result


def profile_in_process(model: Path, action_url: str, quick: bool = False) -> Dict[str, Any]:
    """The breakdown of a message's time in process (see the module docstring); call
    log_like_the_server first, or the timings include debug logging."""
    per_language, conversations, profiled = (20, 8, 4) if quick else (10_000, 40, 20)
    from bot.runtime import rasa_speedups

    rasa_speedups.install()  # as bot/runtime/rasa_server.py does in the server
    print("[bench] profiling in process (NLU alone, whole turns, cProfile)", flush=True)
    return asyncio.run(_profile(model, action_url, per_language, conversations, profiled))
