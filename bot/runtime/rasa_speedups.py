"""Rasa's per-message costs that buy nothing, removed where Rasa's server runs (and where the
benchmark profiles it, so the profile is the server's).

- Rasa checks each action-server answer with `jsonschema.validate`, which first checks the schema
  itself against JSON Schema's meta-schema and builds a new validator: 27 ms for every action call on
  this machine, against 0.7 ms for validating the answer with a validator built once. The check of
  the answer stays the same; only the schema's own check and the validator's building are done once.
- Rasa finds an event's class by its name by walking every subclass of Event, for every event it
  reads back (each turn reads the whole conversation from the store): three quarters of the time of
  reading a conversation. The classes are looked up once by name; an unknown name still goes to
  Rasa's own lookup, so its answer for it (a default, None or an error) is unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Dict


@cache
def _action_answer_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
    """As Rasa's RemoteAction._validate_action_result, with the validator built once."""
    from jsonschema.exceptions import best_match

    error = best_match(_action_answer_validator().iter_errors(result))
    if error is not None:
        from rasa.shared.constants import DOCS_BASE_URL

        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid; see {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_event_classes: Dict[str, Any] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """As Rasa's Event.resolve_by_type, with the classes found by name once."""
    found = _event_classes.get(type_name)
    if found is None:
        found = _rasa_resolve_by_type(type_name, default)
        if found is not None and found is not default and getattr(found, "type_name", None) == type_name:
            _event_classes[type_name] = found
    return found


_rasa_resolve_by_type: Any = None


def install() -> None:
    global _rasa_resolve_by_type
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import Event

    RemoteAction._validate_action_result = _validate_action_result
    if _rasa_resolve_by_type is None:
        _rasa_resolve_by_type = Event.resolve_by_type
        Event.resolve_by_type = staticmethod(_resolve_by_type)
