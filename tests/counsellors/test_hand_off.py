"""A person on Telegram: the real gateway with a staff desk, over HTTP, against the local Bot API server
and the real Rasa and action servers. Offered, consented, copied both ways, ended well."""

from __future__ import annotations

import csv
import io
import itertools
import json
import time
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import sqlalchemy as sa

from bot.gateway.counsellors import texts as t
from bot.gateway.counsellors.offers import AGREE, DECLINE, TALK
from bot.i18n.catalogs import translate
from bot.services import Service
from bot.settings import Settings
from bot.text.language_id import detect_language
from tests.counsellors.desk import (
    COUNSELLOR,
    OUTSIDER,
    PHOTO,
    STAFF,
    always_open,
    button_payloads,
    closed_by_the_hour,
    copies_from,
    desk_settings,
    earlier_weeks,
    holiday_today,
    open_case,
    press,
    said_to,
    say,
    staff_group,
    staff_posts,
    staff_says,
    staff_update,
    start_desk,
    texts_to,
    topics_now,
    wait_until,
)
from tests.fake_telegram import BOT_USER, FakeTelegram, message_update, text_update
from tests.servers_helpers import event_counts

pytestmark = pytest.mark.servers
chats = itertools.count(660_001)


@pytest.fixture(scope="module")
def desk(servers: Settings, tmp_path_factory) -> Iterator[Tuple[FakeTelegram, Service, Path]]:
    folder = tmp_path_factory.mktemp("desk")
    fake = FakeTelegram().start()
    staff_group(fake)
    hours = always_open(folder / "staff_hours.yml")
    earlier_weeks(folder / "statistics.sqlite3")
    service = start_desk(desk_settings(servers, folder), fake, hours)
    yield fake, service, hours
    service.stop()
    fake.stop()


def en(text: str) -> str:
    return translate(text, "en")


def test_the_desk_is_checked_and_announced_at_start(desk) -> None:
    fake, service, _ = desk
    fake.wait_for("getChat", STAFF)
    fake.wait_for("getChatMember", STAFF, where=lambda c: int(c.params["user_id"]) == BOT_USER["id"])
    wait_until(lambda: any("connected to this group" in p for p in staff_posts(fake)), what="the hello")
    languages = {c.params.get("language_code") for c in fake.wait_for("setMyCommands", count=4)}
    assert languages >= {None, "lo", "th", "en"}
    assert any('"stop"' in json.dumps(c.params.get("commands")) for c in fake.calls_to("setMyCommands"))


def test_consent_is_shown_and_required_before_anything_is_relayed(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    say(fake, chat, "ຢາກລົມກັບຄົນແທ້ໆ", "lo")
    offer = said_to(fake, chat, translate(t.OFFER, "lo"))
    numbers = next(c for c in fake.calls_to("sendMessage", chat) if "1362" in str(c.params["text"]))
    assert numbers.at < offer.at  # the numbers first, the offer after them
    assert button_payloads(offer) == [TALK] and detect_language(offer.params["text"]) == "lo"
    topics = len(fake.calls_to("createForumTopic"))
    # Before she agrees, what she writes goes to the bot, never to the staff group.
    say(fake, chat, "ເອກະສານຫຍັງແດ່ທີ່ຕ້ອງມີ", "lo")
    wait_until(lambda: len(texts_to(fake, chat)) >= 3, what="the bot's answer")
    press(fake, chat, TALK)
    consent = said_to(fake, chat, translate(t.CONSENT, "lo").split("\n")[0])
    text = consent.params["text"]
    assert "/stop" in text and "/erase" in text and detect_language(text) == "lo"
    assert button_payloads(consent) == [AGREE, DECLINE]
    press(fake, chat, DECLINE)
    said_to(fake, chat, translate(t.DECLINED, "lo")[:12])
    say(fake, chat, "ຂອບໃຈ", "lo")
    time.sleep(2)
    assert len(fake.calls_to("createForumTopic")) == topics
    assert not [c for c in fake.calls_to("copyMessage", STAFF) if int(c.params["from_chat_id"]) == chat]


def test_messages_are_copied_both_ways_text_and_photo(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    thread = open_case(fake, chat)
    name = fake.topics[(STAFF, thread)]["name"]
    label, language, place = name.split(" · ")
    assert len(label) == 4 and language == "en" and place
    opening = staff_posts(fake, thread)[0]
    assert label in opening and "She asked for a person" in opening and "/end" in opening
    # Hers, into the topic, as copies made by the bot.
    mine = say(fake, chat, "he keeps my papers, what can I do")
    photo = fake.push(message_update(fake, chat, language_code="en", photo=PHOTO, caption="the contract"))
    copies = copies_from(fake, chat, 2)
    sent = [mine["message"]["message_id"], photo["message"]["message_id"]]
    assert [int(c.params["message_id"]) for c in copies] == sent
    assert all(int(c.params["message_thread_id"]) == thread for c in copies)
    in_topic = fake.messages_in(STAFF, thread)
    assert any(m.get("text") == "he keeps my papers, what can I do" for m in in_topic)
    assert any(m.get("photo") == PHOTO and m.get("caption") == "the contract" for m in in_topic)
    # The counsellor's text and photo, back to her as the bot's.
    staff_says(fake, thread, "I am here. Are you safe now?")
    fake.push(staff_update(fake, thread, photo=PHOTO, caption="this is the office"))
    said_to(fake, chat, en(t.PERSON_HERE))
    back = fake.wait_for("copyMessage", chat, count=2)
    assert all(int(c.params["from_chat_id"]) == STAFF and not c.params.get("message_thread_id") for c in back)
    received = fake.messages_in(chat)
    assert any(m.get("text") == "I am here. Are you safe now?" and m["from"] == BOT_USER for m in received)
    assert any(m.get("photo") == PHOTO and m["from"] == BOT_USER for m in received)
    staff_says(fake, thread, "/end")
    said_to(fake, chat, en(t.ENDED_BY_STAFF))


def test_no_forward_and_no_identity_in_any_staff_side_request(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    identity = {"first_name": "Noysecretname", "last_name": "Keosecret", "username": "noy_secret_handle"}
    phone = "+8562055512345"

    def as_her(update: dict) -> dict:
        message = update["message"]
        message["from"].update(identity)
        message["chat"].update({k: v for k, v in identity.items()})
        return update

    thread = open_case(fake, chat)
    fake.push(as_her(text_update(fake, chat, "please help me", language_code="en")))
    fake.push(as_her(message_update(fake, chat, language_code="en", photo=PHOTO)))
    contact = {"phone_number": phone, "first_name": identity["first_name"], "user_id": chat}
    fake.push(as_her(message_update(fake, chat, language_code="en", contact=contact)))
    said_to(fake, chat, en(t.NOT_PASSED_ON)[:30])  # her own contact card is not passed on
    udon_thani = {"latitude": 17.41, "longitude": 102.79}
    fake.push(as_her(message_update(fake, chat, language_code="en", location=udon_thani)))
    wait_until(lambda: any("Thailand" in p for p in staff_posts(fake, thread)), what="the location note")
    copies_from(fake, chat, 2)
    staff_says(fake, thread, "/end")
    said_to(fake, chat, en(t.ENDED_BY_STAFF))
    secrets = [*identity.values(), phone, phone[1:], str(chat), "17.41", "102.79"]
    assert not fake.calls_to("forwardMessage") and not fake.calls_to("forwardMessages")
    staff_side = [c for c in fake.calls if str(c.params.get("chat_id")) == str(STAFF)]
    assert len(staff_side) > 5
    for call in staff_side:
        seen = {k: v for k, v in call.params.items() if k != "from_chat_id"}  # Telegram's, not the staff's
        flat = json.dumps(seen, ensure_ascii=False, default=str)
        for secret in secrets:
            assert secret not in flat, f"{secret!r} in {call.method}"
    for message in fake.messages_in(STAFF):  # what the group holds: the bot's posts and copies, the staff's
        assert message["from"] == BOT_USER or message["from"]["id"] in (COUNSELLOR, OUTSIDER)
        assert "forward_origin" not in message
        assert not any(s in json.dumps(message, ensure_ascii=False) for s in secrets)
    assert all(not any(s in topic["name"] for s in secrets) for topic in fake.topics.values())


def test_a_person_holds_the_case_the_bot_is_silent_but_danger_is_answered(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    thread = open_case(fake, chat)
    before, typing = len(texts_to(fake, chat)), len(fake.calls_to("sendChatAction", chat))
    say(fake, chat, "what documents do I need to work in Thailand")
    copies_from(fake, chat)
    time.sleep(3)
    assert len(texts_to(fake, chat)) == before  # the bot does not answer while a person holds her case
    assert len(fake.calls_to("sendChatAction", chat)) == typing
    say(fake, chat, "they took my passport and locked me in the room")
    said_to(fake, chat, "1191")  # danger still brings the emergency numbers
    copies_from(fake, chat, 2)
    wait_until(lambda: any("Danger words" in p for p in staff_posts(fake, thread)), what="the danger note")
    # No second offer under the danger answer: she is already with a person.
    assert len([x for x in texts_to(fake, chat) if en(t.OFFER)[:30] in x]) == 1
    say(fake, chat, "/stop")
    ending = said_to(fake, chat, en(t.ENDED_BY_HER))
    assert "1191" in ending.params["text"] or "191" in ending.params["text"]  # in danger: emergency numbers
    fake.wait_for("closeForumTopic", STAFF, where=lambda c: int(c.params["message_thread_id"]) == thread)
    fake.wait_for("deleteForumTopic", STAFF, where=lambda c: int(c.params["message_thread_id"]) == thread)
    assert any("closed: she ended it" in p for p in staff_posts(fake))


def test_only_members_of_the_group_reach_her(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    thread = open_case(fake, chat)
    staff_says(fake, thread, "I am not one of the counsellors", user_id=OUTSIDER)
    fake.wait_for("getChatMember", STAFF, where=lambda c: int(c.params["user_id"]) == OUTSIDER)
    time.sleep(2)
    assert not fake.calls_to("copyMessage", chat)
    staff_says(fake, thread, "I am", user_id=COUNSELLOR)
    fake.wait_for("copyMessage", chat)
    say(fake, chat, "/stop")
    said_to(fake, chat, en(t.ENDED_BY_HER))


def test_two_cases_at_once_stay_apart(desk) -> None:
    fake, _, _ = desk
    first, second = next(chats), next(chats)
    a = open_case(fake, first)
    b = open_case(fake, second, "th")
    assert a != b and fake.topics[(STAFF, b)]["name"].split(" · ")[1] == "th"
    say(fake, first, "message from the first")
    say(fake, second, "ข้อความจากคนที่สอง", "th")
    copies_from(fake, second)
    copies_from(fake, first)
    assert "message from the first" in [m.get("text") for m in fake.messages_in(STAFF, a)]
    assert "ข้อความจากคนที่สอง" not in [m.get("text") for m in fake.messages_in(STAFF, a)]
    assert "ข้อความจากคนที่สอง" in [m.get("text") for m in fake.messages_in(STAFF, b)]
    assert "message from the first" not in [m.get("text") for m in fake.messages_in(STAFF, b)]
    staff_says(fake, b, "ตอบคนที่สอง")
    fake.wait_for("copyMessage", second)
    time.sleep(1)
    assert not fake.calls_to("copyMessage", first)
    assert "ตอบคนที่สอง" in [m.get("text") for m in fake.messages_in(second)]
    cases = staff_says(fake, None, "/cases")
    assert cases
    listing = wait_until(lambda: [p for p in staff_posts(fake) if "Open cases" in p], what="/cases")[-1]
    label_a, label_b = (fake.topics[(STAFF, x)]["name"].split(" · ")[0] for x in (a, b))
    assert listing.index(label_a) < listing.index(label_b)  # waiting first: b was answered
    for chat, language in ((first, "en"), (second, "th")):
        say(fake, chat, "/stop", language)
        said_to(fake, chat, translate(t.ENDED_BY_HER, language))


def test_she_blocked_the_bot(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    thread = open_case(fake, chat)
    staff_says(fake, thread, "hello")
    fake.wait_for("copyMessage", chat)
    fake.blocked.add(chat)
    try:
        staff_says(fake, thread, "are you still there?")
        wait_until(lambda: any("blocked the bot" in p for p in staff_posts(fake)), what="the blocked note")
        fake.wait_for("deleteForumTopic", STAFF, where=lambda c: int(c.params["message_thread_id"]) == thread)
    finally:
        fake.blocked.discard(chat)


def test_erase_ends_the_case_and_deletes_her_side(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    thread = open_case(fake, chat)
    mine = say(fake, chat, "my message to the person")
    staff_says(fake, thread, "a reply to her")
    fake.wait_for("copyMessage", chat)
    say(fake, chat, "/erase")
    deleted = fake.wait_for("deleteMessages", chat)[0].params["message_ids"]
    copied_to_her = [m["message_id"] for m in fake.messages_in(chat) if m.get("text") == "a reply to her"]
    assert mine["message"]["message_id"] in deleted and copied_to_her[0] in deleted
    fake.wait_for("deleteForumTopic", STAFF, where=lambda c: int(c.params["message_thread_id"]) == thread)
    assert not [x for x in texts_to(fake, chat) if en(t.ENDED_BY_HER) in x]  # erased, not announced
    assert not fake.messages_in(STAFF, thread)  # the topic and its copies are gone


def test_opening_hours_and_holidays(desk) -> None:
    fake, _, hours = desk
    try:
        for closed in (holiday_today, closed_by_the_hour):
            closed(hours)
            time.sleep(2.5)  # the file is read again within two seconds
            chat = next(chats)
            say(fake, chat, "can i talk to real person")
            line = said_to(fake, chat, en(t.CLOSED_NOW).split("{")[0])
            assert "Laos Time" in line.params["text"] and not button_payloads(line)
            assert any("1362" in x for x in texts_to(fake, chat))  # the numbers, as before
            assert not [x for x in texts_to(fake, chat) if en(t.OFFER)[:30] in x]
            press(fake, chat, TALK)  # an old offer's button, pressed after hours
            reply = said_to(fake, chat, en(t.CANNOT_REACH))
            assert "1362" in reply.params["text"] or "1300" in reply.params["text"]
        always_open(hours)
        time.sleep(2.5)
        chat = next(chats)
        say(fake, chat, "/help")
        offer = said_to(fake, chat, en(t.OFFER)[:30])
        assert button_payloads(offer) == [TALK]
        assert any("/stop" in x for x in texts_to(fake, chat))
    finally:
        always_open(hours)


def test_report_in_the_staff_group(desk) -> None:
    fake, _, _ = desk
    staff_says(fake, None, "/report@helpline_test_bot")
    files = fake.wait_for("sendDocument", STAFF, count=2, timeout=60)
    names = [c.params["document"]["filename"] for c in files]
    assert names[0].endswith(".html") and names[1].endswith(".csv")
    html = files[0].params["document"]["content"].decode("utf-8")
    assert 'id="person"' in html and 'id="person_waits"' in html
    rows = {
        (r["table"], r["row_key"]): r
        for r in csv.DictReader(io.StringIO(files[1].params["document"]["content"].decode("utf-8-sig")))
    }
    assert rows[("summary", "conversations")]["this_period"] == "30"
    assert rows[("person", "offered")]["this_period"] == "15"
    # The same suppression as `helpline report`: the 3 who asked are hidden (with the zeros beside them).
    assert rows[("person_reasons", "asked")]["this_period"] == "<5"
    assert rows[("person_reasons", "danger")]["this_period"] == "12"
    assert rows[("person_reasons", "total")]["this_period"] == "15"
    assert [rows[("person_waits", k)]["this_period"] for k in ("<2m", "5-15m", "total")] == ["6", "<5", "7"]
    assert "Statistics report" in str(files[0].params.get("caption"))


def test_counsellor_events_are_counted_without_anything_else(desk) -> None:
    fake, service, _ = desk
    database = service.log_path.parent / "statistics.sqlite3"
    before = event_counts(f"sqlite:///{database}")
    chat = next(chats)
    thread = open_case(fake, chat)
    staff_says(fake, thread, "hello, I am here")
    fake.wait_for("copyMessage", chat)
    staff_says(fake, thread, "/end")
    said_to(fake, chat, en(t.ENDED_BY_STAFF))
    wanted = {"person_offered": 1, "person_accepted": 1, "person_answered": 1, "person_closed": 1}

    def grown() -> bool:
        now = event_counts(f"sqlite:///{database}")
        return all(now[k] - before[k] >= n for k, n in wanted.items())

    wait_until(grown, 30, "the counsellor events")
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT kind, outcome, channel, demo FROM daily_counts WHERE kind LIKE 'person_%'")
        ).all()
    engine.dispose()
    assert ("person_closed", "staff", "telegram", 0) in [tuple(r) for r in rows]
    assert {r[1] for r in rows if r[0] == "person_answered"} <= {"<2m", "2-5m", "5-15m", "15-60m", ">60m"}


def test_no_trace_of_her_or_of_what_was_written_on_disk(desk) -> None:
    """Her words, the counsellor's, her chat id and its hash: in no log, statistics or spool file."""
    from bot.gateway.identity import sender_id
    from tests.counsellors.desk import SENDER_KEY
    from tests.privacy.traces import find_traces

    fake, service, _ = desk
    chat = next(chats)
    mark = f"Bouasone{chat}"
    thread = open_case(fake, chat)
    say(fake, chat, f"my name is {mark} and I am in Pakse")
    copies_from(fake, chat)
    staff_says(fake, thread, f"hello {mark}, I hear you")
    fake.wait_for("copyMessage", chat)
    say(fake, chat, "/stop")
    said_to(fake, chat, en(t.ENDED_BY_HER))
    time.sleep(2)  # the statistics are written in the background
    folder = service.log_path.parent
    assert (folder / "statistics.sqlite3").exists() and service.log_path.exists()
    needles = [mark, "Pakse", str(chat), sender_id(SENDER_KEY.encode(), chat)]
    assert find_traces([folder], needles) == []


def test_after_a_danger_answer_the_offer_comes_after_the_emergency_numbers(desk) -> None:
    fake, _, _ = desk
    chat = next(chats)
    say(fake, chat, "I am in Thailand, they took my passport and locked me in")
    offer = said_to(fake, chat, en(t.OFFER)[:30])
    before = [c for c in fake.calls_to("sendMessage", chat) if c.at < offer.at]
    assert before and "191" in str(before[0].params["text"])  # the emergency numbers first, the offer after
    # Under the next danger answer, not again so soon.
    say(fake, chat, "please help me, I am locked in")
    wait_until(lambda: len([x for x in texts_to(fake, chat) if "191" in x]) >= 2, what="the second answer")
    time.sleep(2)
    assert len([x for x in texts_to(fake, chat) if en(t.OFFER)[:30] in x]) == 1
    topics = set(topics_now(fake))
    press(fake, chat, TALK)
    press(fake, chat, AGREE)
    said_to(fake, chat, en(t.OPENED)[:20])
    thread = max(wait_until(lambda: set(topics_now(fake)) - topics, what="her topic"))
    assert fake.topics[(STAFF, thread)]["name"].endswith(" · en · Thailand")
    opening = wait_until(lambda: staff_posts(fake, thread), what="the case's first post")[0]
    assert "after a danger answer" in opening and "She may be in danger" in opening
    say(fake, chat, "/stop")
    said_to(fake, chat, en(t.ENDED_BY_HER))


def test_the_demo_page_never_reaches_the_staff_group(desk) -> None:
    """The same gateway serves the demo page: its simulated counsellor asks nothing of Telegram."""
    import urllib.request

    fake, service, _ = desk
    url = service.health_url.rsplit("/", 1)[0]
    staff_calls = len([c for c in fake.calls if str(c.params.get("chat_id")) == str(STAFF)])

    def post(text: str) -> list:
        body = json.dumps({"session": "demo0desk0session", "text": text, "language": "en"}).encode()
        request = urllib.request.Request(f"{url}/api/message", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)["replies"]

    replies = post("can i talk to real person")
    assert replies[-1]["buttons"] == [{"title": en(t.OFFER_BUTTON), "payload": TALK}]
    assert "Before a person reads" in post(TALK)[0]["text"]
    opened = post(AGREE)
    assert opened[-1]["counsellor"].startswith("Simulated counsellor")
    assert post("he keeps my passport")[-1].get("counsellor")  # danger words: the numbers, and the demo
    ended = post("/stop")[0]["text"]
    assert en(t.ENDED_BY_HER) in ended and ("191" in ended or "1362" in ended)
    time.sleep(1)
    assert len([c for c in fake.calls if str(c.params.get("chat_id")) == str(STAFF)]) == staff_calls
