"""The targets, the verdicts, and the two outputs: results/bench.md for people, bench.json for tools.

Findings are written from the measured numbers, so the report says where the time goes
without anyone having to read the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.memory import ACTION_SERVER, RASA_SERVER

TARGET_P95_MS = 200
TARGET_P95_CONCURRENCY = 10
TARGET_MESSAGES_PER_S = 40
TARGET_MEMORY_MB = 1500  # 1.5 GB, decimal like every figure here (1 MB = 10^6 bytes)
TARGET_TRAINING_S = 600


def _verdict(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def _level(results: Dict[str, Any], concurrency: int) -> Optional[Dict[str, Any]]:
    return next((r for r in results.get("latency", []) if r["concurrency"] == concurrency), None)


def evaluate_targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Each target with its measured value and PASS / MISS (n/a when this run did not measure it)."""
    level = _level(results, TARGET_P95_CONCURRENCY)
    p95 = level["latency_ms"]["p95"] if level else None
    throughput = results.get("throughput")
    rate = throughput["messages_per_s"] if throughput else None
    errors = throughput["errors"] if throughput else None
    memory = results["memory"]["servers_sum_of_peaks_mb"] if results.get("memory") else None
    project = results.get("training", {}).get("project")
    training = project["seconds"] if project else None
    return [
        {
            "name": "latency",
            "target": f"p95 < {TARGET_P95_MS} ms at {TARGET_P95_CONCURRENCY} concurrent conversations",
            "measured": None if p95 is None else f"{p95:.0f} ms",
            "result": _verdict(None if p95 is None else p95 < TARGET_P95_MS),
        },
        {
            "name": "throughput",
            "target": f">= {TARGET_MESSAGES_PER_S} messages/s sustained, no errors",
            "measured": None if rate is None else f"{rate:.1f} messages/s, {errors} errors",
            "result": _verdict(None if rate is None else rate >= TARGET_MESSAGES_PER_S and errors == 0),
        },
        {
            "name": "memory",
            "target": f"all server processes together < {TARGET_MEMORY_MB / 1000:.1f} GB",
            "measured": None if memory is None else f"{memory:.0f} MB",
            "result": _verdict(None if memory is None else memory < TARGET_MEMORY_MB),
        },
        {
            "name": "training",
            "target": f"full training < {TARGET_TRAINING_S // 60} min",
            "measured": None if training is None else f"{training / 60:.1f} min",
            "result": _verdict(None if training is None else training < TARGET_TRAINING_S),
        },
    ]


def _time_findings(results: Dict[str, Any], profile: Dict[str, Any]) -> List[str]:
    """Where a message's time goes, from the in-process profile and the load phases."""
    out: List[str] = []
    turn = profile["full_turn"]
    stages = turn["ms_per_message_by_stage"]
    mean = turn["mean_ms"] or 1.0
    nlu = stages.get("nlu", 0.0)
    components = sorted(
        ((k.split(":", 1)[1], v) for k, v in stages.items() if k.startswith("nlu:")),
        key=lambda kv: kv[1],
        reverse=True,
    )
    policies = sum(v for k, v in stages.items() if k.startswith("dialogue:"))
    actions = stages.get("action_server", 0.0)
    validation = stages.get("action_response_validation", 0.0)
    nlg = stages.get("nlg", 0.0)
    rest = max(mean - nlu - policies - actions - validation - nlg, 0.0)
    top = ", ".join(f"{name} {ms:.1f}" for name, ms in components[:4])
    graph = max(nlu - sum(ms for _, ms in components), 0.0)
    out.append(
        f"In process, a message costs {mean:.1f} ms on average (median {turn['median_ms']:.1f} ms): "
        f"NLU {nlu:.1f} ms ({nlu / mean:.0%}; of it {top} ms, Rasa's graph runner around the components "
        f"{graph:.1f} ms), policies {policies:.1f} ms, "
        f"action server round trips {actions:.1f} ms, Rasa validating the action server's answers "
        f"{validation:.1f} ms, NLG {nlg:.1f} ms, the rest (tracker, events, logging) {rest:.1f} ms."
    )
    by_kind = turn.get("median_ms_by_kind", {})
    if by_kind:
        out.append(
            "In process, median by message kind: "
            + ", ".join(f"{kind} {ms:.0f} ms" for kind, ms in by_kind.items())
            + " (action = answered through the action server)."
        )
    nlu_alone = profile.get("nlu_alone", {})
    if nlu_alone:
        by_language = ", ".join(f"{k} {v:.1f} ms" for k, v in nlu_alone["median_ms_by_language"].items())
        out.append(
            f"NLU alone on the held-out messages: median {nlu_alone['median_ms']:.1f} ms ({by_language})."
        )
    packages = profile.get("cprofile", {}).get("own_time_by_package", [])[:5]
    if packages:
        out.append(
            "CPU time by owner (cProfile, own time): "
            + ", ".join(f"{p['package']} {p['share']:.0%}" for p in packages)
            + "."
        )
    single = _level(results, 1)
    if single:
        e2e = single["latency_ms"]["median"]
        out.append(
            f"End to end at one conversation the median is {e2e:.0f} ms against {turn['median_ms']:.0f} ms "
            f"in process: HTTP, Sanic, the REST channel and the statistics broker add about "
            f"{e2e - turn['median_ms']:.0f} ms."
        )
    level = _level(results, TARGET_P95_CONCURRENCY)
    if level and "action" in level.get("median_ms_by_kind", {}):
        kinds, p95s = level["median_ms_by_kind"], level.get("p95_ms_by_kind", {})
        others = ", ".join(f"{k} {kinds[k]:.0f} / {p95s.get(k, 0):.0f}" for k in kinds if k != "action")
        in_process = turn.get("median_ms_by_kind", {}).get("action", 0.0)
        out.append(
            f"At {TARGET_P95_CONCURRENCY} conversations, median / p95 by message kind: action "
            f"{kinds['action']:.0f} / {p95s.get('action', 0):.0f} ms, {others} ms. An action turn costs "
            f"{in_process:.0f} ms in process; under load it is slower because while it awaits the action "
            "server the event loop serves the other waiting messages, and the turn then queues behind them "
            "again."
        )
    throughput = results.get("throughput")
    if throughput:
        rasa_cores = throughput.get("cpu_cores", {}).get(RASA_SERVER, 0.0)
        saturated = "CPU-bound" if rasa_cores >= 0.85 else "not CPU-bound: something else limits it"
        out.append(
            f"Under full load the Rasa process used {rasa_cores:.2f} cores ({saturated}); the action server "
            f"{throughput.get('cpu_cores', {}).get(ACTION_SERVER, 0.0):.2f}; the whole machine "
            f"{throughput.get('cpu_cores_whole_machine', 0.0):.2f} of {results['meta']['cores']}. "
            f"Rasa runs its Python work on one event loop (TensorFlow and NumPy add threads of their own), "
            f"so at {mean:.0f} ms of work per message one server process tops out near "
            f"{1000 / mean:.0f} messages/s, and with {TARGET_P95_CONCURRENCY} conversations a message waits "
            f"behind the others: latency grows with the queue, not with the message."
        )
    return out


def findings(results: Dict[str, Any], targets: List[Dict[str, Any]]) -> List[str]:
    """Plain sentences on where the time and memory go, for every target missed."""
    missed = {t["name"] for t in targets if t["result"] == "MISS"}
    out: List[str] = []
    profile = results.get("profile")
    if missed & {"latency", "throughput"} and profile:
        out += _time_findings(results, profile)
    if "memory" in missed and results.get("memory"):
        peaks = results["memory"]["peak_rss_mb"]
        out.append(
            f"Memory: the Rasa server peaked at {peaks.get(RASA_SERVER, 0):.0f} MB, the action server at "
            f"{peaks.get(ACTION_SERVER, 0):.0f} MB."
        )
        steps = [step for step in results.get("memory_steps", []) if step["added_mb"] >= 20]
        if steps:
            out.append(
                "What a Rasa server process holds (a probe process built up step by step): "
                + ", ".join(f"{step['step']} +{step['added_mb']:.0f} MB" for step in steps)
                + "."
            )
        chain = results.get("action_server_tensorflow_import_chain")
        if chain:
            out.append(
                "The action server has TensorFlow loaded although no action uses it; the import that brings "
                "it in: "
                + " -> ".join(chain[:5])
                + " -> ... -> tensorflow. Without it the action server would need "
                "only what rasa_sdk and the actions themselves use."
            )
    if "training" in missed:
        project = results["training"]["project"]
        slow = sorted(project["components"], key=lambda c: c["seconds"], reverse=True)[:4]
        out.append(
            "Training time goes to: "
            + ", ".join(f"{c['component']} {c['seconds']:.0f} s" for c in slow)
            + f", of {project['seconds']:.0f} s in all (the rest: start-up, loading data, saving the model)."
        )
    return out


def _table(header: List[str], rows: List[List[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return lines


def _target_cell(targets: List[Dict[str, Any]], name: str) -> str:
    target = next(t for t in targets if t["name"] == name)
    return f"{target['target']}: **{target['result']}**"


def markdown(results: Dict[str, Any]) -> str:
    meta = results["meta"]
    targets = results["targets"]
    md: List[str] = [
        "# Benchmark",
        "",
        f"{meta['mode']} run, {meta['finished']}, commit {meta['commit']} (model inputs "
        f"{meta['model_inputs_fingerprint']}), {meta['cores']} cores, "
        f"{meta['memory_gb']} GB RAM; load average {meta['load_before']} before, {meta['load_after']} after. "
        "The machine is shared with other work, so the figures may be noisy.",
        "",
        "## Targets",
        "",
        *_table(
            ["target", "measured", "result"], [[t["target"], t["measured"], t["result"]] for t in targets]
        ),
        "",
    ]

    md += ["## Understanding (held-out split, tests/nlu_holdout/)", ""]
    understanding = results["understanding"]
    labels = list(understanding)
    header = ["language", "examples"]
    for label in labels:
        header += [f"{label} accuracy", f"{label} macro-F1"]
    rows = []
    for language, first in understanding[labels[0]]["languages"].items():
        row: List[Any] = [language, first["examples"]]
        for label in labels:
            scores = understanding[label]["languages"][language]
            row += [f"{scores['accuracy']:.3f}", f"{scores['macro_f1']:.3f}"]
        rows.append(row)
    md += _table(header, rows)
    md += [
        "",
        "project = config.yml; stock = bench/stock_config.yml (the pipeline and policies `rasa init` "
        "writes), trained in this run on the same domain.yml and data/.",
        "",
    ]
    if results.get("stock_training_error"):
        md += [
            "The stock pipeline failed to train:",
            "",
            "```",
            results["stock_training_error"][-800:],
            "```",
            "",
        ]

    md += ["## Latency (end to end through the REST channel: NLU, dialogue, actions, NLG)", ""]
    rows = []
    for level in results.get("latency", []):
        latency = level["latency_ms"]
        rows.append(
            [
                level["concurrency"],
                f"{level['elapsed_s']:.0f} s",
                level["messages"],
                level["errors"],
                f"{level['messages_per_s']:.1f}",
                latency["median"],
                latency["p95"],
                latency["p99"],
                latency["max"],
            ]
        )
    md += _table(
        [
            "conversations",
            "duration",
            "messages",
            "errors",
            "msg/s",
            "median ms",
            "p95 ms",
            "p99 ms",
            "max ms",
        ],
        rows,
    )
    md += ["", f"Target: {_target_cell(targets, 'latency')}.", ""]
    for level in results.get("latency", []):
        if level["error_examples"]:
            md += [
                f"Errors at {level['concurrency']}, for example: " + "; ".join(level["error_examples"]),
                "",
            ]
    level = _level(results, TARGET_P95_CONCURRENCY) or (results.get("latency") or [None])[0]
    if level:
        by_kind = ", ".join(f"{k} {v} ms" for k, v in level["median_ms_by_kind"].items())
        by_language = ", ".join(f"{k} {v} ms" for k, v in level["median_ms_by_language"].items())
        md += [
            f"Median at {level['concurrency']} conversations by message kind: {by_kind}; by language: "
            f"{by_language}. (action = answered through the action server.)",
            "",
        ]
    md += [
        "Each conversation keeps to one language (lo, th or en, at random) and is a greeting, two to four "
        "topic questions and sometimes a hotline question and a thank-you or goodbye, all from the "
        "held-out files; each simulated person sends her next message as soon as the reply arrives "
        f"(closed loop, think time {results['meta']['think_ms']} ms).",
        "",
    ]

    md += ["## Throughput", ""]
    throughput = results.get("throughput")
    if throughput:
        md += _table(
            ["conversations", "duration", "messages", "errors", "msg/s", "slowest 10 s window", "p95 ms"],
            [
                [
                    throughput["concurrency"],
                    f"{throughput['elapsed_s']:.0f} s",
                    throughput["messages"],
                    throughput["errors"],
                    f"{throughput['messages_per_s']:.1f}",
                    f"{min(throughput['window_messages_per_s'] or [0]):.1f} msg/s",
                    throughput["latency_ms"]["p95"],
                ]
            ],
        )
        cores = ", ".join(f"{k} {v:.2f}" for k, v in throughput.get("cpu_cores", {}).items())
        md += [
            "",
            f"Target: {_target_cell(targets, 'throughput')}.",
            "",
            f"CPU cores in use meanwhile: {cores}.",
        ]
        if throughput["error_examples"]:
            md += ["", "Errors, for example: " + "; ".join(throughput["error_examples"])]
        md += [""]

    md += ["## Memory (peak resident set, each process with its children, sampled every 0.2 s)", ""]
    memory = results["memory"]
    md += _table(["process", "peak RSS"], [[k, f"{v:.0f} MB"] for k, v in memory["peak_rss_mb"].items() if v])
    md += [
        "",
        f"Both servers, sum of their peaks: {memory['servers_sum_of_peaks_mb']:.0f} MB (largest at one "
        f"moment: {memory['servers_peak_together_mb']:.0f} MB). Target: {_target_cell(targets, 'memory')}.",
        "",
    ]
    if results.get("memory_steps"):
        md += ["What one Rasa server process holds, measured in a probe process built up step by step:", ""]
        md += _table(
            ["step", "added", "resident"],
            [
                [s["step"], f"{s['added_mb']:.0f} MB", f"{s['rss_mb']:.0f} MB"]
                for s in results["memory_steps"]
            ],
        )
        md += [""]

    md += ["## Time", ""]
    rows = []
    for label, run in results.get("training", {}).items():
        rows.append([f"training, {label} pipeline (cold: empty caches)", f"{run['seconds']:.0f} s"])
    startup = results.get("startup")
    if startup:
        rows.append(["start-up: spawn to both servers healthy", f"{startup['servers_ready_s']:.1f} s"])
        rows.append(["start-up: spawn to the first reply", f"{startup['first_reply_s']:.1f} s"])
    md += _table(["what", "time"], rows)
    md += ["", f"Target: {_target_cell(targets, 'training')}.", ""]
    for label, run in results.get("training", {}).items():
        slow = sorted(run["components"], key=lambda c: c["seconds"], reverse=True)[:5]
        if slow:
            md.append(
                f"Slowest components ({label}): "
                + ", ".join(f"{c['component']} {c['seconds']:.0f} s" for c in slow)
            )
    md += [""]

    profile = results.get("profile")
    if profile:
        missed = [t["name"] for t in targets if t["result"] == "MISS"]
        why = f"targets missed: {', '.join(missed)}" if missed else "no target missed; for reference"
        md += [f"## Where the time goes (profile; {why})", ""]
        md += [f"- {line}" for line in results.get("findings", [])]
        turn = profile["full_turn"]
        md += [
            "",
            f"In process, per message (mean over {turn['messages']} messages of whole conversations, "
            f"same model, NLG and action server as the Rasa server; median {turn['median_ms']} ms, "
            f"p95 {turn['p95_ms']} ms):",
            "",
        ]
        stages = [(k, v) for k, v in turn["ms_per_message_by_stage"].items() if v >= 0.05]
        md += _table(["stage", "ms per message"], [[k, f"{v:.2f}"] for k, v in stages])
        nlu = profile["nlu_alone"]
        cprofile = profile["cprofile"]
        md += [
            "",
            f"NLU alone over {nlu['messages']} held-out messages: median {nlu['median_ms']} ms, "
            f"p95 {nlu['p95_ms']} ms.",
            "",
            f"cProfile over {cprofile['messages']} messages (profiling overhead inflates these), "
            "own time by owner:",
            "",
        ]
        md += _table(
            ["owner", "ms/msg", "share"],
            [
                [p["package"], p["ms_per_message"], f"{p['share']:.0%}"]
                for p in cprofile["own_time_by_package"]
            ],
        )
        md += ["", "Functions by own time:", ""]
        md += _function_table(cprofile["top_by_own_time"][:10])
        md += ["", "The project's own functions by cumulative time:", ""]
        md += _function_table(cprofile["project_functions_by_cumulative_time"])
        md += [""]
    return "\n".join(md)


def _function_table(rows: List[Dict[str, Any]]) -> List[str]:
    return _table(
        ["function", "calls/msg", "own ms/msg", "cumulative ms/msg"],
        [
            [
                f"`{r['function']}`",
                r["calls_per_message"],
                r["own_ms_per_message"],
                r["cumulative_ms_per_message"],
            ]
            for r in rows
        ],
    )


def write(results: Dict[str, Any], out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    md = out_dir / "bench.md"
    md.write_text(markdown(results) + "\n", encoding="utf-8")
    return md
