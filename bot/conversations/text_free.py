"""A conversation as the dialogue needs it, without what she wrote.

Rasa keeps every event of a conversation: her messages' text, the entities with the words they were
found in, the message ids, the metadata the front end sent. The dialogue needs far less: the intent,
the canonical values of the entities (a country, a language), the slots, the language she writes in.
`text_free_events` keeps that and nothing else. The number of events is kept, so Rasa's event
broker still sees each new event once.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from bot.vocabulary import (
    CHANNEL_KEY,
    COUNTRY_ENTITY,
    DANGER_CUES,
    DEMO_KEY,
    DETECTED_LANGUAGE,
    LANGUAGE_ENTITY,
    LANGUAGE_HINT_KEY,
    LANGUAGE_SURE,
    LANGUAGES,
    LOCATION_ENTITY,
    LOCATIONS,
    SERVICE_ENTITY,
    SERVICES,
    WRITTEN_AS,
)

# The entities the dialogue uses, each with the closed set its values come from.
ENTITY_VALUES = {
    COUNTRY_ENTITY: frozenset(LOCATIONS),
    LOCATION_ENTITY: frozenset(LOCATIONS),
    LANGUAGE_ENTITY: frozenset(LANGUAGES),
    SERVICE_ENTITY: frozenset(SERVICES),
}
PARSE_KEYS = (DETECTED_LANGUAGE, LANGUAGE_SURE, WRITTEN_AS, DANGER_CUES)
METADATA_KEYS = (CHANNEL_KEY, DEMO_KEY, LANGUAGE_HINT_KEY)
RANKING_KEPT = 5
SESSION_METADATA_SLOT = "session_started_metadata"


def _intent(value: Any) -> Dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    return {"name": value.get("name"), "confidence": value.get("confidence")}


def _entities(found: Any) -> List[Dict[str, Any]]:
    kept = []
    for entity in found or []:
        if not isinstance(entity, Mapping):
            continue
        name, value = entity.get("entity"), entity.get("value")
        if value in ENTITY_VALUES.get(name, ()):
            kept.append({"entity": name, "value": value})
    return kept


def _user(event: Mapping[str, Any]) -> Dict[str, Any]:
    parse = event.get("parse_data") or {}
    metadata = event.get("metadata") if isinstance(event.get("metadata"), Mapping) else {}
    return {
        "event": "user",
        "timestamp": event.get("timestamp"),
        "text": None,
        "input_channel": event.get("input_channel"),
        "parse_data": {
            "intent": _intent(parse.get("intent")),
            "intent_ranking": [_intent(r) for r in (parse.get("intent_ranking") or [])[:RANKING_KEPT]],
            "entities": _entities(parse.get("entities")),
            **{key: parse[key] for key in PARSE_KEYS if key in parse},
        },
        "metadata": {key: metadata[key] for key in METADATA_KEYS if key in metadata},
    }


def text_free_event(event: Mapping[str, Any]) -> Dict[str, Any]:
    """One event as a dict (Event.as_dict), without her text, her words, ids or free metadata."""
    kind = event.get("event")
    if kind == "user":
        return _user(event)
    if kind == "bot":  # our own words, but they can carry what she wrote back to her: not needed
        return {"event": "bot", "timestamp": event.get("timestamp"), "text": None, "data": {}, "metadata": {}}
    if kind == "slot" and event.get("name") == SESSION_METADATA_SLOT:  # Rasa copies the first metadata
        value = event.get("value") if isinstance(event.get("value"), Mapping) else {}
        return {**event, "value": {key: value[key] for key in METADATA_KEYS if key in value}}
    return dict(event)


def text_free_events(events: List[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    return [text_free_event(event) for event in events]
