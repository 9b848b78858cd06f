"""Every setting is read in bot/settings.py and listed in the README; children get only their own."""

import re

import pytest

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
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001234567890")
    settings = Settings()
    for role in ("train", "rasa", "actions"):
        env = child_environment(role, settings)
        assert "TELEGRAM_BOT_TOKEN" not in env and "HELPLINE_SENDER_KEY" not in env, role
        assert "STAFF_CHAT_ID" not in env, role
    # The statistics: Rasa writes them; the gateway writes the counsellors' events and reads the report
    # for /report in the staff group. The action server and training never see the database.
    for role in ("rasa", "gateway"):
        assert child_environment(role, settings)["DATABASE_URL"] == "postgresql://u:p@h/db", role
    for role in ("train", "actions"):
        assert "DATABASE_URL" not in child_environment(role, settings), role
    gateway = child_environment("gateway", settings)
    assert gateway["TELEGRAM_BOT_TOKEN"] == "123:secret" and gateway["HELPLINE_SENDER_KEY"] == "k3y"
    assert gateway["STAFF_CHAT_ID"] == "-1001234567890"
    assert settings.gateway_stats_spool != settings.stats_spool  # two processes, two spool files


def test_a_staff_chat_id_that_is_not_a_number_is_refused_plainly(monkeypatch) -> None:
    monkeypatch.setenv("STAFF_CHAT_ID", "@our_staff_group")
    with pytest.raises(ValueError, match="STAFF_CHAT_ID must be a number"):
        Settings()
