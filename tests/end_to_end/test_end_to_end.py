"""Her messages in, over HTTP, through the real Rasa and action servers."""

from __future__ import annotations

import uuid

import pytest

from bot.settings import Settings
from bot.text.language_id import detect_language
from tests.conversation import talk, text_of

pytestmark = pytest.mark.servers

HELP_NUMBERS = ("1191", "1362", "191", "1300")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("lo", "ຊ່ວຍແດ່ ຂ້ອຍຖືກຂັງໄວ້ ອອກບໍ່ໄດ້"),
        ("th", "ช่วยด้วยค่ะ หนูถูกขังไว้ ออกไปไหนไม่ได้"),
        ("en", "help me please i am locked in and cant leave"),
    ],
)
def test_danger_gets_the_numbers_first_in_her_language(
    servers: Settings, language: str, message: str
) -> None:
    replies = talk(servers, uuid.uuid4().hex, message)
    first = replies[0]["text"]
    assert detect_language(first) == language
    for number in HELP_NUMBERS:
        assert number in first


@pytest.mark.parametrize(
    ("language", "message", "expected"),
    [
        ("lo", "ສະບາຍດີ", None),
        ("th", "สวัสดีค่ะ", None),
        ("en", "hello", None),
        ("lo", "ຄ່າທຳນຽມເຮັດວີຊາ ແລະ ໃບອະນຸຍາດເຮັດວຽກ ແມ່ນເທົ່າໃດ", "2.000"),
        ("th", "ค่าทำวีซ่ากับใบอนุญาตทำงานต้องจ่ายเท่าไหร่คะ", "2,000 บาท"),
        ("en", "how much are the official fees for visa and work permit", "2,000 Thai baht"),
    ],
)
def test_reply_is_in_her_script_with_the_content(
    servers: Settings, language: str, message: str, expected: str | None
) -> None:
    replies = talk(servers, uuid.uuid4().hex, message)
    assert detect_language(text_of(replies)) == language
    if expected:
        assert expected in text_of(replies)
    else:  # a greeting offers the topics as buttons, titled in her language
        buttons = [b for r in replies for b in r.get("buttons") or []]
        assert buttons and detect_language(buttons[0]["title"]) == language


def test_reply_follows_her_latest_message(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    assert detect_language(text_of(talk(servers, sender, "hello"))) == "en"
    assert detect_language(text_of(talk(servers, sender, "ສະບາຍດີ"))) == "lo"


def test_a_chosen_language_sticks(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, "ສະບາຍດີ")
    confirmation = talk(servers, sender, '/set_language{"language": "th"}')
    assert detect_language(text_of(confirmation)) == "th"
    later = talk(servers, sender, "ສັນຍານເຕືອນໄພມີຫຍັງແດ່")
    assert detect_language(text_of(later)) == "th"


def test_a_button_payload_gets_its_answer(servers: Settings) -> None:
    replies = talk(servers, uuid.uuid4().hex, "/ask_hotline")
    assert "1362" in text_of(replies) and "1300" in text_of(replies)


@pytest.mark.parametrize("message", ["qwzx plorb vrrk", "😶‍🌫️😶‍🌫️", "??", "x" * 5000])
def test_what_it_cannot_understand_still_offers_help(servers: Settings, message: str) -> None:
    text = text_of(talk(servers, uuid.uuid4().hex, message))
    assert "1362" in text and "1300" in text
