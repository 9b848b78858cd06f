"""Intent accuracy and macro-F1 per split of the held-out data (tests/nlu_holdout/).

The held-out files are written apart from the training data and never trained on: one per
language, and one each for Lao written in Latin letters (lo_latn) and in Thai letters (lo_thai).
A prediction of `nlu_fallback` counts as wrong: she would not get her answer.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from bot.settings import PROJECT_ROOT
from bot.vocabulary import LANGUAGES

HOLDOUT_DIR = PROJECT_ROOT / "tests" / "nlu_holdout"
# The lowest macro-F1 each split may have: `make test` and `make eval` fail below it.
MIN_MACRO_F1 = {"lo": 0.90, "th": 0.90, "en": 0.90, "lo_latn": 0.85, "lo_thai": 0.85}
SPLITS = tuple(MIN_MACRO_F1)


@dataclass
class LanguageScore:
    examples: int
    accuracy: float
    macro_f1: float
    confused: List[Tuple[str, str, int]] = field(default_factory=list)


def load_holdout(split: str, holdout_dir: Path = HOLDOUT_DIR) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(holdout_dir / f"{split}.yml"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def score(truth: Sequence[str], predicted: Sequence[str], most_confused: int = 5) -> LanguageScore:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(truth))
    pairs = Counter((t, p) for t, p in zip(truth, predicted, strict=False) if t != p)
    return LanguageScore(
        examples=len(truth),
        accuracy=round(float(accuracy_score(truth, predicted)), 4),
        macro_f1=round(float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4),
        confused=[(t, p, n) for (t, p), n in pairs.most_common(most_confused)],
    )


@cache
def _agent(model_path: Path) -> Any:
    """Loaded once per process: the held-out split and the demo stories share it."""
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


async def _predict(model_path: Path, texts: List[str]) -> List[str]:
    agent = _agent(model_path)
    return [(await agent.parse_message(text))["intent"]["name"] for text in texts]


def misread_story_steps(model_path: Path) -> List[str]:
    """The demo page's story steps (data/demo_scenarios.yml) that the model reads as another
    intent: staff edit that file, and a story whose step is misread falls flat at a meeting."""
    from bot.gateway.web.scenarios import load_scenarios

    steps = [
        (scenario.id, number, lang, step)
        for scenario in load_scenarios()
        for number, step in enumerate(scenario.steps, 1)
        for lang in LANGUAGES
    ]
    predicted = asyncio.run(_predict(model_path, [step.text[lang] for *_, lang, step in steps]))
    return [
        f"{ident} step {number} [{lang}]: read as {got}, meant as {step.intent}"
        for (ident, number, lang, step), got in zip(steps, predicted, strict=True)
        if got != step.intent
    ]


def evaluate(model_path: Path, holdout_dir: Path = HOLDOUT_DIR) -> Dict[str, LanguageScore]:
    examples = {split: load_holdout(split, holdout_dir) for split in SPLITS}
    texts = [text for split in SPLITS for text, _ in examples[split]]
    predictions = iter(asyncio.run(_predict(model_path, texts)))
    scores = {}
    for split in SPLITS:
        truth = [intent for _, intent in examples[split]]
        scores[split] = score(truth, [next(predictions) for _ in truth])
    return scores


def failing_splits(scores: Dict[str, LanguageScore]) -> List[str]:
    return [split for split, s in scores.items() if s.macro_f1 < MIN_MACRO_F1[split]]


def report(scores: Dict[str, LanguageScore]) -> str:
    lines = ["split     examples  accuracy  macro-F1  at least"]
    for lang, s in scores.items():
        lines.append(
            f"{lang:<9} {s.examples:>8}  {s.accuracy:>8.3f}  {s.macro_f1:>8.3f}  {MIN_MACRO_F1[lang]:>8.2f}"
        )
    for lang, s in scores.items():
        for truth, predicted, count in s.confused:
            lines.append(f"  {lang}: {truth} -> {predicted} ({count}x)")
    return "\n".join(lines)


def write_json(scores: Dict[str, LanguageScore], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({lang: asdict(s) for lang, s in scores.items()}, indent=2), encoding="utf-8")
