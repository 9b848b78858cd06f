"""The job-offer check: the questions still worth asking, the result, and only its level kept."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import offer_a_person, reply_language_of
from actions.handoff import hand_off
from bot.jobcheck import HIGH, LOW, SLOTS, SOME, assess, questions_left
from bot.vocabulary import HELP, JOB_CHECK_OUTCOME_SLOT


def answers(tracker: Tracker) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in SLOTS}


def forget_answers() -> List[EventType]:
    return [SlotSet(slot, None) for slot in SLOTS]


class ValidateJobOfferForm(FormValidationAction):
    """Skips the questions that earlier answers made moot: once the risk is high, none is left."""

    def name(self) -> str:
        return "validate_job_offer_form"

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        return questions_left(answers(tracker))


class ActionJobOfferResult(Action):
    def name(self) -> str:
        return "action_job_offer_result"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        result = assess(answers(tracker))
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
            events += hand_off(dispatcher, tracker, HELP)
            offer_a_person(dispatcher, tracker, "jobcheck", job_check=HIGH)
        return events + forget_answers() + [SlotSet(JOB_CHECK_OUTCOME_SLOT, result.level)]


class ActionForgetJobAnswers(Action):
    """When she stops the check: her answers are dropped, nothing is counted."""

    def name(self) -> str:
        return "action_forget_job_answers"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        return forget_answers()
