"""Answers on risky topics that end with a way to get help, for where she is."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_intent, offer_a_person, reply_language_of
from actions.handoff import hand_off
from bot.contacts.handoff import help_lines
from bot.vocabulary import LABOUR, LOCATION_SLOT

# Where the worker-rights answer (about Thailand) applies as it is: Thailand, or while she has not said
# (most Lao migrant workers are there; the answer says it is about Thailand).
THAILAND_OR_UNSAID = (None, "thailand")


class ActionHelpLine(Action):
    """Under an answer about trafficking, fees and debt, or chat safety: the help numbers for where
    she is (Laos and Thailand while she has not said), and, when she asked for a person, who to call."""

    def name(self) -> str:
        return "action_help_line"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        contacts = help_lines(tracker.get_slot(LOCATION_SLOT), reply_language_of(tracker))
        asked = latest_intent(tracker) == "ask_for_person"
        response = "utter_ask_for_person" if asked else "utter_help_line"
        dispatcher.utter_message(response=response, contacts=contacts)
        if asked:
            offer_a_person(dispatcher, tracker, "asked")
        return []


class ActionWorkerRights(Action):
    """Worker rights follow where she is: the checked answer is about Thailand."""

    def name(self) -> str:
        return "action_worker_rights"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if tracker.get_slot(LOCATION_SLOT) in THAILAND_OR_UNSAID:
            dispatcher.utter_message(response="utter_ask_worker_rights")
            return []
        dispatcher.utter_message(response="utter_worker_rights_elsewhere")
        return hand_off(dispatcher, tracker, LABOUR)
