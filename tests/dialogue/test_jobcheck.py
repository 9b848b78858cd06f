from bot.jobcheck import HIGH, LOW, QUESTIONS, SOME, WHY, assess
from bot.nlu.scripts import detect_language


def answers(**given):
    return {q: given.get(q, "no") for q in QUESTIONS}


def test_no_sign_is_low() -> None:
    assert assess(answers()).level == LOW


def test_one_ordinary_sign_is_some() -> None:
    result = assess(answers(job_pay="yes"))
    assert (result.level, result.signs) == (SOME, ["job_pay"])


def test_a_kept_passport_alone_is_high() -> None:
    assert assess(answers(job_passport="yes")).level == HIGH


def test_three_signs_are_high() -> None:
    assert assess(answers(job_fee="yes", job_contact="yes", job_place="yes")).level == HIGH


def test_not_knowing_twice_is_some() -> None:
    result = assess(answers(job_fee="unknown", job_pay="unknown"))
    assert result.level == SOME and result.unsure == ["job_fee", "job_pay"] and result.signs == []


def test_every_sign_is_explained_in_each_language() -> None:
    assert set(WHY) == set(QUESTIONS)
    result = assess(answers(**{q: "yes" for q in QUESTIONS}))
    for language in ("lo", "th", "en"):
        text = result.explained(language)
        assert text.count("\n") == len(QUESTIONS) - 1
        assert detect_language(text) == language
