"""The end of the job-offer check: the signs found, what to do, and only the level kept."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import reply_language_of
from actions.handoff import hand_off
from bot.jobcheck import HIGH, LOW, QUESTIONS, SOME, assess

OUTCOME_SLOT = "job_check_outcome"


def forget_answers() -> List[EventType]:
    return [SlotSet(question, None) for question in QUESTIONS]


class ActionJobOfferResult(Action):
    def name(self) -> str:
        return "action_job_offer_result"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        result = assess({q: tracker.get_slot(q) for q in QUESTIONS})
        signs = result.explained(reply_language_of(tracker))
        events: List[EventType] = []
        if result.level == LOW:
            dispatcher.utter_message(response="utter_job_result_low")
        elif result.level == SOME:
            dispatcher.utter_message(response="utter_job_result_some", signs=signs)
        if result.unsure and result.level != HIGH:
            dispatcher.utter_message(response="utter_job_result_unsure")
        if result.level == HIGH:
            dispatcher.utter_message(response="utter_job_result_high", signs=signs)
            events += hand_off(dispatcher, tracker, "help")
        return events + forget_answers() + [SlotSet(OUTCOME_SLOT, result.level)]


class ActionForgetJobAnswers(Action):
    """When she stops the check: her answers are dropped, nothing is counted."""

    def name(self) -> str:
        return "action_forget_job_answers"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return forget_answers()
