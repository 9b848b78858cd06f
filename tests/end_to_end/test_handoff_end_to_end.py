"""Hand-off, job check and statistics through the running Rasa and action servers."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import List

import pytest

from bot.contacts.directory import load_directory, select
from bot.jobcheck import QUESTIONS, Question
from bot.settings import PROJECT_ROOT, Settings
from bot.text.language_id import detect_language
from tests.conversation import talk, text_of

pytestmark = pytest.mark.servers


def db_path(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def stat_rows(settings: Settings, where: str = "1=1") -> List[tuple]:
    """(kind, topic, country, location, need, outcome, demo) once for each event counted."""
    with sqlite3.connect(db_path(settings)) as connection:
        columns = "kind, topic, country, location, need, outcome, demo, count"
        counted = connection.execute(f"SELECT {columns} FROM daily_counts WHERE {where}").fetchall()
    return [row[:-1] for row in counted for _ in range(row[-1])]


def wait_for_rows(settings: Settings, where: str, count: int, timeout: float = 20) -> List[tuple]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = stat_rows(settings, where)
        except sqlite3.OperationalError:  # the table does not exist before the first write
            found = []
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("lo", "ຊ່ວຍແດ່ ຂ້ອຍຖືກຂັງຢູ່ ບາງກອກ ອອກບໍ່ໄດ້"),
        ("th", "ช่วยด้วย หนูถูกขังอยู่ที่ กรุงเทพ ออกไปไม่ได้"),
        ("en", "help i am locked in a room in bangkok and cant get out"),
    ],
)
def test_danger_in_thailand_gets_thai_numbers_in_her_language(
    servers: Settings, language: str, message: str
) -> None:
    replies = talk(servers, uuid.uuid4().hex, message)
    first = replies[0]["text"]
    assert detect_language(first) == language
    assert "191" in first and "1300" in first
    assert "1191" not in first  # the Lao police number cannot be dialled from Thailand


@pytest.mark.parametrize("language", ["lo", "th", "en"])
@pytest.mark.parametrize("country", sorted({c.country for c in load_directory()}))
def test_each_country_gets_its_numbers_in_each_language(
    servers: Settings, language: str, country: str
) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, {"lo": "ສະບາຍດີ", "th": "สวัสดีค่ะ", "en": "hello"}[language])
    replies = talk(servers, sender, f"/ask_hotline{json.dumps({'country': country})}")
    expected = select(load_directory(), country, "help") or select(load_directory(), country, "emergency")
    assert expected[0].number in text_of(replies)
    assert detect_language(text_of(replies)) == language


YES_NO = ["/affirm", "/deny", "/dont_know", "/stop"]


def harmless_answer(question: Question) -> str:
    return "/deny" if question.sign == "yes" else "/affirm"


def test_a_job_check_with_no_sign_asks_every_question(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    replies = talk(servers, sender, "/check_job_offer")
    for question in QUESTIONS:
        assert [b["payload"] for b in replies[-1]["buttons"]] == YES_NO, question.slot
        replies = talk(servers, sender, harmless_answer(question))
    assert "1362" in text_of(replies) and not replies[-1].get("buttons")


def test_a_serious_sign_ends_the_check_with_advice_then_numbers(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, "/inform_location{\"location\": \"laos\"}")
    talk(servers, sender, "/check_job_offer")
    talk(servers, sender, "/deny")  # not under 18
    replies = talk(servers, sender, "/affirm")  # someone else will keep her passport: high at once
    assert "1362" not in text_of(replies[:1])  # first the reasons, then the numbers
    assert "1362" in text_of(replies)
    rows = wait_for_rows(servers, "kind = 'job_check' AND outcome = 'high'", 1)
    assert rows[0] == ("job_check", "", "", "", "", "high", 0)


def test_she_can_stop_the_job_check(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, "/check_job_offer")
    talk(servers, sender, "/affirm")
    replies = talk(servers, sender, "/stop")
    assert not any(r.get("buttons") for r in replies)
    followup = talk(servers, sender, "/ask_warning_signs")  # the conversation goes on normally
    assert "1362" in text_of(followup)


def test_a_question_in_the_middle_of_the_job_check_is_answered_and_the_check_goes_on(
    servers: Settings,
) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, "/check_job_offer")
    talk(servers, sender, "/deny")
    replies = talk(servers, sender, "/ask_warning_signs")
    assert "1362" in text_of(replies)  # the warning signs...
    assert replies[-1]["buttons"][-1]["payload"] == "/stop"  # ...then the next question of the check


def test_statistics_keep_coarse_rows_and_demo_flags(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, "/ask_hotline", channel="web", demo=True)
    talk(servers, sender, '/ask_hotline{"country": "laos"}', channel="web", demo=True)
    rows = wait_for_rows(servers, "demo = 1 AND kind = 'handoff' AND location = 'laos'", 1)
    assert rows == [("handoff", "", "", "laos", "help", "", 1)]


def test_replies_continue_while_the_database_is_locked_and_events_arrive_after(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, "/ask_warning_signs", channel="telegram")
    wait_for_rows(servers, "kind = 'topic'", 1)
    before = len(stat_rows(servers, "topic = 'ask_safe_chat'"))
    holder = sqlite3.connect(db_path(servers), timeout=5)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for _ in range(3):
            started = time.monotonic()
            replies = talk(servers, sender, "/ask_safe_chat", channel="telegram")
            assert time.monotonic() - started < 5 and "/erase" in text_of(replies)
    finally:
        holder.rollback()
        holder.close()
    assert len(wait_for_rows(servers, "topic = 'ask_safe_chat'", before + 3, timeout=60)) == before + 3


def test_no_message_text_or_sender_is_written_anywhere(servers: Settings) -> None:
    sender = f"privacy-{uuid.uuid4().hex}"
    names = [f"Vanh{uuid.uuid4().hex[:8]}", f"ເອື້ອຍ{uuid.uuid4().hex[:6]}"]
    phrases = [f"my cousin {names[0]} went to karaoke", f"ຊ່ວຍແດ່ {names[1]}"]
    for phrase in phrases:
        talk(servers, sender, phrase, channel="telegram")
    talk(servers, sender, "/need_help_now", channel="telegram")
    wait_for_rows(servers, "kind = 'topic' AND topic = 'need_help_now'", 1)
    time.sleep(1)
    needles = [sender.encode(), *[p.encode() for p in phrases], *[n.encode() for n in names]]
    searched = 0
    roots = [servers.run_dir, db_path(servers).parent, PROJECT_ROOT]
    skip = {".venv", ".git", "models", ".rasa"}
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or skip.intersection(path.relative_to(root).parts):
                continue
            content = path.read_bytes()
            searched += 1
            for needle in needles:
                assert needle not in content, f"{needle!r} found in {path}"
    assert searched > 10
    assert json.dumps(phrases[0]).encode() not in db_path(servers).read_bytes()
