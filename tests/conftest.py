"""Shared fixtures: the trained model, and the real servers on free ports."""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from bot.settings import Settings
from tests.browser import browser  # noqa: F401 - the fixture, for every test module

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
TEST_OUTPUT = Path(__file__).resolve().parents[1] / "test-output"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model `make run` uses; trained on first use if its inputs changed.
    HELPLINE_TEST_MODEL names another model file, for working on other parts while one trains."""
    from bot.model_cache import ensure_model

    chosen = os.environ.get("HELPLINE_TEST_MODEL")
    return Path(chosen) if chosen else ensure_model(Settings())


@pytest.fixture(scope="session")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    run_dir = tmp_path_factory.mktemp("run")
    return replace(
        Settings(),
        rasa_port=free_port(),
        action_port=free_port(),
        run_dir=run_dir,
        web_host="127.0.0.1",
        database_url=f"sqlite:///{run_dir / 'statistics.sqlite3'}",
    )


@pytest.fixture(scope="session")
def servers(server_settings: Settings, model_path: Path) -> Iterator[Settings]:
    """The real Rasa server and action server, talking HTTP on loopback."""
    from bot.services import running_servers

    with running_servers(server_settings, model_path):
        yield server_settings
