"""The word lists in data/lexicon/, read once per process.

They are data, not code, so that a place name or a danger phrase can be added without touching
Python; a malformed file stops the process at start with the file's name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Dict

import yaml

from bot.settings import PROJECT_ROOT

LEXICON_DIR = PROJECT_ROOT / "data" / "lexicon"


class LexiconError(ValueError):
    """A file in data/lexicon/ is missing or malformed; the message names it."""


@cache
def load(name: str, directory: Path = LEXICON_DIR) -> Dict[str, Any]:
    path = directory / f"{name}.yml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"{path}: {error}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping at the top")
    return data


def words(value: Any, where: str) -> list:
    """A list of non-empty strings from the file, or a LexiconError naming `where`."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise LexiconError(f"{where}: expected a list of words, got {value!r}")
    return [w.strip() for w in value]
