"""The job-offer check's scoring and which questions it still asks, table-driven."""

from typing import Dict, Optional

import pytest

from bot.jobcheck import HIGH, LOW, NO, QUESTIONS, SLOTS, SOME, UNKNOWN, YES, assess, questions_left
from bot.text.language_id import detect_language
from bot.vocabulary import LANGUAGES


def harmless(**given: str) -> Dict[str, Optional[str]]:
    """Every question answered the harmless way, except those given."""
    answers = {q.slot: (NO if q.sign == YES else YES) for q in QUESTIONS}
    answers.update(given)
    return answers


@pytest.mark.parametrize(
    ("given", "level"),
    [
        ({}, LOW),
        # Each serious sign alone is high.
        ({"job_under_18": YES}, HIGH),
        ({"job_passport": YES}, HIGH),
        ({"job_debt": YES}, HIGH),
        ({"job_free": NO}, HIGH),
        ({"job_border": YES}, HIGH),
        # One ordinary sign is some; three together are high.
        ({"job_pay": YES}, SOME),
        ({"job_contract": NO}, SOME),
        ({"job_recruiter": YES, "job_fee": YES}, SOME),
        ({"job_recruiter": YES, "job_fee": YES, "job_deductions": YES}, HIGH),
        ({"job_live_at_work": YES, "job_place": YES, "job_contract": NO}, HIGH),
        # "Don't know" about the passport or a debt is never low; one other "don't know" is.
        ({"job_passport": UNKNOWN}, SOME),
        ({"job_debt": UNKNOWN}, SOME),
        ({"job_pay": UNKNOWN}, LOW),
        ({"job_pay": UNKNOWN, "job_place": UNKNOWN}, SOME),
        # Lawful fees are not debt: a fee above the official rates is a sign, not a serious one.
        ({"job_fee": YES}, SOME),
        ({"job_fee": YES, "job_debt": UNKNOWN}, SOME),
    ],
)
def test_levels(given: Dict[str, str], level: str) -> None:
    assert assess(harmless(**given)).level == level


def test_signs_are_listed_in_question_order_and_unsure_answers_apart() -> None:
    result = assess(harmless(job_pay=YES, job_recruiter=YES, job_place=UNKNOWN))
    assert result.signs == ["job_recruiter", "job_pay"]
    assert result.unsure == ["job_place"]


def test_the_serious_questions_come_first() -> None:
    serious = [q.slot for q in QUESTIONS if q.serious]
    assert list(SLOTS[: len(serious)]) == serious


def test_no_more_questions_once_the_risk_is_high() -> None:
    assert questions_left({"job_under_18": YES}) == []
    assert questions_left({"job_under_18": NO, "job_passport": YES}) == []
    assert questions_left({"job_under_18": NO, "job_passport": NO}) == list(SLOTS[2:])


def test_a_low_risk_offer_is_asked_every_question() -> None:
    answers: Dict[str, Optional[str]] = {}
    asked = []
    while questions_left(answers):
        slot = questions_left(answers)[0]
        asked.append(slot)
        answers[slot] = harmless()[slot]
    assert asked == list(SLOTS) and assess(answers).level == LOW


def test_three_ordinary_signs_end_the_check_early() -> None:
    answers = {slot: harmless()[slot] for slot in SLOTS[:5]}
    answers.update(job_recruiter=YES, job_fee=YES, job_contract=NO)
    assert questions_left(answers) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sign_is_explained_in_each_language(language: str) -> None:
    result = assess({q.slot: q.sign for q in QUESTIONS})
    text = result.explained(language)
    assert text.count("\n") == len(QUESTIONS) - 1
    assert detect_language(text) == language
