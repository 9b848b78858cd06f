"""The targets, the verdicts, and the two outputs: results/bench.md for people, bench.json for tools.

Findings are written from the measured numbers, so the report says where the time goes
without anyone having to read the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.memory import SERVERS

TARGET_MEMORY_MB = 1200  # all processes together after an hour of conversations (1 MB = 10^6 bytes)
TARGET_CAPACITY_PER_S = 60  # the highest offered rate served with p95 under 500 ms, no errors
CAPACITY_P95_MS = 500
TARGET_P95_AT_20_MS = 100
TARGET_TRAINING_S = 300


def _verdict(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def capacity(open_loop: List[Dict[str, Any]]) -> Optional[float]:
    """The highest offered rate answered with p95 under CAPACITY_P95_MS and no error; None if none."""
    good = [
        row["offered_per_s"]
        for row in open_loop
        if row["errors"] == 0
        and row["latency_ms"]["p95"] is not None
        and row["latency_ms"]["p95"] < CAPACITY_P95_MS
    ]
    return max(good) if good else None


def _at_rate(open_loop: List[Dict[str, Any]], rate: float) -> Optional[Dict[str, Any]]:
    return next((row for row in open_loop if row["offered_per_s"] == rate), None)


def memory_total(served: Dict[str, Any]) -> Optional[float]:
    """All processes together after the hour of conversations when it ran, else their largest sum."""
    if served.get("hour"):
        return served["hour"]["total_mb"]
    return served["memory"]["servers_peak_together_mb"] if served.get("memory") else None


def evaluate_targets(results: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Each target with its measured value and PASS / MISS (n/a when this run did not measure it)."""
    project = results.get("serving", {}).get("project", {})
    open_loop = project.get("open_loop", [])
    top = capacity(open_loop) if open_loop else None
    at_20 = _at_rate(open_loop, 20)
    p95_20 = at_20["latency_ms"]["p95"] if at_20 else None
    memory = memory_total(project) if project else None
    trained = results.get("training", {}).get("project")
    training = trained["seconds"] if trained else None
    tried = max((row["offered_per_s"] for row in open_loop), default=None)
    return [
        {
            "name": "capacity",
            "target": f"p95 < {CAPACITY_P95_MS} ms, no errors, at >= {TARGET_CAPACITY_PER_S} msg/s offered",
            "measured": None
            if not open_loop
            else (f"{top:g} msg/s" if top else "none of the rates")
            + (f" (highest tried: {tried:g})" if tried else ""),
            "result": _verdict(None if not open_loop else (top or 0) >= TARGET_CAPACITY_PER_S),
        },
        {
            "name": "latency",
            "target": f"p95 <= {TARGET_P95_AT_20_MS} ms at 20 messages/s offered",
            "measured": None if p95_20 is None else f"{p95_20:.0f} ms",
            "result": _verdict(None if p95_20 is None else p95_20 <= TARGET_P95_AT_20_MS),
        },
        {
            "name": "memory",
            "target": f"all processes <= {TARGET_MEMORY_MB / 1000:.1f} GB after an hour's conversations",
            "measured": None if memory is None else f"{memory:.0f} MB",
            "result": _verdict(None if memory is None else memory <= TARGET_MEMORY_MB),
        },
        {
            "name": "training",
            "target": f"training from cold <= {TARGET_TRAINING_S // 60} min",
            "measured": None if training is None else f"{training / 60:.1f} min",
            "result": _verdict(None if training is None else training <= TARGET_TRAINING_S),
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
    served = results["serving"]["project"]
    lowest = (served.get("open_loop") or [None])[0]
    if lowest:
        e2e = lowest["latency_ms"]["median"]
        out.append(
            f"End to end at {lowest['offered_per_s']:g} messages/s the median is {e2e:.0f} ms against "
            f"{turn['median_ms']:.0f} ms in process: HTTP, Sanic, the REST channel and the statistics "
            f"broker add about {e2e - turn['median_ms']:.0f} ms."
        )
    cores = served.get("cpu_cores", {})
    if cores:
        out.append(
            "CPU cores used over the open-loop phases: "
            + ", ".join(f"{name} {value:.2f}" for name, value in cores.items())
            + f"; the whole machine {served.get('cpu_cores_whole_machine', 0.0):.2f} of "
            f"{results['meta']['cores']}. Rasa runs its Python work on one event loop, so at {mean:.0f} ms "
            f"of work per message one server process tops out near {1000 / mean:.0f} messages/s."
        )
    return out


def findings(results: Dict[str, Any], targets: List[Dict[str, Any]]) -> List[str]:
    """Plain sentences on where the time and memory go, for every target missed."""
    missed = {t["name"] for t in targets if t["result"] == "MISS"}
    out: List[str] = []
    project = results.get("serving", {}).get("project", {})
    profile = project.get("profile")
    if missed & {"latency", "capacity"} and profile:
        out += _time_findings(results, profile)
    if "memory" in missed and project.get("memory"):
        peaks = project["memory"]["peak_rss_mb"]
        out.append(
            "Memory peaks: " + ", ".join(f"{name} {peaks.get(name, 0):.0f} MB" for name in SERVERS) + "."
        )
        steps = [step for step in results.get("memory_steps", []) if step["added_mb"] >= 20]
        if steps:
            out.append(
                "What a Rasa server process holds (a probe process built up step by step): "
                + ", ".join(f"{step['step']} +{step['added_mb']:.0f} MB" for step in steps)
                + "."
            )
        chain = project.get("action_server_tensorflow_import_chain")
        if chain:
            out.append(
                "The action server has TensorFlow loaded although no action uses it; the import that brings "
                "it in: " + " -> ".join(chain[:5]) + " -> ... -> tensorflow."
            )
    if "training" in missed:
        trained = results["training"]["project"]
        slow = sorted(trained["components"], key=lambda c: c["seconds"], reverse=True)[:4]
        out.append(
            "Training time goes to: "
            + ", ".join(f"{c['component']} {c['seconds']:.0f} s" for c in slow)
            + f", of {trained['seconds']:.0f} s in all (the rest: start-up, loading data, saving the model)."
        )
    return out


def _table(header: List[str], rows: List[List[Any]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return lines


def _target_cell(targets: List[Dict[str, Any]], name: str) -> str:
    target = next(t for t in targets if t["name"] == name)
    return f"{target['target']}: **{target['result']}**"


def _open_loop_table(open_loop: List[Dict[str, Any]]) -> List[str]:
    rows = [
        [
            f"{row['offered_per_s']:g} msg/s",
            f"{row['served_per_s']:.1f}",
            row["latency_ms"]["median"],
            row["latency_ms"]["p95"],
            row["latency_ms"]["p99"],
            row["errors"],
        ]
        for row in open_loop
    ]
    return _table(["offered", "served msg/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows)


def _serving_sections(results: Dict[str, Any]) -> List[str]:
    serving = results.get("serving", {})
    targets = results["targets"]
    meta = results["meta"]
    md = [
        "## Open-loop load (end to end through the REST channel: NLU, dialogue, actions, NLG)",
        "",
        f"Messages arrive at random (Poisson) at each offered rate for {meta['seconds_per_rate']:g} s, "
        "spread over 200 conversations in progress, each in one language (lo, th or en), a greeting, "
        "two to four topic questions from the held-out files, sometimes a hotline question and a "
        "thank-you; each message is timed from when it was due. A rate whose p95 passes 5 s ends the table.",
        "",
    ]
    for label, served in serving.items():
        md += [
            f"**{label} pipeline** (highest rate with p95 < {CAPACITY_P95_MS} ms and no errors: "
            f"{capacity(served.get('open_loop', [])) or 'none'}):",
            "",
        ]
        md += _open_loop_table(served.get("open_loop", []))
        md += [""]
        for row in served.get("open_loop", []):
            if row["error_examples"]:
                md += [f"Errors at {row['offered_per_s']:g}/s, e.g.: " + "; ".join(row["error_examples"]), ""]
    project = serving.get("project", {})
    at_20 = _at_rate(project.get("open_loop", []), 20)
    if at_20:
        by_kind = ", ".join(f"{k} {v} ms" for k, v in at_20["median_ms_by_kind"].items())
        by_language = ", ".join(f"{k} {v} ms" for k, v in at_20["median_ms_by_language"].items())
        md += [
            f"Project pipeline at 20 msg/s, median by message kind: {by_kind}; by language: {by_language} "
            "(action = answered through the action server).",
            "",
        ]
    md += [
        f"Targets: {_target_cell(targets, 'capacity')}; {_target_cell(targets, 'latency')}.",
        "",
        "## Memory (resident set of each process with its children)",
        "",
    ]
    header = (
        ["process"]
        + [f"{label}: peak" for label in serving]
        + [f"{label}: after the hour" for label in serving]
    )
    rows = []
    for name in SERVERS:
        row: List[Any] = [name]
        row += [f"{s['memory']['peak_rss_mb'].get(name, 0):.0f} MB" for s in serving.values()]
        row += [f"{(s.get('hour') or {}).get('rss_mb', {}).get(name, 0):.0f} MB" for s in serving.values()]
        rows.append(row)
    together = ["all together"]
    together += [f"{s['memory']['servers_peak_together_mb']:.0f} MB" for s in serving.values()]
    together += [f"{(s.get('hour') or {}).get('total_mb', 0):.0f} MB" for s in serving.values()]
    md += _table(header, rows + [together])
    hour = project.get("hour")
    if hour:
        md += [
            "",
            f"The hour: {hour['conversations']} new conversations of up to three messages (two new "
            f"conversations a second for an hour), sent as fast as answered ({hour['seconds']} s, "
            f"{hour['errors']} errors), after the open-loop phases.",
        ]
    md += ["", f"Target: {_target_cell(targets, 'memory')}.", ""]
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
    return md


def _scaling_section(scaling: Dict[str, Any]) -> List[str]:
    md = ["## One Rasa server and two (conversations shared through Redis)", ""]
    if "skipped" in scaling:
        return md + [f"Not measured: {scaling['skipped']}.", ""]
    md += [
        "The project pipeline, the same open-loop rates, each conversation on one server (as the gateway "
        "routes them); both rows keep conversations in a throw-away Redis server, so the difference is "
        "the second server alone. On this machine both servers share the same cores.",
        "",
    ]
    for count, served in scaling.items():
        open_loop = served["open_loop"]
        md += [
            f"**{count} Rasa server{'s' if count != '1' else ''}** (highest rate with p95 < "
            f"{CAPACITY_P95_MS} ms and no errors: {capacity(open_loop) or 'none'}; Rasa resident "
            f"{served['rasa_rss_mb']} MB in all):",
            "",
        ]
        md += _open_loop_table(open_loop) + [""]
    return md


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

    md += _serving_sections(results)
    if results.get("scaling"):
        md += _scaling_section(results["scaling"])
    md += ["## Time", ""]
    rows = []
    for label, run in results.get("training", {}).items():
        rows.append([f"training, {label} pipeline (cold: empty caches)", f"{run['seconds']:.0f} s"])
    startup = results.get("serving", {}).get("project", {}).get("startup")
    if startup:
        rows.append(["start-up: spawn to all servers healthy", f"{startup['servers_ready_s']:.1f} s"])
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

    profile = results.get("serving", {}).get("project", {}).get("profile")
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
