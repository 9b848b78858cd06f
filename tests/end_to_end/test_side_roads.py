"""The side roads through the real Rasa and action servers, in Lao, Thai and English: every place she
can be (each country of the directory, another country, "I don't know") × every need, and the danger
conversations the danger issue found wanting."""

from __future__ import annotations

import json
import re
import uuid
from typing import List

import pytest

from bot.contacts.directory import load_directory, select
from bot.contacts.table import COLUMNS, cell
from bot.settings import Settings
from bot.text.language_id import detect_language
from bot.vocabulary import COUNTRIES, EMERGENCY, UNKNOWN_PLACE
from tests.conversation import talk, text_of

pytestmark = pytest.mark.servers

GREETING = {"lo": "ສະບາຍດີ", "th": "สวัสดีค่ะ", "en": "hello"}
NEED_PAYLOADS = {
    "danger": "/need_help_now",
    "report someone": "/report_trafficking",
    "go home": "/ask_go_home",
    "work": "/ask_worker_rights",
    "police": '/ask_hotline{"service": "police"}',
    "general": "/ask_hotline",
}
SAFETY = {"lo": "ບ່ອນທີ່ປອດໄພ", "th": "ที่ปลอดภัย", "en": "safe place"}


def numbers_in(cell_text: str) -> List[str]:
    return re.findall(r"\+?\d[\d\- ]*\d", cell_text)


@pytest.mark.parametrize("language", ["lo", "th", "en"])
@pytest.mark.parametrize("location", [*COUNTRIES, UNKNOWN_PLACE])
@pytest.mark.parametrize("need", list(NEED_PAYLOADS))
def test_every_place_and_need(servers: Settings, language: str, location: str, need: str) -> None:
    sender = uuid.uuid4().hex
    talk(servers, sender, GREETING[language])
    talk(servers, sender, f"/inform_location{json.dumps({'location': location})}")
    replies = talk(servers, sender, NEED_PAYLOADS[need])
    text = text_of(replies)
    assert detect_language(text) == language
    for number in numbers_in(cell(location, COLUMNS[need])):
        assert number in text, f"{location} / {need}: {number} missing from {text!r}"
    if need == "danger":
        emergency = select(load_directory(), location, EMERGENCY) if location in COUNTRIES else []
        if emergency:  # the first thing she reads is the first number to call where she is
            assert text.index(emergency[0].number) < 80
        assert SAFETY[language] in text


def conversation(servers: Settings, *messages: str) -> List[str]:
    sender = uuid.uuid4().hex
    return [text_of(talk(servers, sender, message)) for message in messages]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "I'm in Myanmar, they lock us in a compound, please help"),
        ("lo", "ຂ້ອຍຢູ່ມຽນມາ ເຂົາຂັງພວກເຮົາໄວ້ໃນຕຶກ ຊ່ວຍແດ່"),
        ("th", "หนูอยู่พม่า เขาขังพวกเราไว้ในตึก ช่วยด้วย"),
        ("lo", "khoy yu phama khao khang hao wai suay dae"),
    ],
)
def test_held_in_myanmar_gets_myanmars_police_and_where_people_cross(
    servers: Settings, language: str, message: str
) -> None:
    (text,) = conversation(servers, message)
    assert detect_language(text) == language
    assert text.index("199") < text.index("191") and "1362" in text
    assert text.index("1300") > text.index("199")  # Thailand's line only after the crossing


@pytest.mark.parametrize(
    ("language", "danger", "malaysia"),
    [
        ("en", "help me please, I am in danger", "malaysia"),
        ("lo", "ຊ່ວຍແດ່ ຂ້ອຍມີອັນຕະລາຍ", "ມາເລເຊຍ"),
        ("th", "ช่วยด้วยค่ะ หนูอยู่ในอันตราย", "มาเลเซีย"),
    ],
)
def test_danger_is_not_forgotten_through_another_country(
    servers: Settings, language: str, danger: str, malaysia: str
) -> None:
    first, other, then = conversation(servers, danger, '/inform_location{"location": "other"}', malaysia)
    assert "1191" in first and "191" in first
    assert "1362" in other  # no checked number for "another country": said plainly, the Lao line
    assert then.index("999") < (then.index("03-8000 8000") if "03-8000 8000" in then else len(then))
    assert detect_language(then) == language


@pytest.mark.parametrize(
    ("message", "expected", "not_expected"),
    [
        ("what is the police number in Thailand", "191", "1191"),
        ("ເບີໂທຕຳຫຼວດຢູ່ລາວແມ່ນຫຍັງ", "1191", None),
        ("เบอร์ตำรวจที่ลาวคือเบอร์อะไรคะ", "1191", None),
        ("ber tamluat yu thai men jak", "191", "1191"),
    ],
)
def test_police_numbers_for_the_place_asked(
    servers: Settings, message: str, expected: str, not_expected
) -> None:
    (text,) = conversation(servers, message)
    assert re.search(rf"(?<!\d){expected}(?!\d)", text), text
    if not_expected:
        assert not_expected not in text


@pytest.mark.parametrize(
    ("language", "job", "now"),
    [
        ("en", "I am in Vientiane. A broker offers me a job in Malaysia, is it real?", "I need help now"),
        ("lo", "ຂ້ອຍຢູ່ວຽງຈັນ ນາຍໜ້າຊວນໄປເຮັດວຽກມາເລເຊຍ ແທ້ບໍ່", "ຊ່ວຍແດ່ ຕອນນີ້ມີອັນຕະລາຍ"),
        ("th", "หนูอยู่เวียงจันทน์ค่ะ นายหน้าชวนไปทำงานมาเลเซีย จริงไหม", "ช่วยด้วยค่ะ ตอนนี้หนูไม่ปลอดภัย"),
    ],
)
def test_the_numbers_follow_where_she_is_not_the_jobs_country(
    servers: Settings, language: str, job: str, now: str
) -> None:
    _, text = conversation(servers, job, now)
    assert text.index("1191") < 80 and "999" not in text


@pytest.mark.parametrize(
    "message",
    [
        "they say i owe them money and i cant go home until i pay",
        "I think I'm being trafficked",
        "they took my phone and i'm borrowing one to write this",
        "ເຂົາບອກວ່າຂ້ອຍຕິດໜີ້ ຕ້ອງເຮັດວຽກໃຊ້ໜີ້ກ່ອນຈຶ່ງກັບບ້ານໄດ້",
        "เขายึดโทรศัพท์หนูไป นี่ยืมโทรศัพท์เพื่อนมาพิมพ์",
        "suay dae khoy thuk khang yu ork bor dai",
        "เขาบังคับให้ข้อยขายโต ข้อยออกบ่ได้",
    ],
)
def test_danger_inside_another_topic_gets_the_emergency_numbers(servers: Settings, message: str) -> None:
    (text,) = conversation(servers, message)
    assert "1191" in text and "191" in text, text


def test_romanized_lao_is_answered_in_lao_script_with_a_language_button(servers: Settings) -> None:
    sender = uuid.uuid4().hex
    replies = talk(servers, sender, "khoy yak pai het viak yu thai")
    assert detect_language(text_of(replies)) == "lo"
    assert any(b["payload"] == "/set_language" for r in replies for b in r.get("buttons") or [])
    later = talk(servers, sender, '/set_language{"language": "en"}')
    assert detect_language(text_of(later)) == "en"
    assert detect_language(text_of(talk(servers, sender, "bor hu"))) == "en"  # her choice sticks
