"""The model is retrained exactly when something that shapes it changes."""

import shutil
from pathlib import Path

from bot.model_cache import fingerprint, model_inputs
from bot.settings import PROJECT_ROOT


def copy_inputs(tmp_path: Path) -> Path:
    for name in (*model_inputs(), "requirements.lock"):
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


def test_prune_keeps_the_current_model_and_the_newest_others(tmp_path: Path) -> None:
    import os

    from bot.model_cache import prune

    for age, name in enumerate(["a", "b", "c", "current"]):
        path = tmp_path / f"{name}.tar.gz"
        path.write_bytes(b"x")
        os.utime(path, (1000 + age, 1000 + age))
    prune(tmp_path, tmp_path / "current.tar.gz", newest=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.tar.gz", "current.tar.gz"]
