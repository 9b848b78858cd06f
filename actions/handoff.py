"""The hotline hand-off: the right numbers for where she is and what she needs."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import reply_language_of
from bot.contacts.directory import COUNTRIES, best_for, load_directory
from bot.contacts.handoff import NEED_BY_INTENT, contact_cards, contact_lines, country_name

COUNTRY_SLOT = "country"
PENDING_NEED_SLOT = "pending_need"
HANDOFF_SLOT = "handoff"
CONTACT_CARD_CHANNELS = ("telegram",)


def wants_contact_cards(tracker: Tracker) -> bool:
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata.get("channel") in CONTACT_CARD_CHANNELS


def hand_off(dispatcher: CollectingDispatcher, tracker: Tracker, need: str) -> List[EventType]:
    """At most three numbers for her country and need, most useful first; asks the country if unknown."""
    country = tracker.get_slot(COUNTRY_SLOT)
    if country not in COUNTRIES:
        if need == "emergency":
            dispatcher.utter_message(response="utter_need_help_now")  # danger first, before any question
        dispatcher.utter_message(response="utter_ask_country")
        return [SlotSet(PENDING_NEED_SLOT, need)]

    language = reply_language_of(tracker)
    contacts = best_for(load_directory(), country, need)
    name = country_name(country, language)
    if contacts:
        lines = contact_lines(contacts, language)
        dispatcher.utter_message(response="utter_handoff", country_name=name, contacts=lines)
        if wants_contact_cards(tracker):
            for card in contact_cards(contacts, language):
                dispatcher.utter_message(json_message=card)
    else:
        dispatcher.utter_message(response="utter_no_checked_numbers", country_name=name)
        if country == "other":
            dispatcher.utter_message(response="utter_ask_other_country")
    if need == "emergency":
        dispatcher.utter_message(response="utter_safety_steps")
    return [SlotSet(PENDING_NEED_SLOT, None), SlotSet(HANDOFF_SLOT, {"country": country, "need": need})]


class ActionHotlineHandoff(Action):
    def name(self) -> str:
        return "action_hotline_handoff"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        pending: Optional[str] = tracker.get_slot(PENDING_NEED_SLOT)
        need = pending if intent == "ask_hotline" and pending else NEED_BY_INTENT.get(intent, "help")
        return hand_off(dispatcher, tracker, need)
