"""`rasa data validate`, strict: any warning about the data fails.

One warning is Rasa's blind spot rather than a data problem: it calls a
response "not used in any story or rule" when a custom action sends it, or when
a form asks for a slot with it (`utter_ask_<slot>`). Such a warning is accepted
only when the response really is sent by an action in actions/ or asked by a
form in the domain; every other warning fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Set

import yaml

from bot.settings import PROJECT_ROOT, child_environment

UNUSED = re.compile(r"The utterance '([^']+)' is not used in any story or rule\.")
WARNING = re.compile(r"UserWarning: (.+)")
SENT_BY_CODE = re.compile(r"""["'](utter_[a-z0-9_]+)["']""")
# Where responses are sent from code: the actions, and the hand-off's plan they follow.
CODE_SENDING_RESPONSES = ("actions", "bot/contacts")


def responses_sent_by_code(root: Path = PROJECT_ROOT) -> Set[str]:
    sent = set()
    for folder in CODE_SENDING_RESPONSES:
        for path in (root / folder).rglob("*.py"):
            sent.update(SENT_BY_CODE.findall(path.read_text(encoding="utf-8")))
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    for form in (domain.get("forms") or {}).values():
        sent.update(f"utter_ask_{slot}" for slot in form.get("required_slots") or [])
    return sent


def unexplained_warnings(output: str, sent_by_code: Set[str]) -> List[str]:
    problems = []
    for message in WARNING.findall(output):
        unused = UNUSED.search(message)
        if unused and unused.group(1) in sent_by_code:
            continue
        problems.append(message.strip())
    return problems


def validate(data: Iterable[str]) -> int:
    command = [
        sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
        "--config", "config.yml", "--domain", "domain.yml", "--data", *data,
    ]  # fmt: skip
    env = child_environment("train")
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    problems = unexplained_warnings(output, responses_sent_by_code())
    for problem in problems:
        print(f"warning: {problem}")
    if result.returncode != 0:
        print(output[-4000:])
        print(f"rasa data validate failed (exit {result.returncode})")
        return 1
    if problems:
        print(f"{len(problems)} warning(s) about the data")
        return 1
    print("training data and domain: no warnings")
    return 0
