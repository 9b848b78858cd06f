"""Messages the model cannot have learnt anything about get the fallback answer.

Two kinds: a message with no letters at all (emoji, "??", digits), and one
whose words are all unknown to the training data ("qwzx plorb vrrk", a wall of
one repeated letter). The classifiers must put such a message somewhere, and
"😭😭" landing on `thanks` would leave her without the help numbers; the
fallback answer always carries them, with the topic buttons. A single unknown
word ("greetings") is left to the classifiers, which often still get it right.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Set

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text.scripts import script_of

FALLBACK = "nlu_fallback"
# Longer than any real word: a run of one key, or text the dictionaries could not split.
LONGEST_WORD = 20


def words(message: Message) -> List[str]:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return [t.text.lower() for t in tokens if any(script_of(c) for c in t.text)]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnfamiliarTextFallback(GraphComponent):
    def __init__(self, vocabulary: Set[str], model_storage: ModelStorage, resource: Resource) -> None:
        self.vocabulary = vocabulary
        self._storage = model_storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> UnfamiliarTextFallback:
        return cls(set(), model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> UnfamiliarTextFallback:
        with model_storage.read_from(resource) as directory:
            vocabulary = set(json.loads((directory / "vocabulary.json").read_text(encoding="utf-8")))
        return cls(vocabulary, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self.vocabulary = {w for example in training_data.intent_examples for w in words(example)}
        with self._storage.write_to(self._resource) as directory:
            (directory / "vocabulary.json").write_text(json.dumps(sorted(self.vocabulary)), encoding="utf-8")
        return self._resource

    def is_unfamiliar(self, message: Message) -> bool:
        found = words(message)
        if not found:
            return True
        if any(w in self.vocabulary for w in found):
            return False
        return len(found) >= 2 or len(found[0]) > LONGEST_WORD

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if isinstance(message.get(TEXT), str) and self.is_unfamiliar(message):
                ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK]
                fallback = {"name": FALLBACK, "confidence": 1.0}
                message.set("intent", fallback, add_to_output=True)
                message.set("intent_ranking", [fallback, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
