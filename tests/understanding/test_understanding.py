"""Intent understanding on the held-out splits (the gate `make eval` reports): Lao, Thai, English, and
Lao written in Latin letters and in Thai letters, each with its own bar."""

from pathlib import Path

import pytest

from bot.evaluation import MIN_MACRO_F1, SPLITS, evaluate, misread_story_steps, report, write_json
from tests.conftest import TEST_OUTPUT


@pytest.fixture(scope="module")
def scores(model_path: Path):
    result = evaluate(model_path)
    write_json(result, TEST_OUTPUT / "eval.json")
    print(report(result))
    return result


@pytest.mark.parametrize("split", SPLITS)
def test_macro_f1_on_unseen_phrasings(scores, split: str) -> None:
    assert scores[split].examples >= 10 * 28  # at least ten for each of the 28 intents
    assert scores[split].macro_f1 >= MIN_MACRO_F1[split], report(scores)


def test_the_demo_stories_are_understood(model_path: Path, scores) -> None:
    """Every step of data/demo_scenarios.yml, in each language, is read as the intent it names."""
    assert misread_story_steps(model_path) == []
