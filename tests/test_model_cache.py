"""The model is retrained exactly when something that shapes it changes."""

import shutil
from pathlib import Path

from bot.model_cache import MODEL_INPUTS, fingerprint
from bot.settings import PROJECT_ROOT


def copy_inputs(tmp_path: Path) -> Path:
    for name in (*MODEL_INPUTS, "requirements.lock"):
        source = PROJECT_ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return tmp_path


def test_fingerprint_follows_training_data_and_model_packages_only(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    original = fingerprint(root)
    assert fingerprint(root) == original

    lock = root / "requirements.lock"
    lock.write_text(lock.read_text() + "some-unrelated-package==1.0\n")
    assert fingerprint(root) == original

    lock.write_text(lock.read_text().replace("rasa==3.6.21", "rasa==3.6.20"))
    assert fingerprint(root) != original

    lock.write_text(lock.read_text().replace("rasa==3.6.20", "rasa==3.6.21"))
    nlu = root / "data" / "nlu" / "en.yml"
    nlu.write_text(nlu.read_text() + "    - one more example\n")
    assert fingerprint(root) != original
