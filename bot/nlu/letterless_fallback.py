"""A message with no letters at all (emoji, "??", digits) gets the fallback answer.

The classifiers must put such a message somewhere, and a sticker-like "😭😭"
landing on `thanks` would leave her without the help numbers; the fallback
answer always carries them, and the topic buttons.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.scripts import detect_language

FALLBACK = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LetterlessFallback(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LetterlessFallback:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and detect_language(text) is None:
                ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK]
                fallback = {"name": FALLBACK, "confidence": 1.0}
                message.set("intent", fallback, add_to_output=True)
                message.set("intent_ranking", [fallback, *ranking], add_to_output=True)
        return messages
