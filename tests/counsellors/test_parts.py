"""The desk's parts without servers: the hours file and its checker, case labels and the queue's order,
what an offer marker may carry, the waiting bands, the weekly report's clock, the report's section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main as helpline
from bot.gateway.counsellors.cases import LABEL_ALPHABET, CaseBook, Known, Status, wait_band
from bot.gateway.counsellors.hours import HoursError, HoursFile, load_hours, parse_hours
from bot.gateway.counsellors.offers import OfferBook, split_offers
from bot.gateway.counsellors.reporting import WeeklyReport, parse_weekly
from bot.gateway.counsellors.wording import case_opening, topic_link, topic_name
from bot.settings import PROJECT_ROOT
from bot.vocabulary import PERSON_OFFER_KEY
from tests.counsellors.desk import ZONE

HOURS = """time_zone: Asia/Vientiane
weekly:
  monday: "08:30-12:00, 13:00-17:00"
  tuesday: "08:30-12:00, 13:00-17:00"
  wednesday: "08:30-12:00, 13:00-17:00"
  thursday: "08:30-12:00, 13:00-17:00"
  friday: "18:00-24:00"
  saturday: "00:00-02:00"
  sunday: closed
holidays:
  2026-04-14: Lao New Year
"""


def at(day: str, clock: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZONE)


def test_the_shipped_hours_file_is_valid() -> None:
    hours = load_hours(PROJECT_ROOT / "data" / "staff_hours.yml")
    assert hours.hours_a_week() == 37.5 and hours.zone.key == "Asia/Vientiane"
    assert helpline(["check-staff-hours"]) == 0


@pytest.mark.parametrize(
    ("day", "clock", "is_open", "next_opening"),
    [
        ("2026-03-09", "09:00", True, "2026-03-09T09:00"),  # a Monday morning
        ("2026-03-09", "12:30", False, "2026-03-09T13:00"),  # lunch
        ("2026-03-09", "17:00", False, "2026-03-10T08:30"),  # closing time is closed
        ("2026-03-13", "23:59", True, "2026-03-13T23:59"),  # Friday night, until midnight
        ("2026-03-14", "01:30", True, "2026-03-14T01:30"),  # and on into Saturday
        ("2026-03-14", "02:00", False, "2026-03-16T08:30"),  # Sunday closed: Monday
        ("2026-04-14", "09:00", False, "2026-04-15T08:30"),  # a holiday on a Tuesday
        ("2026-04-13", "17:30", False, "2026-04-15T08:30"),  # the evening before it
    ],
)
def test_opening_hours_and_holidays(day: str, clock: str, is_open: bool, next_opening: str) -> None:
    hours = parse_hours(HOURS, Path("hours.yml"))
    now = at(day, clock)
    assert hours.is_open(now) is is_open
    assert hours.next_opening(now) == at(*next_opening.split("T"))
    assert hours.is_open(now.astimezone(dt.timezone.utc)) is is_open  # whatever zone the clock is in


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("sunday: closed", "sundey: closed"), "hours.yml:9: 'sundey' is not a day of the week"),
        (("  sunday: closed\n", ""), "lacks sunday"),
        (('friday: "18:00-24:00"', 'friday: "18:00-02:00"'), "hours.yml:7: friday: '18:00-02:00' ends"),
        (('friday: "18:00-24:00"', 'friday: "9 to 5"'), "'9 to 5' is not a span"),
        (('friday: "18:00-24:00"', 'friday: "10:00-12:00, 11:00-13:00"'), "overlap"),
        (('friday: "18:00-24:00"', 'friday: "25:00-26:00"'), "is not a time of day"),
        (("Asia/Vientiane", "Asia/Vientian"), "is not a time zone"),
        (("2026-04-14: Lao New Year", "14 April: Lao New Year"), "hours.yml:11: holiday '14 April'"),
        (("weekly:", "weekley:"), "unknown key(s): weekley"),
        (("holidays:\n", "holidays: [\n"), "not valid YAML"),
    ],
)
def test_a_mistake_in_the_hours_file_is_named_with_its_line(change: tuple, message: str) -> None:
    with pytest.raises(HoursError) as error:
        parse_hours(HOURS.replace(*change), Path("hours.yml"))
    assert message in str(error.value)


def test_the_checker_refuses_a_broken_file(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "hours.yml"
    broken.write_text(HOURS.replace('friday: "18:00-24:00"', 'friday: "late"'), encoding="utf-8")
    assert helpline(["check-staff-hours", str(broken)]) == 1
    assert "hours.yml:7" in capsys.readouterr().err
    broken.write_text(HOURS, encoding="utf-8")
    assert helpline(["check-staff-hours", str(broken)]) == 0


def test_an_edited_hours_file_is_read_again_and_a_broken_edit_keeps_the_last_good_one(tmp_path: Path) -> None:
    path = tmp_path / "hours.yml"
    path.write_text(HOURS, encoding="utf-8")
    watched = HoursFile(path, recheck_seconds=0)
    assert not watched.current().is_open(at("2026-03-15", "10:00"))  # Sunday: closed
    path.write_text(HOURS.replace("sunday: closed", 'sunday: "09:00-12:00"'), encoding="utf-8")
    assert watched.current().is_open(at("2026-03-15", "10:00"))
    path.write_text(HOURS.replace("sunday: closed", "sunday: sometimes"), encoding="utf-8")
    assert watched.current().is_open(at("2026-03-15", "10:00")) and "sunday" in str(watched.error)


def test_wait_bands() -> None:
    assert [wait_band(s) for s in (0, 119, 120, 299, 300, 899, 900, 3599, 3600, 10**6)] == [
        "<2m", "<2m", "2-5m", "2-5m", "5-15m", "5-15m", "15-60m", "15-60m", ">60m", ">60m"
    ]  # fmt: skip


def test_labels_are_short_random_and_unique_and_waiting_cases_come_first() -> None:
    book = CaseBook(max_cases=300)
    cases = [book.open(1000 + i, f"tg-{i}", "lo", Known()) for i in range(300)]
    labels = [c.label for c in cases]
    assert len(set(labels)) == 300 and all(len(x) == 4 and set(x) <= set(LABEL_ALPHABET) for x in labels)
    assert book.full
    cases[0].status = Status.ANSWERED
    cases[1].status = Status.WAITING
    assert book.all()[0] is cases[1] and book.all()[-1] is cases[0]
    book.set_thread(cases[1], 55)
    assert book.of_thread(55) is cases[1] and book.of_sender("tg-1") is cases[1]
    assert book.remove(cases[1]) and not book.remove(cases[1])  # closed twice at once: once
    assert book.of_thread(55) is None and book.of_sender("tg-1") is None


def test_a_marker_carries_closed_set_facts_only() -> None:
    replies = [
        {"text": "numbers"},
        {"custom": {"contact": {"phone_number": "1300", "first_name": "OSCC"}}},
        {"custom": {PERSON_OFFER_KEY: {"reason": "danger", "topic": "need_help_now", "location": "thailand",
                                       "job_check": "high", "in_danger": True}}},  # fmt: skip
        {"custom": {PERSON_OFFER_KEY: {"reason": "her words", "topic": "Noy in Bangkok", "in_danger": "yes",
                                       "location": "Bangkok 10110", "job_check": "yes"}}},  # fmt: skip
    ]
    kept, offers = split_offers(replies)
    assert kept == replies[:2]
    assert offers[0] == Known("danger", "need_help_now", "thailand", "high", True)
    assert offers[1] == Known("asked", None, None, None, False)
    assert offers[0].merged(Known("asked")) == Known("asked", "need_help_now", "thailand", "high", True)


def test_an_offer_under_danger_answers_is_not_repeated_but_asking_always_gets_it() -> None:
    book = OfferBook()
    book.learn("tg-1", Known("danger"))
    assert book.may_show("tg-1", explicit=False)
    book.shown("tg-1")
    assert not book.may_show("tg-1", explicit=False) and book.may_show("tg-1", explicit=True)
    assert book.known("tg-1").reason == "danger" and book.known("tg-2") == Known()


def test_what_the_counsellors_see_first() -> None:
    book = CaseBook()
    case = book.open(123456789, "tg-x", "lo", Known("jobcheck", "check_job_offer", "thailand", "high", True))
    name = topic_name(case, "en")
    assert name == f"{case.label} · lo · Thailand"
    opening = case_opening(case, "en")
    for line in ("job-offer check with many warning signs", "Checking a job offer", "Many warning signs",
                 "Where she is: Thailand", "emergency numbers"):  # fmt: skip
        assert line in opening
    assert "123456789" not in opening + name and "tg-x" not in opening + name
    assert "ສະຫະ" not in case_opening(case, "lo") and "ກໍລະນີໃໝ່" in case_opening(case, "lo")
    assert topic_link(-1001234567890, 77) == "https://t.me/c/1234567890/77"


def test_the_weekly_report_clock() -> None:
    weekly = WeeklyReport("Monday 09:00", ZONE)
    assert weekly.next_run(at("2026-03-09", "08:59")) == at("2026-03-09", "09:00")
    assert weekly.next_run(at("2026-03-09", "09:00")) == at("2026-03-16", "09:00")
    assert weekly.next_run(at("2026-03-11", "12:00")) == at("2026-03-16", "09:00")
    for wrong in ("monday", "mon 9:00", "monday 25:00", "someday 09:00"):
        with pytest.raises(ValueError):
            parse_weekly(wrong)


def test_staff_commands_for_this_bot_only() -> None:
    from bot.gateway.counsellors.staff_side import parse_command

    assert parse_command("/end", "helpline_bot") == ("end", "")
    assert parse_command("/report 12", "helpline_bot") == ("report", "12")
    assert parse_command("/Cases@Helpline_Bot", "helpline_bot") == ("cases", "")
    assert parse_command("/end@another_bot", "helpline_bot") is None  # another bot's command
    assert parse_command("see /end", "helpline_bot") is None and parse_command("hello", None) is None
