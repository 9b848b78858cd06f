"""Marks each message with the language it is written in, and how.

The result travels in the parse data (`detected_language`, `language_sure`, `written_as`), where
the NLG and the actions read it to answer in her language: Lao in Latin or Thai letters is Lao.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text.language_id import identify
from bot.vocabulary import DETECTED_LANGUAGE, LANGUAGE_SURE, WRITTEN_AS


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class LanguageDetector(GraphComponent):
    """lo / th / en from the script and the words; messages without letters get None."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        identify("ສະບາຍດີ")  # read the word lists now: a malformed file stops the server at start
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and not text.startswith("/"):
                guess = identify(text)
                message.set(DETECTED_LANGUAGE, guess.language, add_to_output=True)
                message.set(LANGUAGE_SURE, guess.sure, add_to_output=True)
                message.set(WRITTEN_AS, guess.form, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
