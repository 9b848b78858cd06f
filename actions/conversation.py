"""What the actions need to know about the conversation, read the way the NLG reads it."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.language import reply_language
from bot.vocabulary import (
    CHANNEL_KEY,
    COUNTRY_ENTITY,
    DANGER_CUES,
    IN_DANGER_SLOT,
    JOB_CHECK_OUTCOME_SLOT,
    LANGUAGE_SLOT,
    LOCATION_SLOT,
    PERSON_OFFER_KEY,
    SERVICE_ENTITY,
)

CONTACT_CARD_CHANNELS = ("telegram",)


def user_messages_newest_first(tracker: Tracker) -> Iterator[Dict[str, Any]]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            yield {"parse_data": event.get("parse_data"), "metadata": event.get("metadata")}


def reply_language_of(tracker: Tracker) -> str:
    return reply_language(tracker.get_slot(LANGUAGE_SLOT), user_messages_newest_first(tracker))


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entities(tracker: Tracker, entity: str) -> List[str]:
    """The values of one entity in her latest message, in order, without repeats."""
    values = [
        e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity
    ]
    return list(dict.fromkeys(v for v in values if isinstance(v, str)))


def countries_named(tracker: Tracker) -> List[str]:
    return latest_entities(tracker, COUNTRY_ENTITY)


def service_named(tracker: Tracker) -> Optional[str]:
    return next(iter(latest_entities(tracker, SERVICE_ENTITY)), None)


def has_danger_cues(tracker: Tracker) -> bool:
    return bool(tracker.latest_message.get(DANGER_CUES))


def wants_contact_cards(tracker: Tracker) -> bool:
    metadata = tracker.latest_message.get("metadata")
    return isinstance(metadata, dict) and metadata.get(CHANNEL_KEY) in CONTACT_CARD_CHANNELS


def offer_a_person(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    reason: str,
    in_danger: Optional[bool] = None,
    job_check: Optional[str] = None,
    location: Optional[str] = None,
) -> None:
    """Tells the gateway that a person may be offered after this answer (it knows whether a counsellor is
    there): why, and what the bot knows that would help her counsellor. Closed-set values only."""
    offer = {
        "reason": reason,
        "topic": latest_intent(tracker),
        "location": location or tracker.get_slot(LOCATION_SLOT),
        "job_check": job_check or tracker.get_slot(JOB_CHECK_OUTCOME_SLOT),
        "in_danger": bool(tracker.get_slot(IN_DANGER_SLOT)) if in_danger is None else in_danger,
    }
    dispatcher.utter_message(json_message={PERSON_OFFER_KEY: offer})
