"""Where things are and which ports they use; every value can be overridden from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def _user_cache_dir() -> Path:
    return _env_path("XDG_CACHE_HOME", Path.home() / ".cache") / "lao-helpline"


@dataclass(frozen=True)
class Settings:
    project_root: Path = PROJECT_ROOT
    models_dir: Path = field(
        default_factory=lambda: _env_path("HELPLINE_MODELS_DIR", PROJECT_ROOT / "models")
    )
    # A second home for trained models, outside the clone: a fresh clone on this machine (CI) reuses them.
    model_cache_dir: Path = field(
        default_factory=lambda: _env_path("HELPLINE_MODEL_CACHE", _user_cache_dir() / "models")
    )
    run_dir: Path = field(default_factory=lambda: _env_path("HELPLINE_RUN_DIR", PROJECT_ROOT / ".run"))
    host: str = field(default_factory=lambda: os.environ.get("HELPLINE_HOST", "127.0.0.1"))
    rasa_port: int = field(default_factory=lambda: int(os.environ.get("RASA_PORT", "5005")))
    action_port: int = field(default_factory=lambda: int(os.environ.get("ACTION_PORT", "5055")))
    gateway_port: int = field(default_factory=lambda: int(os.environ.get("GATEWAY_PORT", "8080")))
    # The gateway serves the demo page to the phones on the local network (a laptop or a phone as a
    # hotspot at a village meeting); Rasa and the action server stay on loopback.
    web_host: str = field(default_factory=lambda: os.environ.get("HELPLINE_WEB_HOST", "0.0.0.0"))
    # Where the statistics go; None: the SQLite file in var/ (see bot.stats.store.database_url).
    database_url: Optional[str] = field(default_factory=lambda: os.environ.get("DATABASE_URL"))

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"


def rasa_environment() -> dict[str, str]:
    """The environment for every Rasa process: no telemetry, quiet TensorFlow, and Rasa's
    training cache outside the clone, so a domain-only change does not retrain the NLU."""
    env = dict(os.environ)
    env.setdefault("RASA_CACHE_DIRECTORY", str(_user_cache_dir() / "rasa-cache"))
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore",
    )
    return env
