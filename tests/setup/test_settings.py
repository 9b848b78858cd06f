"""Every setting is read in bot/settings.py and listed in the README; children get only their own."""

import re

from bot.readme import current, settings_table
from bot.settings import PROJECT_ROOT, VARIABLES, Settings, child_environment


def test_no_other_module_reads_the_environment() -> None:
    readers = []
    for folder in ("bot", "actions"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            if path.name != "settings.py" and re.search(
                r"os\.environ|os\.getenv", path.read_text(encoding="utf-8")
            ):
                readers.append(path.relative_to(PROJECT_ROOT).as_posix())
    assert readers == []


def test_the_readme_has_the_current_settings_table() -> None:
    table = current("settings-table")
    assert table == settings_table(), "run: helpline readme --write"
    assert all(f"`{v.name}`" in table for v in VARIABLES)


def test_secrets_reach_only_the_gateway(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:secret")
    monkeypatch.setenv("HELPLINE_SENDER_KEY", "k3y")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@h/db")
    settings = Settings()
    for role in ("train", "rasa", "actions"):
        env = child_environment(role, settings)
        assert "TELEGRAM_BOT_TOKEN" not in env and "HELPLINE_SENDER_KEY" not in env, role
    assert child_environment("rasa", settings)["DATABASE_URL"] == "postgresql://u:p@h/db"
    for role in ("train", "actions", "gateway"):
        assert "DATABASE_URL" not in child_environment(role, settings), role
    gateway = child_environment("gateway", settings)
    assert gateway["TELEGRAM_BOT_TOKEN"] == "123:secret" and gateway["HELPLINE_SENDER_KEY"] == "k3y"
