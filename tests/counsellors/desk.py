"""Helpers for the counsellor tests: a gateway with a staff desk against the local Bot API server, the
hours files, her updates and the counsellors' messages in a topic."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

from bot.gateway.counsellors.offers import AGREE, TALK
from bot.services import Service, start_gateway
from bot.settings import Settings
from tests.conftest import free_port
from tests.fake_telegram import Call, FakeTelegram, button_update, text_update

TOKEN = "123456789:TEST-counsellor-desk-token"
SENDER_KEY = "test-key-for-the-counsellor-tests"
STAFF = -1001234567890
COUNSELLOR = 7001
SECOND_COUNSELLOR = 7002
OUTSIDER = 7999  # left the group: not a counsellor
ZONE = ZoneInfo("Asia/Vientiane")
WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# --- the hours file --------------------------------------------------------------------------------
def write_hours(path: Path, weekly: Dict[str, str], holidays: Iterable[dt.date] = ()) -> Path:
    lines = ["time_zone: Asia/Vientiane", "weekly:"]
    lines += [f'  {day}: "{weekly[day]}"' if weekly[day] != "closed" else f"  {day}: closed" for day in WEEK]
    lines += ["holidays:"] + [f"  {day.isoformat()}: a holiday" for day in holidays]
    if not list(holidays):
        lines[-1] = "holidays: {}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def always_open(path: Path) -> Path:
    return write_hours(path, {day: "00:00-24:00" for day in WEEK})


def holiday_today(path: Path) -> Path:
    return write_hours(path, {day: "00:00-24:00" for day in WEEK}, [dt.datetime.now(ZONE).date()])


def closed_by_the_hour(path: Path) -> Path:
    """Open one hour a day, three hours from now: closed now, every day."""
    start = (dt.datetime.now(ZONE) + dt.timedelta(hours=3)).hour
    span = f"{start:02d}:00-{start + 1:02d}:00" if start < 23 else "23:00-24:00"
    return write_hours(path, {day: span for day in WEEK})


# --- the gateway -----------------------------------------------------------------------------------
def desk_env(fake: FakeTelegram, hours: Path, **extra: str) -> Dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "HELPLINE_SENDER_KEY": SENDER_KEY,
        "GATEWAY_PORT": str(free_port()),
        "STAFF_CHAT_ID": str(STAFF),
        "HELPLINE_STAFF_HOURS": str(hours),
        "HELPLINE_STAFF_LANGUAGE": "en",
        "HELPLINE_COUNSELLOR_WAIT_MINUTES": "5",
        "HELPLINE_CASE_IDLE_MINUTES": "30",
        **extra,
    }


def desk_settings(servers: Settings, folder: Path) -> Settings:
    """Its own log folder and statistics file, so a test can count exactly its own events."""
    folder.mkdir(parents=True, exist_ok=True)
    return replace(servers, run_dir=folder, database_url=f"sqlite:///{folder / 'statistics.sqlite3'}")


def earlier_weeks(database: Path) -> None:
    """Counts from the three weeks before this one, for /report (a report covers weeks that have ended)."""
    import sqlalchemy as sa  # noqa: F401 - the store needs it

    from bot.stats.schema import StatEvent
    from bot.stats.store import add_counts, create_engine, migrate

    day = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 5)  # last week's Wednesday
    events = [StatEvent(day=day, kind="conversation", channel="telegram", language="lo") for _ in range(30)]
    for kind, outcome, number in (
        ("person_offered", "danger", 12), ("person_offered", "asked", 3), ("person_accepted", None, 8),
        ("person_answered", "<2m", 6), ("person_answered", "5-15m", 1), ("person_closed", "staff", 8),
    ):  # fmt: skip
        events += [StatEvent(day=day, kind=kind, channel="telegram", outcome=outcome) for _ in range(number)]
    engine = create_engine(f"sqlite:///{database}")
    migrate(engine)
    with engine.begin() as connection:
        add_counts(connection, events)
    engine.dispose()


def start_desk(settings: Settings, fake: FakeTelegram, hours: Path, **extra: str) -> Service:
    service = start_gateway(settings, desk_env(fake, hours, **extra))
    service.wait_ready(90)
    return service


def staff_group(fake: FakeTelegram, **options: Any) -> None:
    members = {COUNSELLOR: "member", SECOND_COUNSELLOR: "administrator", OUTSIDER: "left"}
    fake.staff_group(STAFF, members=members, **options)


def wait_until(check, timeout: float = 30, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.1)


def log_has(service: Service, needle: str, timeout: float = 30) -> bool:
    return bool(wait_until(lambda: needle in service.log_path.read_text(errors="replace"), timeout, needle))


# --- her side --------------------------------------------------------------------------------------
def texts_to(fake: FakeTelegram, chat: int) -> List[str]:
    return [str(c.params.get("text")) for c in fake.calls_to("sendMessage", chat)]


def said_to(fake: FakeTelegram, chat: int, needle: str, timeout: float = 40) -> Call:
    """The first message to her containing `needle` (waits for it)."""
    def has(call: Call) -> bool:
        return needle in str(call.params.get("text"))

    return fake.wait_for("sendMessage", chat, where=has, timeout=timeout)[0]


def button_payloads(call: Call) -> List[str]:
    markup = call.params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [row[0]["callback_data"] for row in markup.get("inline_keyboard", [])]


def press(fake: FakeTelegram, chat: int, payload: str) -> None:
    fake.push(button_update(fake, chat, fake.new_message_id(), payload))


def say(fake: FakeTelegram, chat: int, text: str, language: str = "en") -> Dict[str, Any]:
    return fake.push(text_update(fake, chat, text, language_code=language))


def topics_now(fake: FakeTelegram) -> List[int]:
    return sorted(thread for (chat, thread), topic in fake.topics.items() if chat == STAFF)


def open_case(fake: FakeTelegram, chat: int, language: str = "en") -> int:
    """She asks for a person, agrees, and the case's topic opens; returns the topic."""
    from bot.gateway.counsellors import texts as t
    from bot.i18n.catalogs import translate

    before = set(topics_now(fake))
    asks = {"en": "can i talk to real person", "lo": "ຢາກລົມກັບຄົນແທ້ໆ", "th": "ขอคุยกับคนจริงได้ไหม"}[language]
    say(fake, chat, asks, language)
    offer = said_to(fake, chat, translate(t.OFFER, language))
    assert button_payloads(offer) == [TALK]
    press(fake, chat, TALK)
    consent = said_to(fake, chat, translate(t.CONSENT, language).split("\n")[0])
    assert AGREE in button_payloads(consent)
    press(fake, chat, AGREE)
    said_to(fake, chat, translate(t.OPENED, language)[:20])
    new = wait_until(lambda: set(topics_now(fake)) - before, what="a new topic")
    return max(new)


# --- the counsellors' side -------------------------------------------------------------------------
def staff_update(
    fake: FakeTelegram, thread: Optional[int], user_id: int = COUNSELLOR, **content: Any
) -> Dict[str, Any]:
    message: Dict[str, Any] = {
        "message_id": fake.new_message_id(),
        "date": int(time.time()),
        "chat": {"id": STAFF, "type": "supergroup", "title": "Counsellors", "is_forum": True},
        "from": {"id": user_id, "is_bot": False, "first_name": "Counsellor", "username": f"staff{user_id}"},
        **content,
    }
    if thread is not None:
        message.update(message_thread_id=thread, is_topic_message=True)
    text = content.get("text", "")
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


def staff_says(fake: FakeTelegram, thread: Optional[int], text: str, user_id: int = COUNSELLOR) -> dict:
    return fake.push(staff_update(fake, thread, user_id, text=text))


def staff_posts(fake: FakeTelegram, thread: Optional[int] = None) -> List[str]:
    """What the bot posted in the staff group (in one topic, or in General)."""
    return [
        str(c.params.get("text"))
        for c in fake.calls_to("sendMessage", STAFF)
        if (c.params.get("message_thread_id") or None) == thread
    ]


PHOTO = [{"file_id": "photo-1", "file_unique_id": "pu1", "width": 90, "height": 90}]


def copies_from(fake: FakeTelegram, chat: int, count: int = 1, timeout: float = 30) -> List[Call]:
    """Her messages copied into the staff group (waits for `count` of them)."""

    def hers(call: Call) -> bool:
        return int(call.params["from_chat_id"]) == chat

    return fake.wait_for("copyMessage", STAFF, count=count, where=hers, timeout=timeout)
