"""Guided stories for volunteers, from data/demo_scenarios.yml (staff edit it; this checks it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from bot.settings import PROJECT_ROOT
from bot.vocabulary import LANGUAGES

SCENARIOS_FILE = PROJECT_ROOT / "data" / "demo_scenarios.yml"
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


class ScenarioError(ValueError):
    """The file is malformed; the message says which scenario and what."""


@dataclass(frozen=True)
class Step:
    intent: str
    text: Dict[str, str]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: Dict[str, str]
    story: Dict[str, str]
    steps: Tuple[Step, ...]

    def for_page(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "story": self.story,
            "steps": [step.text for step in self.steps],
        }


def _texts(raw: Any, where: str) -> Dict[str, str]:
    if not isinstance(raw, dict) or any(
        not isinstance(raw.get(lang), str) or not raw[lang].strip() for lang in LANGUAGES
    ):
        raise ScenarioError(f"{where} needs a text in each of {', '.join(LANGUAGES)}")
    return {lang: raw[lang].strip() for lang in LANGUAGES}


def _intents() -> set:
    return set(yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["intents"])


def load_scenarios(path: Path = SCENARIOS_FILE) -> List[Scenario]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ScenarioError(f"{path}: cannot read it ({error})") from None
    items = raw.get("scenarios") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise ScenarioError(f"{path}: needs a list under 'scenarios:'")
    intents, seen, scenarios = _intents(), set(), []
    for number, item in enumerate(items, 1):
        ident = str((item or {}).get("id", ""))
        where = f"{path.name}, scenario {number} ({ident or 'no id'})"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", ident) or ident in seen:
            raise ScenarioError(f"{where}: the id must be lower_snake_case and unique")
        seen.add(ident)
        title, story = (
            _texts(item.get("title"), f"{where}: title"),
            _texts(item.get("story"), f"{where}: story"),
        )
        steps = item.get("steps")
        if not isinstance(steps, list) or not steps:
            raise ScenarioError(f"{where}: needs steps")
        parsed = []
        for index, step in enumerate(steps, 1):
            intent = (step or {}).get("intent")
            if intent not in intents:
                raise ScenarioError(f"{where}, step {index}: intent {intent!r} is not in domain.yml")
            parsed.append(Step(intent, _texts(step, f"{where}, step {index}")))
        scenarios.append(Scenario(ident, title, story, tuple(parsed)))
    return scenarios
