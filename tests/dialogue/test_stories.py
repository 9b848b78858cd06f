"""Test conversations in Lao, Thai and English through the trained model (`rasa test core`)."""

import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT, child_environment


def test_conversations_in_each_language_go_as_written(model_path: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable, "-m", "rasa", "test", "core",
            "--model", str(model_path),
            "--stories", "stories/tests",
            "--out", str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=PROJECT_ROOT, env=child_environment("train"), capture_output=True, text=True,
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, details
