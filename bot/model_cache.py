"""Train the model only when its inputs changed.

The model is named by a hash of everything that shapes it (pipeline, domain,
training data, the NLU components' code, the locked package versions). A model
with that name in models/ or in the user cache is reused as it is.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterable, List, Optional

from bot.settings import PROJECT_ROOT, Settings, child_environment

STORIES_DIR = "stories"  # rules and training stories at its top; its tests/ folder is never trained on
NLU_DATA = "data/nlu"


def training_data(root: Path = PROJECT_ROOT) -> List[str]:
    """The training data `rasa train` reads: the NLU examples and the stories folder's own files."""
    return [NLU_DATA, *sorted(p.relative_to(root).as_posix() for p in (root / STORIES_DIR).glob("*.yml"))]


# The word lists that decide a message's language, which decides which messages get the English
# sentence embedding (bot/nlu/sentence_embedder.py): the rest of data/lexicon/ is read at run time only.
LANGUAGE_LISTS = tuple(
    f"data/lexicon/{name}.yml"
    for name in ("romanized_lao", "romanized_thai", "english_words", "lao_in_thai_letters")
)


def model_inputs(root: Path = PROJECT_ROOT) -> List[str]:
    return ["config.yml", "domain.yml", *training_data(root), "bot/nlu", *LANGUAGE_LISTS]


# Of the locked packages, those whose version changes what the model learns or how it loads.
MODEL_PACKAGES = ("rasa", "tensorflow", "scikit-learn", "numpy", "laonlp", "pythainlp")


def _files(root: Path, inputs: Iterable[str]) -> List[Path]:
    found: List[Path] = []
    for name in inputs:
        path = root / name
        if path.is_dir():
            found.extend(p for p in path.rglob("*") if p.is_file() and p.suffix in {".py", ".yml", ".yaml"})
        elif path.is_file():
            found.append(path)
    return sorted(found)


def _model_package_pins(root: Path) -> bytes:
    lock = root / "requirements.lock"
    lines = lock.read_text(encoding="utf-8").splitlines() if lock.exists() else []
    return "\n".join(sorted(line for line in lines if line.split("==")[0].lower() in MODEL_PACKAGES)).encode()


def fingerprint(root: Path, inputs: Optional[Iterable[str]] = None) -> str:
    digest = hashlib.sha256(_model_package_pins(root))
    for path in _files(root, model_inputs(root) if inputs is None else inputs):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_model(settings: Settings, name: str) -> Optional[Path]:
    local = settings.models_dir / f"{name}.tar.gz"
    if local.exists():
        return local
    shared = settings.model_cache_dir / local.name
    if shared.exists():
        settings.models_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shared, local)
        return local
    return None


def train_command(config: str, out_dir: Path, name: str) -> List[str]:
    """`rasa train` on the project's domain and data (also used by the benchmark)."""
    return [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        config,
        "--domain",
        "domain.yml",
        "--data",
        *training_data(),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]


def train(settings: Settings, name: str, config: str = "config.yml") -> Path:
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    command = train_command(config, settings.models_dir, name)
    started = time.monotonic()
    subprocess.run(command, cwd=settings.project_root, env=child_environment("train"), check=True)
    print(f"trained {name} in {time.monotonic() - started:.0f} s", flush=True)
    model = settings.models_dir / f"{name}.tar.gz"
    try:
        settings.model_cache_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(model, settings.model_cache_dir / model.name)
    except OSError as error:  # a read-only cache only costs a retrain next time
        print(f"could not cache the model: {error}", file=sys.stderr)
    return model


def prune(directory: Path, keep: Path, newest: int) -> None:
    """Old models are 80 MB each: keep `keep` and the `newest` others."""
    others = sorted(
        (p for p in directory.glob("*.tar.gz") if p.name != keep.name), key=lambda p: p.stat().st_mtime
    )
    for old in others[: max(len(others) - newest, 0)]:
        old.unlink(missing_ok=True)


def ensure_model(settings: Settings) -> Path:
    name = fingerprint(settings.project_root)
    model = cached_model(settings, name)
    if model is not None:
        print(f"model {model.name} is up to date", flush=True)
    else:
        print(f"training model {name} (its inputs changed)", flush=True)
        model = train(settings, name)
    prune(settings.models_dir, model, newest=0)
    prune(settings.model_cache_dir, model, newest=2)
    return model
