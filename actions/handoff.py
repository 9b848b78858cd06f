"""The hotline hand-off: the right numbers for where she is and what she needs (bot/contacts/handoff.py)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import (
    countries_named,
    has_danger_cues,
    latest_intent,
    offer_a_person,
    reply_language_of,
    service_named,
    wants_contact_cards,
)
from bot.contacts.handoff import NEED_BY_INTENT, contact_cards, plan
from bot.vocabulary import (
    EMERGENCY,
    HANDOFF_SLOT,
    HELP,
    IN_DANGER_SLOT,
    LOCATION_SLOT,
    MEDICAL,
    PENDING_NEED_SLOT,
    POLICE,
    SERVICES,
    UNKNOWN_PLACE,
)

# Her answer to "where are you now?": these intents take the need that was waiting for it.
ANSWERS_TO_WHERE = ("inform_location", "dont_know", "ask_hotline")


def need_of(tracker: Tracker, intent: Optional[str]) -> str:
    pending = tracker.get_slot(PENDING_NEED_SLOT)
    service = service_named(tracker)
    if service in SERVICES:
        need = SERVICES[service]
    elif intent in ANSWERS_TO_WHERE and pending:
        need = pending
    else:
        need = NEED_BY_INTENT.get(intent or "", HELP)
    if has_danger_cues(tracker) and need not in (POLICE, MEDICAL):
        need = EMERGENCY
    return need


def place_for_numbers(tracker: Tracker, intent: Optional[str], need: str) -> Optional[str]:
    """Where the numbers must work: a country she asks the numbers of, else where she is, else (in
    danger) the one country her message names."""
    named = countries_named(tracker)
    if intent == "ask_hotline" and named:
        return named[0]
    location = tracker.get_slot(LOCATION_SLOT)
    if location:
        return location
    if intent == "dont_know" and tracker.get_slot(PENDING_NEED_SLOT):
        return UNKNOWN_PLACE
    if need == EMERGENCY and len(named) == 1:
        return named[0]
    return None


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker, need: str) -> List[EventType]:
    """Says the plan for her place and need; returns the events that remember it."""
    intent = latest_intent(tracker)
    language = reply_language_of(tracker)
    in_danger = bool(tracker.get_slot(IN_DANGER_SLOT)) or need == EMERGENCY
    place = place_for_numbers(tracker, intent, need)
    decided = plan(place, need, language, in_danger)
    for say in decided.says:
        dispatcher.utter_message(response=say.response, **say.values)
        if say.cards and wants_contact_cards(tracker):
            for card in contact_cards(say.cards, language):
                dispatcher.utter_message(json_message=card)
    events: List[EventType] = [SlotSet(PENDING_NEED_SLOT, decided.pending)]
    if in_danger and not tracker.get_slot(IN_DANGER_SLOT):
        events.append(SlotSet(IN_DANGER_SLOT, True))
    if place == UNKNOWN_PLACE and not tracker.get_slot(LOCATION_SLOT):
        events.append(SlotSet(LOCATION_SLOT, UNKNOWN_PLACE))
    if decided.location is not None:
        events.append(SlotSet(HANDOFF_SLOT, {"location": decided.location, "need": decided.need}))
    return events


class ActionHotlineHandoff(Action):
    def name(self) -> str:
        return "action_hotline_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = latest_intent(tracker)
        if intent == "dont_know" and not tracker.get_slot(PENDING_NEED_SLOT):
            dispatcher.utter_message(response="utter_topics")  # "I don't know" to numbers already given
            return []
        events = hand_off(dispatcher, tracker, need_of(tracker, intent))
        if tracker.get_slot(IN_DANGER_SLOT) or any(e.get("name") == IN_DANGER_SLOT for e in events):
            # After the numbers, never instead of them: someone who cannot call may write to a person.
            given = next((e["value"] for e in events if e.get("name") == HANDOFF_SLOT), None) or {}
            offer_a_person(dispatcher, tracker, "danger", in_danger=True, location=given.get("location"))
        return events
