"""The danger net (bot/text/danger.py): strong danger cues found by rule, in every form she writes.

The phrasings below were written for this test, apart from the training data and the cue file's own
examples, so they show how the rules reach beyond the sentences they were written from.
"""

import re
from typing import Dict, List

import pytest
import yaml

from bot.settings import PROJECT_ROOT
from bot.text.danger import danger_cues, find_danger

UNSEEN_DANGER = {
    "en": [
        "pls they keep me inside the massage shop, door always locked",
        "my boss took my ID card and says i cant quit",
        "i have a debt to the agent and must work 2 years for free to pay it off",
        "the man forces me to sleep with his friends",
        "he hits me when i dont earn enough",
        "they said they will hurt my mother if i run",
        "they took away our phones, this is a friend's phone",
        "my uncle sold me to a chinese family",
        "we are forced to scam people online and cannot leave",
    ],
    "lo": [
        "ເຂົາບໍ່ໃຫ້ຂ້ອຍອອກຈາກຫ້ອງເລີຍ",
        "ນາຍຈ້າງຍຶດພາສປອດຂ້ອຍໄວ້ ບໍ່ຍອມຄືນ",
        "ຕ້ອງເຮັດວຽກໃຊ້ໜີ້ຄ່າເດີນທາງ ກັບບ້ານກໍບໍ່ໄດ້",
        "ເຂົາບັງຄັບໃຫ້ນ້ອງຮັບແຂກທຸກຄືນ",
        "ຂ້ອຍຖືກຕີຖ້າເຮັດວຽກບໍ່ທັນ",
        "ນ້ອງຖືກຂາຍໃຫ້ຄົນຈີນແລ້ວ",
    ],
    "th": [
        "หนูโดนขังอยู่ในห้อง ไม่ให้ออกไปไหน",
        "นายจ้างยึดพาสปอร์ตไปแล้ว",
        "เขาบอกว่าหนูติดหนี้ ต้องทำงานใช้หนี้ก่อน",
        "เขาบังคับให้หนูขายบริการ",
        "หนูถูกทำร้ายร่างกายทุกวัน",
        "ยืมโทรศัพท์เพื่อนมาพิมพ์ เขายึดของหนูไป",
    ],
    "lo_latn": [
        "khoy ork pai sai bor dai, khao fao tuk mue",
        "nai jang yeut passport khoy wai",
        "khoy tid ni khao lai, tong het viak sai",
        "khao bangkhap hai khoy non kap khaek",
        "khoy thuk ti thuk mue",
    ],
    "lo_thai": [
        "เขาบ่ให้ข้อยออกไปไส",
        "เถ้าแก่ยึดพาสข้อยไว้",
        "ข้อยติดหนี้เขา ต้องเฮ็ดเวียกใช้หนี้",
        "เขาบังคับให้ข้อยขายโต",
    ],
}

NOT_DANGER = [
    "what if the employer keeps my passport?",
    "can an agency keep my documents",
    "is it normal to pay the broker a fee?",
    "how do i know if a job is a trap",
    "ຖ້ານາຍຈ້າງເກັບໜັງສືຜ່ານແດນ ເຮັດແນວໃດ",
    "ການຄ້າມະນຸດແມ່ນຫຍັງ",
    "ค้ามนุษย์คืออะไร",
    "how do i lock my phone",
    "ໄປເຮັດວຽກຢູ່ໄທ ຕ້ອງມີເອກະສານຫຍັງແດ່",
    "nobody keeps my passport",
    "ไม่ได้เก็บพาสค่ะ",
]


@pytest.mark.parametrize("text", [t for texts in UNSEEN_DANGER.values() for t in texts])
def test_unseen_danger_phrasings_are_caught(text: str) -> None:
    assert find_danger(text), text


@pytest.mark.parametrize("text", NOT_DANGER)
def test_questions_about_signs_are_not_alarms(text: str) -> None:
    assert find_danger(text) == [], text


def test_every_example_in_the_cue_file_matches_its_cue() -> None:
    for cue, examples in danger_cues().examples.items():
        assert examples, f"{cue} has no examples"
        for example in examples:
            assert cue in find_danger(example), (cue, example)


HANDOFF_INTENTS = {"need_help_now", "report_trafficking", "ask_go_home", "ask_hotline"}


def _examples(path) -> Dict[str, List[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: Dict[str, List[str]] = {}
    for item in data["nlu"]:
        if "intent" in item:
            lines = [
                line.strip()[2:] for line in item["examples"].splitlines() if line.strip().startswith("- ")
            ]
            found[item["intent"]] = [re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", line) for line in lines]
    return found


@pytest.mark.parametrize("split", ["lo", "th", "en", "lo_latn", "lo_thai"])
def test_on_the_held_out_split(split: str) -> None:
    """By rule alone it catches most danger messages (the classifier catches the rest), and it almost
    never turns another question into an alarm."""
    examples = _examples(PROJECT_ROOT / "tests" / "nlu_holdout" / f"{split}.yml")
    danger = examples["need_help_now"]
    caught = sum(bool(find_danger(t)) for t in danger) / len(danger)
    others = [t for intent, texts in examples.items() if intent not in HANDOFF_INTENTS for t in texts]
    false_alarms = sum(bool(find_danger(t)) for t in others)
    assert caught >= 0.6, f"{split}: caught {caught:.0%} of danger messages"
    assert false_alarms <= 0.01 * len(others), f"{split}: {false_alarms} false alarms in {len(others)}"
