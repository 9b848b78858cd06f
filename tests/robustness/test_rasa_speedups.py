"""The action-answer check with a validator built once accepts and refuses what Rasa's own does
(bot/runtime/rasa_speedups.py)."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.runtime.rasa_speedups import _validate_action_result

ORIGINAL = RemoteAction._validate_action_result
ANSWERS: Dict[str, Any] = {
    "hand-off": {
        "events": [{"event": "slot", "name": "location", "value": "thailand", "timestamp": None}],
        "responses": [{"response": "utter_handoff", "contacts": "191 ..."}],
    },
    "empty": {"events": [], "responses": []},
    "a followup": {"events": [{"event": "followup", "name": "action_listen"}], "responses": []},
    "an unknown event": {"events": [{"event": "no_such_event"}], "responses": []},
    "events not a list": {"events": {"event": "slot"}, "responses": []},
    "a response not an object": {"events": [], "responses": ["utter_default"]},
    "a slot without a name": {"events": [{"event": "slot", "value": 1}], "responses": []},
}


def verdict(validate: Any, answer: Dict[str, Any]) -> str:
    try:
        validate(RemoteAction("action_x", None), answer)
        return "valid"
    except ValidationError as error:
        return f"invalid: {error.message.split('. Failed')[0]}"


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_the_verdict_is_rasas(name: str) -> None:
    assert verdict(_validate_action_result, ANSWERS[name]) == verdict(ORIGINAL, ANSWERS[name])


def test_both_verdicts_occur() -> None:
    verdicts = {verdict(_validate_action_result, answer).split(":")[0] for answer in ANSWERS.values()}
    assert verdicts == {"valid", "invalid"}


def test_event_classes_are_found_by_name_as_rasa_finds_them() -> None:
    from rasa.shared.core.events import Event, SlotSet
    from rasa.shared.utils.common import all_subclasses

    from bot.runtime import rasa_speedups

    rasa_speedups.install()
    original = rasa_speedups._rasa_resolve_by_type
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in sorted(names):
        assert Event.resolve_by_type(name) is original(name), name
        assert Event.resolve_by_type(name) is original(name), name  # the second time, from memory
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
