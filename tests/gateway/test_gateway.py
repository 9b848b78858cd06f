"""The real Telegram gateway, over HTTP, against a local Bot API server and the real Rasa servers."""

from __future__ import annotations

import itertools
import json
import socket
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator, Tuple

import pytest

from bot.services import Service, start_gateway
from bot.settings import Settings
from bot.text.language_id import detect_language
from tests.conftest import free_port
from tests.fake_telegram import FakeTelegram, SwitchableRasa, button_update, message_update, text_update

pytestmark = pytest.mark.servers

TOKEN = "123456789:TEST-never-log-this-token"
SENDER_KEY = "test-key-for-hashing-chat-ids"
chat_ids = itertools.count(880_001)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def gateway_env(fake: FakeTelegram, **extra: str) -> dict:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "HELPLINE_SENDER_KEY": SENDER_KEY,
        "GATEWAY_PORT": str(free_port()),
        **extra,
    }


def run_gateway(settings: Settings, fake: FakeTelegram, **extra: str) -> Service:
    service = start_gateway(settings, gateway_env(fake, **extra))
    service.wait_ready(60)
    return service


@contextmanager
def own_gateway(settings: Settings, tmp_path, **extra: str) -> Iterator[Tuple[FakeTelegram, Service]]:
    """A second gateway with its own Bot API server: two gateways polling one server would share updates."""
    own = FakeTelegram().start()
    service = run_gateway(replace(settings, run_dir=tmp_path), own, **extra)
    try:
        yield own, service
    finally:
        service.stop()
        own.stop()


@pytest.fixture(scope="module")
def gateway(servers: Settings, fake: FakeTelegram, tmp_path_factory) -> Iterator[Service]:
    settings = replace(servers, run_dir=tmp_path_factory.mktemp("gateway"))
    service = run_gateway(settings, fake)
    yield service
    service.stop()


def texts_to(fake: FakeTelegram, chat_id: int, count: int = 1, **kw) -> list:
    return [c.params["text"] for c in fake.wait_for("sendMessage", chat_id, count, **kw)]


def test_start_registers_commands_in_three_languages(gateway: Service, fake: FakeTelegram) -> None:
    calls = fake.wait_for("setMyCommands", count=4)
    languages = {c.params.get("language_code") for c in calls}
    assert languages == {None, "lo", "th", "en"}
    fake.wait_for("deleteWebhook")  # polling mode


@pytest.mark.parametrize(
    ("language", "text"),
    [("lo", "ສະບາຍດີ"), ("th", "สวัสดีค่ะ"), ("en", "hello")],
)
def test_a_conversation_in_each_language(
    gateway: Service, fake: FakeTelegram, language: str, text: str
) -> None:
    chat = next(chat_ids)
    fake.push(text_update(fake, chat, text))
    call = fake.wait_for("sendMessage", chat)[0]
    assert detect_language(call.params["text"]) == language
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"]["inline_keyboard"]  # the topic buttons
    fake.wait_for("sendChatAction", chat)  # "typing" while Rasa thinks


def test_a_button_press_is_answered_and_its_keyboard_removed(gateway: Service, fake: FakeTelegram) -> None:
    chat = next(chat_ids)
    fake.push(text_update(fake, chat, "/start"))
    first = fake.wait_for("sendMessage", chat)[0]
    keyboard = first.params["reply_markup"]["inline_keyboard"]
    payload = next(
        row[0]["callback_data"] for row in keyboard if row[0]["callback_data"] == "/ask_warning_signs"
    )
    fake.push(button_update(fake, chat, 10, payload))
    fake.wait_for("answerCallbackQuery")
    edits = fake.wait_for("editMessageReplyMarkup", chat)
    assert edits[0].params.get("reply_markup") in (None, "", {})
    assert "1362" in texts_to(fake, chat, 2)[-1]


def test_hotline_numbers_come_as_contact_cards(gateway: Service, fake: FakeTelegram) -> None:
    chat = next(chat_ids)
    fake.push(text_update(fake, chat, "/hotline", language_code="th"))
    fake.wait_for("sendMessage", chat)
    fake.push(button_update(fake, chat, 11, '/ask_hotline{"country": "thailand"}'))
    contact = fake.wait_for("sendContact", chat)[0]
    assert str(contact.params["phone_number"]) == "1300"
    assert "1300" in texts_to(fake, chat, 2)[-1]


def test_a_shared_location_gives_that_countrys_numbers(gateway: Service, fake: FakeTelegram) -> None:
    chat = next(chat_ids)
    fake.push(message_update(fake, chat, location={"latitude": 17.41, "longitude": 102.79}))  # Udon Thani
    contact = fake.wait_for("sendContact", chat)[0]
    assert str(contact.params["phone_number"]) == "1300"


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "s", "file_unique_id": "su", "type": "regular", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False}},
        {"voice": {"file_id": "v", "file_unique_id": "vu", "duration": 3}},
        {"photo": [{"file_id": "p", "file_unique_id": "pu", "width": 90, "height": 90}]},
        {"document": {"file_id": "d", "file_unique_id": "du"}},
    ],
)  # fmt: skip
def test_anything_but_text_gets_a_line_and_the_numbers(gateway: Service, fake: FakeTelegram, content) -> None:
    chat = next(chat_ids)
    fake.push(message_update(fake, chat, language_code="th", **content))
    text = texts_to(fake, chat)[0]
    assert "1300" in text and "1362" in text and detect_language(text) == "th"


def test_group_chats_get_one_line_and_nothing_else(gateway: Service, fake: FakeTelegram) -> None:
    group = -next(chat_ids)
    fake.push(text_update(fake, group, "ສະບາຍດີ", chat_type="group"))
    assert len(texts_to(fake, group)) == 1
    time.sleep(1)
    assert len(fake.calls_to("sendMessage", group)) == 1


def test_erase_deletes_both_sides_and_leaves_one_neutral_line(gateway: Service, fake: FakeTelegram) -> None:
    chat = next(chat_ids)
    mine = text_update(fake, chat, "ສັນຍານເຕືອນໄພມີຫຍັງແດ່")
    fake.push(mine)
    bot_message_ids = [c.params for c in fake.wait_for("sendMessage", chat)]
    assert bot_message_ids
    fake.push(text_update(fake, chat, "/erase"))
    deleted = fake.wait_for("deleteMessages", chat)[0].params["message_ids"]
    assert mine["message"]["message_id"] in deleted
    assert len(deleted) >= 3  # her message, the replies, the /erase command itself
    final = texts_to(fake, chat, 2)[-1]
    assert "1362" not in final and detect_language(final) == "lo"


def test_telegrams_429_is_honoured(gateway: Service, fake: FakeTelegram) -> None:
    chat = next(chat_ids)
    fake.too_many["sendMessage"] = 1
    fake.push(text_update(fake, chat, "hello"))
    refused, delivered = fake.wait_for("sendMessage", chat, 2, timeout=40)[:2]
    assert delivered.at - refused.at >= 1.0


def test_flood_control_answers_once_and_drops_the_rest(gateway: Service, fake: FakeTelegram) -> None:
    chat = next(chat_ids)
    for _ in range(12):
        fake.push(text_update(fake, chat, "/help", language_code="en"))
    time.sleep(4)
    helps = [t for t in (c.params["text"] for c in fake.calls_to("sendMessage", chat)) if "/erase" in t]
    waits = [c for c in fake.calls_to("sendMessage", chat) if "wait" in c.params["text"]]
    assert 6 <= len(helps) <= 8 and len(waits) == 1


def test_when_rasa_is_down_she_still_gets_the_numbers(servers: Settings, tmp_path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # nothing listens here once the socket closes
    with own_gateway(servers, tmp_path, RASA_URL=f"http://127.0.0.1:{dead}") as (fake, service):
        chat = next(chat_ids)
        started = time.monotonic()
        fake.push(text_update(fake, chat, "ຊ່ວຍແດ່"))
        text = texts_to(fake, chat, timeout=15)[0]
        assert time.monotonic() - started < 10
        assert "1191" in text and "1362" in text and detect_language(text) == "lo"
        assert service.process.poll() is None  # still running


def test_a_failing_or_slow_back_end_gets_the_numbers_and_the_gateway_recovers(
    servers: Settings, tmp_path
) -> None:
    rasa = SwitchableRasa(servers.rasa_url).start()
    with own_gateway(servers, tmp_path, RASA_URL=rasa.url) as (fake, _):
        for mode in ("error", "slow"):
            rasa.mode = mode
            chat = next(chat_ids)
            started = time.monotonic()
            fake.push(text_update(fake, chat, "สวัสดีค่ะ", language_code="th"))
            text = texts_to(fake, chat, timeout=20)[0]
            assert time.monotonic() - started < 10, mode
            assert "1300" in text and detect_language(text) == "th", mode
        rasa.mode = "up"
        chat = next(chat_ids)
        fake.push(text_update(fake, chat, "hello"))
        call = fake.wait_for("sendMessage", chat)[0]
        assert call.params["reply_markup"]["inline_keyboard"]  # a real answer again, with the topic buttons


def test_webhook_checks_the_secret(servers: Settings, tmp_path) -> None:
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://helpline.example.org/telegram",
        "TELEGRAM_WEBHOOK_SECRET": "s3cret",
    }
    with own_gateway(servers, tmp_path, **env) as (fake, service):
        registered = fake.wait_for("setWebhook", where=lambda c: c.params.get("secret_token") == "s3cret")
        assert registered[0].params["url"] == env["TELEGRAM_WEBHOOK_URL"]
        assert not fake.calls_to("getUpdates")  # no polling in webhook mode
        port = service.health_url.split(":")[2].split("/")[0]
        chat = next(chat_ids)
        update = {"update_id": 990_001, **text_update(fake, chat, "hello")}

        def post(secret: str) -> int:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram",
                data=json.dumps(update).encode(),
                headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        assert post("wrong") == 403
        time.sleep(1)
        assert not fake.calls_to("sendMessage", chat)
        assert post("s3cret") == 200
        assert detect_language(texts_to(fake, chat)[0]) == "en"


def test_no_token_chat_id_hash_or_text_in_any_log_or_database(
    servers: Settings, gateway: Service, fake: FakeTelegram
) -> None:
    from bot.gateway.identity import sender_id

    chat = next(chat_ids)
    fake.push(text_update(fake, chat, "my friend Bouasone is in danger in Bangkok"))
    fake.wait_for("sendMessage", chat)
    time.sleep(2)  # let the statistics reach the database
    secrets = [
        TOKEN,
        TOKEN.split(":")[1],
        str(chat),
        sender_id(SENDER_KEY.encode(), chat),
        "Bouasone",
        SENDER_KEY,
    ]
    files = [gateway.log_path, *servers.run_dir.glob("*.log"), *servers.run_dir.glob("*.sqlite3")]
    assert len(files) >= 4
    for path in files:
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, f"{secret!r} in {path.name}"
