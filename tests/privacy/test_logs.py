"""Logs keep nothing she wrote on the paths where text leaks: another library's debug line, an
exception's message (ours or theirs), a Python warning, an uncaught exception in a thread or the
main program (bot/runtime/logs.py). Run in a child process: the log factory is process-wide."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bot.settings import PROJECT_ROOT
from tests.privacy.traces import find_traces

CANARY = "ຂ້ອຍຖືກຂັງ-canary-หนูถูกขัง"

PROGRAM = textwrap.dedent(
    f"""
    import json, logging, threading, warnings
    from bot.runtime.logs import keep_text_out_of_logs

    WITH_LOGS = __import__("sys").argv[1] == "on"
    if WITH_LOGS:
        keep_text_out_of_logs(level=logging.DEBUG)
    else:
        logging.basicConfig(level=logging.DEBUG)
    text = {CANARY!r}
    logging.getLogger("rasa.core.processor").debug("Received user message %r", text)
    logging.getLogger("rasa_sdk.executor").error(json.dumps({{"tracker": {{"text": text}}}}))
    try:
        {{}}[text]
    except KeyError:
        logging.getLogger("bot.gateway.server").exception("a reply could not be made")
        logging.getLogger("sanic.error").exception("Exception occurred while handling uri")
    warnings.warn(f"unparsable payload {{text}}")
    thread = threading.Thread(target=lambda: int(text))
    thread.start()
    thread.join()
    raise RuntimeError(text)
    """
)


def run(logs: str) -> str:
    finished = subprocess.run(
        [sys.executable, "-c", PROGRAM, logs], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    return finished.stdout + finished.stderr


def test_no_path_writes_her_text_into_the_log(tmp_path: Path) -> None:
    output = run("on")
    (tmp_path / "run.log").write_text(output, encoding="utf-8")
    assert find_traces([tmp_path], [CANARY]) == []
    assert output.count("withheld") == 4  # each of the four foreign records was logged, withheld
    assert "KeyError at <string>:" in output and "a reply could not be made" in output  # ours, still useful
    assert "an exception ended a thread (ValueError at" in output
    assert "an exception ended the process (RuntimeError at" in output


def test_the_search_finds_the_text_when_the_logs_are_not_protected(tmp_path: Path) -> None:
    (tmp_path / "run.log").write_text(run("off"), encoding="utf-8")
    assert {form for _, _, form in find_traces([tmp_path], [CANARY])} >= {"raw", "escaped"}
