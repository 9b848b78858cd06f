"""The desk over time and when things go wrong, each with its own gateway: the queue's time-out, a long
silence, the group lost in the middle of a case, the bot without its rights, a restart with open cases."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path
from typing import Iterator, Optional, Tuple

import pytest
from telegram import Bot

from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors.desk import StaffDesk
from bot.gateway.counsellors.offers import KEEP_WAITING, LEAVE, TALK
from bot.i18n.catalogs import translate
from bot.services import Service
from bot.settings import Settings
from tests.counsellors.desk import (
    STAFF,
    TOKEN,
    always_open,
    button_payloads,
    copies_from,
    desk_settings,
    log_has,
    open_case,
    press,
    said_to,
    say,
    staff_group,
    staff_posts,
    staff_says,
    start_desk,
    texts_to,
    wait_until,
)
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.servers
chats = itertools.count(670_001)


def en(text: str) -> str:
    return translate(text, "en")


@pytest.fixture(scope="module")
def quick(servers: Settings, tmp_path_factory) -> Iterator[Tuple[FakeTelegram, Service]]:
    """A desk whose queue times out after 3 seconds and whose cases close after 12 quiet seconds."""
    folder = tmp_path_factory.mktemp("quick-desk")
    fake = FakeTelegram().start()
    staff_group(fake)
    hours = always_open(folder / "staff_hours.yml")
    extra = {"HELPLINE_COUNSELLOR_WAIT_MINUTES": "0.05", "HELPLINE_CASE_IDLE_MINUTES": "0.2"}
    service = start_desk(desk_settings(servers, folder), fake, hours, **extra)
    yield fake, service
    service.stop()
    fake.stop()


def test_the_queue_times_out_she_can_keep_waiting_or_leave(quick) -> None:
    fake, _ = quick
    chat = next(chats)
    started = time.monotonic()
    thread = open_case(fake, chat)
    waiting = said_to(fake, chat, en(t.STILL_WAITING)[:30])
    assert time.monotonic() - started >= 3
    assert "1362" in waiting.params["text"] or "1300" in waiting.params["text"]  # with the numbers
    assert button_payloads(waiting) == [KEEP_WAITING, LEAVE]
    wait_until(lambda: any("has waited" in p for p in staff_posts(fake)), what="the queue alert")
    staff_says(fake, None, "/cases")
    listing = wait_until(lambda: [p for p in staff_posts(fake) if "Open cases" in p], what="/cases")[-1]
    assert "waiting" in listing and f"/{thread}" in listing  # a link to the topic
    press(fake, chat, KEEP_WAITING)
    said_to(fake, chat, en(t.KEEP_WAITING)[:20])
    def notices() -> int:
        return len([x for x in texts_to(fake, chat) if en(t.STILL_WAITING)[:30] in x])

    wait_until(lambda: notices() == 2, what="a second notice after she chose to keep waiting")
    press(fake, chat, LEAVE)
    ending = said_to(fake, chat, en(t.ENDED_BY_HER))
    assert "1362" in ending.params["text"] or "1300" in ending.params["text"]
    fake.wait_for("deleteForumTopic", STAFF, where=lambda c: int(c.params["message_thread_id"]) == thread)


def test_a_long_silence_closes_the_case(quick) -> None:
    fake, _ = quick
    chat = next(chats)
    thread = open_case(fake, chat)
    staff_says(fake, thread, "hello, I am here")
    fake.wait_for("copyMessage", chat)
    started = time.monotonic()
    ending = said_to(fake, chat, en(t.ENDED_SILENCE)[:40], timeout=60)
    assert time.monotonic() - started >= 10
    assert "1362" in ending.params["text"] or "1300" in ending.params["text"]
    fake.wait_for("closeForumTopic", STAFF, where=lambda c: int(c.params["message_thread_id"]) == thread)
    assert any("nobody wrote" in p for p in staff_posts(fake))


def test_the_group_lost_in_the_middle_of_a_case(quick) -> None:
    """Last in this module: the desk stays off until it is checked again, a minute later."""
    fake, _ = quick
    chat = next(chats)
    open_case(fake, chat)
    fake.unreachable.add(STAFF)
    say(fake, chat, "are you there?")
    ending = said_to(fake, chat, en(t.ENDED_UNREACHABLE)[:40])
    assert "1362" in ending.params["text"] or "1300" in ending.params["text"]
    # Until the group is back, she is not offered a person, and gets the numbers as before.
    later = next(chats)
    say(fake, later, "can i talk to real person")
    said_to(fake, later, "1362")
    time.sleep(2)
    assert not [x for x in texts_to(fake, later) if en(t.OFFER)[:30] in x]


def test_without_its_rights_the_bot_says_what_is_missing_and_offers_no_person(
    servers: Settings, tmp_path: Path
) -> None:
    fake = FakeTelegram().start()
    staff_group(fake, bot_status="member")
    service = start_desk(desk_settings(servers, tmp_path), fake, always_open(tmp_path / "hours.yml"))
    try:
        assert log_has(service, "the bot is not an administrator of the staff group")
        chat = next(chats)
        say(fake, chat, "can i talk to real person")
        said_to(fake, chat, "1362")  # the numbers, as without a desk
        say(fake, chat, "/help")
        said_to(fake, chat, "/erase")
        time.sleep(2)
        assert not [x for x in texts_to(fake, chat) if en(t.OFFER)[:30] in x or "/stop" in x]
        press(fake, chat, TALK)  # an old button: no case, and she is told so with the numbers
        said_to(fake, chat, en(t.CANNOT_REACH))
        assert not fake.calls_to("createForumTopic")
    finally:
        service.stop()
        fake.stop()


@pytest.mark.parametrize(
    ("group", "missing"),
    [
        (None, "cannot be found"),
        ({"is_forum": False}, "has no topics"),
        ({"bot_status": "left"}, "not an administrator"),
        ({"can_manage_topics": False}, "'Manage topics'"),
        ({"can_delete_messages": False}, "'Delete messages'"),
        ({}, None),
    ],
)
def test_the_desk_check_names_what_is_missing(group: Optional[dict], missing: Optional[str]) -> None:
    fake = FakeTelegram().start()
    if group is not None:
        staff_group(fake, **group)
    else:
        fake.unreachable.add(STAFF)

    async def check() -> Optional[str]:
        async with Bot(TOKEN, base_url=fake.base_url) as bot:
            return await StaffDesk(bot, STAFF, keep_topics=False).check()

    try:
        problem = asyncio.run(check())
    finally:
        fake.stop()
    assert (problem is None) if missing is None else (missing in str(problem))


def test_a_restart_tells_both_sides_and_old_topics_are_disconnected(servers: Settings, tmp_path) -> None:
    fake = FakeTelegram().start()
    staff_group(fake)
    hours = always_open(tmp_path / "hours.yml")
    settings = desk_settings(servers, tmp_path / "first")
    first = start_desk(settings, fake, hours)
    chat = next(chats)
    try:
        thread = open_case(fake, chat)
        staff_says(fake, thread, "I am with you")
        fake.wait_for("copyMessage", chat)
    finally:
        first.stop()
    ending = said_to(fake, chat, en(t.ENDED_RESTART)[:40], timeout=5)
    assert "1362" in ending.params["text"] or "1300" in ending.params["text"]
    assert any("restarting" in p for p in staff_posts(fake))
    assert fake.calls_to("deleteForumTopic", STAFF)
    log = first.log_path.read_text(errors="replace")
    assert str(chat) not in log and "I am with you" not in log
    copied, typing = len(copies_from(fake, chat, 0)), len(fake.calls_to("sendChatAction", chat))
    second = start_desk(desk_settings(servers, tmp_path / "second"), fake, hours)
    try:
        staff_says(fake, thread, "are you still there?")
        wait_until(lambda: any("not connected" in p for p in staff_posts(fake, thread)), what="not connected")
        time.sleep(1)
        assert len(fake.calls_to("copyMessage", chat)) == 1  # only the one before the restart
        say(fake, chat, "what documents do I need")  # the bot answers her again: no case is open
        wait_until(lambda: len(fake.calls_to("sendChatAction", chat)) > typing, what="the bot's answer")
        time.sleep(2)
        assert len(copies_from(fake, chat, 0)) == copied
    finally:
        second.stop()
        fake.stop()
