"""Intent understanding on the held-out split, per language (the gate `make eval` reports)."""

from pathlib import Path

import pytest

from bot.evaluation import MIN_MACRO_F1, evaluate, misread_story_steps, report, write_json
from tests.conftest import TEST_OUTPUT


@pytest.fixture(scope="module")
def scores(model_path: Path):
    result = evaluate(model_path)
    write_json(result, TEST_OUTPUT / "eval.json")
    print(report(result))
    return result


@pytest.mark.parametrize("language", ["lo", "th", "en"])
def test_macro_f1_on_unseen_phrasings(scores, language: str) -> None:
    assert scores[language].examples >= 250
    assert scores[language].macro_f1 >= MIN_MACRO_F1, report(scores)


def test_the_demo_stories_are_understood(model_path: Path, scores) -> None:
    """Every step of data/demo_scenarios.yml, in each language, is read as the intent it names."""
    assert misread_story_steps(model_path) == []
