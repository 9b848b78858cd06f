"""Responses rendered in her language, from the real domain and the real catalogs."""

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language import reply_language
from bot.nlg import TranslatingNLG
from bot.settings import PROJECT_ROOT
from bot.text.language_id import detect_language


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def nlg(domain: Domain) -> TranslatingNLG:
    return TranslatingNLG(domain=domain)


def tracker_with(domain: Domain, messages: List[Dict[str, Any]], chosen: Optional[str] = None):
    events = [ActionExecuted("action_listen")]
    if chosen:
        events.append(SlotSet("language", chosen))
    for message in messages:
        events.append(
            UserUttered(
                message.get("text", ""),
                parse_data={"detected_language": message.get("lang")},
                metadata=message.get("metadata"),
            )
        )
    return DialogueStateTracker.from_events("someone", events, slots=domain.slots)


@pytest.mark.parametrize("language", ["lo", "th", "en"])
def test_every_response_renders_in_each_language(nlg: TranslatingNLG, domain: Domain, language: str) -> None:
    filled_by_actions = {
        "signs": "- …", "contacts": "1300 – …", "country_name": "…", "embassy_cities": "…",
        "crossing_from": "…", "crossing_to": "…", "neighbour_name": "…", "neighbour_contacts": "191 – …",
    }  # fmt: skip
    for name in domain.responses:
        response = nlg.render(name, language, {}, **filled_by_actions)
        assert response is not None and response["text"], name
        assert "{" not in response["text"], f"{name}: unfilled placeholder"
        assert detect_language(response["text"]) == language, f"{name} is not in {language}"


@pytest.mark.parametrize(
    ("language", "visa", "passport_date"),
    [
        ("en", "2,000 Thai baht", "March 4, 2024"),
        ("th", "2,000 บาท", "4 มีนาคม"),
        ("lo", "2.000", "4 ມີນາ 2024"),
    ],
)
def test_fees_and_dates_are_formatted_for_the_locale(
    nlg: TranslatingNLG, language: str, visa: str, passport_date: str
) -> None:
    fees = nlg.render("utter_ask_recruitment_fees", language, {})["text"]
    documents = nlg.render("utter_ask_documents", language, {})["text"]
    assert visa in fees
    assert passport_date in documents


def test_button_titles_are_translated_and_payloads_are_not(nlg: TranslatingNLG) -> None:
    english = nlg.render("utter_greet", "en", {})["buttons"]
    lao = nlg.render("utter_greet", "lo", {})["buttons"]
    assert [b["payload"] for b in lao] == [b["payload"] for b in english]
    assert detect_language(lao[0]["title"]) == "lo"


def test_json_in_button_payloads_is_left_alone_without_an_error(nlg: TranslatingNLG, caplog) -> None:
    """Rasa's interpolator reads {"country": "laos"} as a placeholder and logs an ERROR each time."""
    with caplog.at_level("ERROR"):
        rendered = nlg.render("utter_ask_location", "lo", {})
    assert any('{"location"' in b["payload"] for b in rendered["buttons"])
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_danger_answer_starts_with_the_numbers_in_every_language(nlg: TranslatingNLG) -> None:
    for language in ("lo", "th", "en"):
        text = nlg.render("utter_need_help_now", language, {})["text"]
        first_lines = text.splitlines()[:3]
        for number in ("1191", "1362", "1554", "191", "1300"):
            assert any(number in line for line in first_lines), (language, number)


def test_help_numbers_are_filled_from_the_contact_directory(nlg: TranslatingNLG) -> None:
    for name in ("utter_goodbye", "utter_bot_challenge", "utter_default"):
        for language in ("lo", "th", "en"):
            text = nlg.render(name, language, {})["text"]
            assert "1362" in text and "number." not in text, (name, language)


def test_response_sources_are_not_sent_to_her(nlg: TranslatingNLG) -> None:
    assert "metadata" not in nlg.render("utter_ask_documents", "en", {})


def test_reply_follows_her_latest_message(domain: Domain, nlg: TranslatingNLG) -> None:
    tracker = tracker_with(domain, [{"text": "hello", "lang": "en"}, {"text": "สวัสดี", "lang": "th"}])
    response = asyncio.run(nlg.generate("utter_greet", tracker, "rest"))
    assert detect_language(response["text"]) == "th"


def test_a_message_without_letters_keeps_the_previous_language(domain: Domain, nlg: TranslatingNLG) -> None:
    tracker = tracker_with(domain, [{"text": "ສະບາຍດີ", "lang": "lo"}, {"text": "/affirm", "lang": None}])
    response = asyncio.run(nlg.generate("utter_topics", tracker, "rest"))
    assert detect_language(response["text"]) == "lo"


def test_an_explicit_choice_sticks(domain: Domain, nlg: TranslatingNLG) -> None:
    tracker = tracker_with(domain, [{"text": "ສະບາຍດີ", "lang": "lo"}], chosen="en")
    response = asyncio.run(nlg.generate("utter_greet", tracker, "rest"))
    assert detect_language(response["text"]) == "en"


def parsed(language: str, sure: bool = True, written_as: str = "lao") -> Dict[str, Any]:
    return {"detected_language": language, "language_sure": sure, "written_as": written_as}


def test_romanized_lao_is_answered_in_lao_with_a_switch_the_first_time(
    domain: Domain, nlg: TranslatingNLG
) -> None:
    def tracker(*messages: Dict[str, Any], chosen: Optional[str] = None) -> DialogueStateTracker:
        events = [ActionExecuted("action_listen")] + ([SlotSet("language", chosen)] if chosen else [])
        events += [UserUttered("…", parse_data=m) for m in messages]
        return DialogueStateTracker.from_events("someone", events, slots=domain.slots)

    first = asyncio.run(nlg.generate("utter_thanks", tracker(parsed("lo", written_as="latin_lao")), "rest"))
    assert detect_language(first["text"]) == "lo"
    assert first["buttons"] == [{"title": "ພາສາ · ภาษา · Language", "payload": "/set_language"}]
    again = tracker(parsed("lo", written_as="latin_lao"), parsed("lo", written_as="latin_lao"))
    assert not asyncio.run(nlg.generate("utter_thanks", again, "rest")).get("buttons")
    chosen = tracker(parsed("lo", written_as="latin_lao"), chosen="lo")
    assert not asyncio.run(nlg.generate("utter_thanks", chosen, "rest")).get("buttons")


def test_an_unclear_language_gets_the_three_choices(domain: Domain, nlg: TranslatingNLG) -> None:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("…", parse_data=parsed("en", sure=False, written_as="english")),
    ]
    tracker = DialogueStateTracker.from_events("someone", events, slots=domain.slots)
    response = asyncio.run(nlg.generate("utter_greet", tracker, "rest"))
    assert [b["payload"] for b in response["buttons"][-3:]] == [
        '/set_language{"language": "lo"}',
        '/set_language{"language": "th"}',
        '/set_language{"language": "en"}',
    ]  # fmt: skip
    assert detect_language(response["text"]) == "lo"  # an unsure guess does not decide: the default does


def test_language_choice_order() -> None:
    th_hint = {"parse_data": {}, "metadata": {"language_hint": "th"}}
    assert reply_language("en", [{"parse_data": {"detected_language": "lo"}}]) == "en"
    assert reply_language(None, [th_hint, {"parse_data": {"detected_language": "en"}}]) == "en"
    assert reply_language(None, [th_hint]) == "th"
    assert reply_language("xx", []) == "lo"
