"""The danger net in the pipeline: a strong danger cue makes the intent need_help_now.

Whatever the classifiers ranked first ("they say I owe money and can't go home until I pay" looks
like a question about fees), a message with a cue of bot/text/danger.py gets the emergency
answer. The cues found travel in the parse data (`danger_cues`); the intent the classifiers
chose stays in the ranking, second. Intents that already end with a hand-off (a report about
someone else, going home, a number) are kept: the hand-off reads the cues and gives the emergency
numbers.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text.danger import danger_cues, find_danger
from bot.vocabulary import DANGER_CUES

DANGER_INTENT = "need_help_now"
# Their answers end with a hand-off, which gives the emergency numbers when the message has cues.
HANDOFF_INTENTS = frozenset({DANGER_INTENT, "report_trafficking", "ask_go_home", "ask_hotline"})
RANKING = "intent_ranking"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class DangerNet(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DangerNet:
        danger_cues()  # a malformed cue file stops the server at start, not at her first message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            cues = find_danger(text) if isinstance(text, str) and not text.startswith("/") else []
            if not cues:
                continue
            message.set(DANGER_CUES, cues, add_to_output=True)
            if (message.get(INTENT) or {}).get("name") in HANDOFF_INTENTS:
                continue
            ranking = [r for r in message.get(RANKING) or [] if r.get("name") != DANGER_INTENT]
            danger = {"name": DANGER_INTENT, "confidence": 1.0}
            message.set(INTENT, danger, add_to_output=True)
            message.set(RANKING, [danger, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
