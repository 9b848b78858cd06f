"""Intent understanding on the held-out split, per language (the gate `make eval` reports)."""

from pathlib import Path

import pytest

from bot.evaluation import MIN_MACRO_F1, evaluate, report, write_json
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
