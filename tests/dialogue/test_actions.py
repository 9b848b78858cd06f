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
from actions.jobcheck import ActionForgetJobAnswers, ActionJobOfferResult
from bot.jobcheck import QUESTIONS
from bot.nlg import TranslatingNLG
from bot.nlu.scripts import detect_language
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def sdk_tracker(
    domain: Domain,
    intent: str,
    language: str = "en",
    slots: Optional[Dict[str, Any]] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    events = [ActionExecuted("action_listen")]
    events += [SlotSet(name, value) for name, value in (slots or {}).items()]
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "detected_language": language}
    events.append(UserUttered("…", parse_data=parse, metadata=metadata or {}))
    tracker = DialogueStateTracker.from_events("someone", events, slots=domain.slots)
    return Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))


def run(action, domain: Domain, tracker: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker, domain.as_dict())
    return dispatcher.messages, events


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["response"] for m in messages if m.get("response")]


def rendered_text(domain: Domain, message: Dict[str, Any], language: str) -> str:
    kwargs = {k: v for k, v in message.items() if k not in ("response", "buttons", "elements", "custom")}
    kwargs = {k: v for k, v in kwargs.items() if v is not None and k not in ("text", "image", "attachment")}
    return TranslatingNLG(domain=domain).render(message["response"], language, {}, **kwargs)["text"]


def test_danger_without_a_country_gives_the_numbers_then_asks(domain: Domain) -> None:
    messages, events = run(ActionHotlineHandoff(), domain, sdk_tracker(domain, "need_help_now"))
    assert responses(messages) == ["utter_need_help_now", "utter_ask_country"]
    assert {"event": "slot", "name": "pending_need", "value": "emergency", "timestamp": None} in events


def test_the_country_answer_completes_the_pending_need(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "ask_hotline", "lo", slots={"country": "thailand", "pending_need": "emergency"}
    )
    messages, events = run(ActionHotlineHandoff(), domain, tracker)
    assert responses(messages) == ["utter_handoff", "utter_safety_steps"]
    text = rendered_text(domain, messages[0], "lo")
    assert detect_language(text) == "lo"
    assert text.index("191") < text.index("1300") and "1191" not in text
    handoff = next(e for e in events if e["name"] == "handoff")
    assert handoff["value"] == {"country": "thailand", "need": "emergency"}


@pytest.mark.parametrize(
    ("intent", "country", "expected"),
    [
        ("ask_hotline", "laos", ["1362", "1554"]),
        ("ask_go_home", "thailand", ["1300"]),
        ("ask_worker_rights", "thailand", ["1694", "1546"]),
        ("report_trafficking", "malaysia", ["03-8000 8000"]),
    ],
)
def test_numbers_follow_country_and_need(
    domain: Domain, intent: str, country: str, expected: List[str]
) -> None:
    messages, _ = run(ActionHotlineHandoff(), domain, sdk_tracker(domain, intent, slots={"country": country}))
    lines = messages[0]["contacts"].splitlines()
    assert [line.split(" – ")[0] for line in lines][: len(expected)] == expected
    assert len(lines) <= 3


def test_a_country_without_checked_numbers_says_so(domain: Domain) -> None:
    messages, _ = run(
        ActionHotlineHandoff(), domain, sdk_tracker(domain, "ask_hotline", slots={"country": "myanmar"})
    )
    assert responses(messages) == ["utter_no_checked_numbers"]


def test_telegram_also_gets_contact_cards(domain: Domain) -> None:
    tracker = sdk_tracker(
        domain, "ask_hotline", "th", slots={"country": "thailand"}, metadata={"channel": "telegram"}
    )
    messages, _ = run(ActionHotlineHandoff(), domain, tracker)
    cards = [m["custom"]["contact"] for m in messages if m.get("custom")]
    assert cards[0]["phone_number"] == "1300" and detect_language(cards[0]["first_name"]) == "th"


def test_other_channels_get_no_cards(domain: Domain) -> None:
    messages, _ = run(
        ActionHotlineHandoff(), domain, sdk_tracker(domain, "ask_hotline", slots={"country": "laos"})
    )
    assert not [m for m in messages if m.get("custom")]


def answers(**given: str) -> Dict[str, str]:
    return {q: given.get(q, "no") for q in QUESTIONS}


def test_job_check_high_risk_explains_and_hands_off(domain: Domain) -> None:
    slots = {**answers(job_passport="yes", job_fee="yes"), "country": "laos"}
    messages, events = run(ActionJobOfferResult(), domain, sdk_tracker(domain, "deny", "lo", slots=slots))
    assert responses(messages)[:2] == ["utter_job_result_high", "utter_handoff"]
    assert detect_language(messages[0]["signs"]) == "lo" and messages[0]["signs"].count("\n") == 1
    slot_values = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slot_values["job_check_outcome"] == "high"
    assert all(slot_values[q] is None for q in QUESTIONS)  # her answers are not kept


def test_job_check_low_risk(domain: Domain) -> None:
    messages, events = run(ActionJobOfferResult(), domain, sdk_tracker(domain, "deny", slots=answers()))
    assert responses(messages) == ["utter_job_result_low"]
    assert {"event": "slot", "name": "job_check_outcome", "value": "low", "timestamp": None} in events


def test_stopping_forgets_the_answers(domain: Domain) -> None:
    _, events = run(
        ActionForgetJobAnswers(), domain, sdk_tracker(domain, "stop", slots=answers(job_fee="yes"))
    )
    assert {e["name"] for e in events} == set(QUESTIONS) and all(e["value"] is None for e in events)


def test_the_action_server_code_does_not_load_tensorflow() -> None:
    """TensorFlow would cost the action server about 500 MB that no action uses (make bench found it)."""
    import subprocess
    import sys

    check = (
        "import sys, actions.handoff, actions.jobcheck, actions.conversation; "
        "print('tensorflow' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
