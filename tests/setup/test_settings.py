"""Every setting is read in bot/settings.py and listed in the README; children get only their own."""

import re
from dataclasses import replace

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


def test_redis_and_the_rasa_servers_reach_only_the_processes_that_use_them(monkeypatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://:secret@10.0.0.1:6379/0")
    monkeypatch.setenv("RASA_URL", "http://10.0.0.2:5005, http://10.0.0.3:5005/")
    settings = Settings()
    assert settings.rasa_urls == ["http://10.0.0.2:5005", "http://10.0.0.3:5005"]
    rasa = child_environment("rasa", settings)
    assert rasa["REDIS_URL"] == "redis://:secret@10.0.0.1:6379/0" and int(rasa["TICKET_LOCK_LIFETIME"]) > 0
    for role in ("train", "actions", "gateway"):
        assert "REDIS_URL" not in child_environment(role, settings), role
    assert child_environment("gateway", settings)["RASA_URL"] == "http://10.0.0.2:5005,http://10.0.0.3:5005"
    # Without Redis, Rasa's own lock lifetime, as before.
    assert "TICKET_LOCK_LIFETIME" not in child_environment("rasa", replace(settings, redis_url=None))


def test_several_rasa_servers_take_the_ports_after_rasa_port(monkeypatch) -> None:
    for name in ("RASA_URL", "REDIS_URL", "HELPLINE_PARTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RASA_PORT", "6005")
    monkeypatch.setenv("RASA_PROCESSES", "3")
    settings = Settings()
    assert settings.rasa_urls == [f"http://127.0.0.1:{port}" for port in (6005, 6006, 6007)]
    assert settings.rasa_url == "http://127.0.0.1:6005" and settings.parts == ("gateway", "rasa", "actions")
    monkeypatch.setenv("HELPLINE_PARTS", "rasa, actions")
    assert Settings().parts == ("rasa", "actions")
    monkeypatch.setenv("HELPLINE_PARTS", "rasa,database")
    with pytest.raises(ValueError, match="database"):
        Settings()


def test_several_rasa_servers_without_redis_are_refused(tmp_path) -> None:
    """Each would keep its own conversations: `helpline run` says what is missing instead."""
    import os
    import subprocess
    import sys

    from bot.services import ServiceError, start_rasa_servers

    env = {**{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}, "RASA_PROCESSES": "2"}
    env["HELPLINE_RUN_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--no-chat"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "RASA_PROCESSES=2 needs REDIS_URL" in done.stderr
    with pytest.raises(ServiceError, match="REDIS_URL"):
        start_rasa_servers(replace(Settings(), redis_url=None, run_dir=tmp_path), tmp_path / "model", 2)
