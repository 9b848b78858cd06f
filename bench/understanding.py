"""Intent accuracy and macro-F1 per language on the held-out split, for each trained model.

The scoring is bot.evaluation's, the same as `make eval` and the macro-F1 gate in `make test`,
so the benchmark cannot disagree with them about what a right answer is.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Dict

from bot.evaluation import evaluate


def understanding(models: Dict[str, Path]) -> Dict[str, Dict[str, object]]:
    """{pipeline: {"languages": {language: scores}, "seconds": ...}}, e.g. for "project" and "stock"."""
    results: Dict[str, Dict[str, object]] = {}
    for label, model in models.items():
        print(f"[bench] evaluating the {label} pipeline on the held-out split", flush=True)
        started = time.monotonic()
        scores = evaluate(model)
        results[label] = {
            "languages": {lang: asdict(score) for lang, score in scores.items()},
            "seconds": round(time.monotonic() - started, 1),
        }
    return results
