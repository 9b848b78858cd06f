"""Each custom action on real trackers (built from Rasa events) with the real domain."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHotlineHandoff
from actions.jobcheck import ActionForgetJobAnswers, ActionJobOfferResult, ValidateJobOfferForm
from actions.topics import ActionHelpLine, ActionWorkerRights
from bot.jobcheck import NO, QUESTIONS, SLOTS, YES
from bot.nlg import TranslatingNLG
from bot.settings import PROJECT_ROOT
from bot.text.language_id import detect_language


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "extractor": "RuleEntityExtractor"}


def sdk_tracker(
    domain: Domain,
    intent: str,
    language: str = "en",
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    **parse: Any,
) -> Tracker:
    events = [ActionExecuted("action_listen")]
    events += [SlotSet(name, value) for name, value in (slots or {}).items()]
    parse_data = {
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "detected_language": language,
        **parse,
    }
    events.append(
        UserUttered(
            "…", parse_data["intent"], entities or [], parse_data=parse_data, metadata=metadata or {}
        )
    )
    tracker = DialogueStateTracker.from_events("someone", events, slots=domain.slots)
    return Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))


def run(action, domain: Domain, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, domain.as_dict())
    return dispatcher.messages, events


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["response"] for m in messages if m.get("response")]


def slots_set(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def rendered_text(domain: Domain, message: Dict[str, Any], language: str) -> str:
    values = {k: v for k, v in message.items() if isinstance(v, str) and k not in ("response", "text")}
    return TranslatingNLG(domain=domain).render(message["response"], language, {}, **values)["text"]


def first_numbers(message: Dict[str, Any]) -> List[str]:
    return [line.split(" – ")[0] for line in message["contacts"].splitlines()]


def test_danger_without_a_place_gives_the_numbers_then_asks_where_she_is_now(domain: Domain) -> None:
    messages, events = run(ActionHotlineHandoff(), domain, sdk_tracker(domain, "need_help_now"))
    assert responses(messages) == ["utter_need_help_now", "utter_ask_location_in_danger"]
    assert slots_set(events) == {"pending_need": "emergency", "in_danger": True}


def test_her_answer_completes_the_waiting_need(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain,
        "inform_location",
        "lo",
        slots={"location": "thailand", "pending_need": "emergency", "in_danger": True},
    )
    messages, events = run(ActionHotlineHandoff(), domain, tracker)
    assert responses(messages) == ["utter_handoff", "utter_family_line", "utter_safety_steps"]
    text = rendered_text(domain, messages[0], "lo")
    assert detect_language(text) == "lo"
    assert text.index("191") < text.index("1300") and "1191" not in text
    assert slots_set(events)["handoff"] == {"location": "thailand", "need": "emergency"}


def test_danger_is_remembered_through_another_country_and_a_button(domain: Domain) -> None:
    """'Another country', then Malaysia: 999 first, not the anti-trafficking office line."""
    other = sdk_tracker(domain, "inform_location", slots={"location": "other", "in_danger": True})
    messages, _ = run(ActionHotlineHandoff(), domain, other)
    assert responses(messages)[0] == "utter_no_checked_numbers"
    assert "utter_family_line" in responses(messages) and responses(messages)[-1] == "utter_ask_other_country"
    malaysia = sdk_tracker(domain, "inform_location", slots={"location": "malaysia", "in_danger": True})
    messages, events = run(ActionHotlineHandoff(), domain, malaysia)
    assert first_numbers(messages[0])[0] == "999"
    assert slots_set(events)["handoff"]["need"] == "emergency"


def test_she_does_not_know_where_she_is(domain: Domain) -> None:
    tracker = sdk_tracker(domain, "dont_know", slots={"pending_need": "emergency", "in_danger": True})
    messages, events = run(ActionHotlineHandoff(), domain, tracker)
    assert responses(messages)[0] == "utter_place_unknown"
    text = messages[0]["contacts"]
    assert "191" in text and "1191" in text and "199" in text  # Thailand, Laos, Myanmar, by country
    assert slots_set(events)["location"] == "unknown"


def test_myanmar_danger_gets_its_police_and_the_crossing_to_thailand(domain: Domain) -> None:
    tracker = sdk_tracker(domain, "need_help_now", slots={"location": "myanmar"})
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    assert responses(messages) == [
        "utter_handoff",
        "utter_crossing",
        "utter_family_line",
        "utter_safety_steps",
    ]
    assert first_numbers(messages[0])[0] == "199"
    assert "1300" not in messages[0]["contacts"]  # Thailand's line is not for Myanmar
    assert "Mae Sot" in messages[1]["crossing_to"] and "191" in messages[1]["neighbour_contacts"]


def test_the_numbers_follow_where_she_is_not_the_country_she_asked_about(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "need_help_now", slots={"location": "laos", "country": "malaysia"},
        entities=[entity("country", "malaysia")],
    )  # fmt: skip
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    assert first_numbers(messages[0])[:2] == ["1191", "1362"]


def test_a_country_she_asks_the_numbers_of_is_used_for_that_answer(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "ask_hotline", slots={"location": "laos"},
        entities=[entity("country", "thailand"), entity("service", "police")],
    )  # fmt: skip
    messages, events = run(ActionHotlineHandoff(), domain, tracker)
    assert first_numbers(messages[0])[0] == "191"
    assert slots_set(events)["handoff"] == {"location": "thailand", "need": "police"}


def test_police_where_none_is_checked_says_so_and_gives_what_there_is(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "ask_hotline", slots={"location": "vietnam"}, entities=[entity("service", "police")]
    )
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    assert responses(messages)[:2] == ["utter_no_checked_service", "utter_handoff"]
    assert first_numbers(messages[1]) == ["111"]


def test_danger_cues_in_a_report_give_the_emergency_numbers(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "report_trafficking", slots={"location": "thailand"}, danger_cues=["locked_in"]
    )
    messages, events = run(ActionHotlineHandoff(), domain, tracker)
    assert first_numbers(messages[0])[0] == "191"
    assert slots_set(events)["in_danger"] is True


@pytest.mark.parametrize(
    ("intent", "location", "expected"),
    [
        ("ask_hotline", "laos", ["1362", "1554"]),
        ("ask_go_home", "thailand", ["1300"]),
        ("ask_worker_rights", "thailand", ["1694", "1546"]),
        ("report_trafficking", "malaysia", ["03-8000 8000"]),
    ],
)
def test_numbers_follow_place_and_need(
    domain: Domain, intent: str, location: str, expected: List[str]
) -> None:
    messages, _ = run(
        ActionHotlineHandoff(), domain, sdk_tracker(domain, intent, slots={"location": location})
    )
    handoff = next(m for m in messages if m["response"] == "utter_handoff")
    assert first_numbers(handoff)[: len(expected)] == expected and len(first_numbers(handoff)) <= 3


def test_going_home_names_the_embassy_without_a_number(domain: Domain) -> None:
    messages, _ = run(
        ActionHotlineHandoff(), domain, sdk_tracker(domain, "ask_go_home", slots={"location": "malaysia"})
    )
    embassy = next(m for m in messages if m["response"] == "utter_embassy")
    assert embassy["embassy_cities"] == "Kuala Lumpur"


def test_telegram_also_gets_contact_cards(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "ask_hotline", "th", slots={"location": "thailand"}, metadata={"channel": "telegram"}
    )
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    cards = [m["custom"]["contact"] for m in messages if m.get("custom")]
    assert cards[0]["phone_number"] == "1300" and detect_language(cards[0]["first_name"]) == "th"


def test_other_channels_and_odd_metadata_get_no_cards(domain: Domain) -> None:
    for metadata in ({}, {"channel": "web"}):
        tracker = sdk_tracker(domain, "ask_hotline", slots={"location": "laos"}, metadata=metadata)
        messages, _ = run(ActionHotlineHandoff(), domain, tracker)
        assert not [m for m in messages if m.get("custom")]


@pytest.mark.parametrize(("location", "first"), [(None, "1362"), ("thailand", "1300"), ("cambodia", "117")])
def test_a_risky_topic_ends_with_help_for_where_she_is(
    domain: Domain, location: Optional[str], first: str
) -> None:
    tracker = sdk_tracker(domain, "ask_what_is_trafficking", slots={"location": location} if location else {})
    messages, _ = run(ActionHelpLine(), domain, tracker)
    assert responses(messages) == ["utter_help_line"] and first in messages[0]["contacts"]


def test_worker_rights_follow_where_she_is(domain: Domain) -> None:
    messages, _ = run(ActionWorkerRights(), domain, sdk_tracker(domain, "ask_worker_rights"))
    assert responses(messages) == ["utter_ask_worker_rights"]
    messages, _ = run(
        ActionWorkerRights(), domain, sdk_tracker(domain, "ask_worker_rights", slots={"location": "japan"})
    )
    assert responses(messages)[:2] == ["utter_worker_rights_elsewhere", "utter_handoff"]
    assert "1546" not in str(messages)


def harmless(**given: str) -> Dict[str, str]:
    answers = {q.slot: (NO if q.sign == YES else YES) for q in QUESTIONS}
    answers.update(given)
    return answers


def test_job_check_high_risk_explains_and_hands_off(domain: Domain) -> None:
    slots = {**harmless(job_passport=YES, job_fee=YES), "location": "laos"}
    messages, events = run(ActionJobOfferResult(), domain, sdk_tracker(domain, "deny", "lo", slots=slots))
    assert responses(messages)[:2] == ["utter_job_result_high", "utter_handoff"]
    assert detect_language(messages[0]["signs"]) == "lo" and messages[0]["signs"].count("\n") == 1
    values = slots_set(events)
    assert values["job_check_outcome"] == "high"
    assert all(values[slot] is None for slot in SLOTS)  # her answers are not kept


def test_job_check_low_risk(domain: Domain) -> None:
    messages, events = run(ActionJobOfferResult(), domain, sdk_tracker(domain, "deny", slots=harmless()))
    assert responses(messages) == ["utter_job_result_low"]
    assert slots_set(events)["job_check_outcome"] == "low"


def test_the_form_skips_what_a_serious_answer_made_moot(domain: Domain) -> None:
    import asyncio

    tracker = sdk_tracker(domain, "affirm", slots={"job_under_18": NO, "job_passport": YES})
    left = asyncio.run(
        ValidateJobOfferForm().required_slots(list(SLOTS), CollectingDispatcher(), tracker, {})
    )
    assert left == []
    tracker = sdk_tracker(domain, "deny", slots={"job_under_18": NO})
    left = asyncio.run(
        ValidateJobOfferForm().required_slots(list(SLOTS), CollectingDispatcher(), tracker, {})
    )
    assert left == list(SLOTS[1:])


def test_stopping_forgets_the_answers(domain: Domain) -> None:
    _, events = run(
        ActionForgetJobAnswers(), domain, sdk_tracker(domain, "stop", slots=harmless(job_fee=YES))
    )
    assert set(slots_set(events)) == set(SLOTS) and all(v is None for v in slots_set(events).values())


def test_the_action_server_code_does_not_load_tensorflow() -> None:
    """TensorFlow would cost the action server about 500 MB that no action uses (make bench found it)."""
    import subprocess
    import sys

    check = (
        "import sys, actions.handoff, actions.jobcheck, actions.topics, actions.conversation; "
        "print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


def offers_of(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The marks by which an action tells the gateway that a person may be offered (bot/vocabulary.py)."""
    return [m["custom"]["person_offer"] for m in messages if "person_offer" in (m.get("custom") or {})]


def test_a_person_may_be_offered_after_the_danger_answer_never_before_it(domain: Domain) -> None:
    tracker = sdk_tracker(domain, "need_help_now", slots={"location": "thailand"})
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    assert messages[-1]["custom"]["person_offer"] == {
        "reason": "danger", "topic": "need_help_now", "location": "thailand", "job_check": None,
        "in_danger": True,
    }  # fmt: skip
    assert responses(messages)[0] == "utter_handoff"  # the numbers come first
    # Not under an ordinary hand-off.
    tracker = sdk_tracker(domain, "ask_hotline", slots={"location": "laos"})
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    assert offers_of(messages) == []


def test_a_person_may_be_offered_when_she_asks_and_after_a_risky_job_offer(domain: Domain) -> None:
    messages, _ = run(ActionHelpLine(), domain, sdk_tracker(domain, "ask_for_person"))
    assert responses(messages) == ["utter_ask_for_person"] and offers_of(messages)[0]["reason"] == "asked"
    messages, _ = run(ActionHelpLine(), domain, sdk_tracker(domain, "ask_what_is_trafficking"))
    assert offers_of(messages) == []
    slots = {**harmless(job_passport=YES, job_fee=YES), "location": "laos"}
    messages, _ = run(ActionJobOfferResult(), domain, sdk_tracker(domain, "deny", "lo", slots=slots))
    assert offers_of(messages) == [
        {"reason": "jobcheck", "topic": "deny", "location": "laos", "job_check": "high", "in_danger": False}
    ]
    assert "custom" in messages[-1]  # after the result and its numbers
    messages, _ = run(ActionJobOfferResult(), domain, sdk_tracker(domain, "deny", slots=harmless()))
    assert offers_of(messages) == []
