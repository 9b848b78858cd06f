"""Entities found by rule, from the word lists in data/lexicon/: country, location, service, language.

A country named anywhere is a `country` entity (what the question is about); when the words
before it say she, or the person she worries about, is there now ("I'm in", "ຢູ່", "อยู่", "yu"),
it is also a `location` entity, which the hand-off follows (bot/text/places.py). A bare "ລາວ" or
"thai" is a language only when she asks to change language. Lists, not a trained extractor: they
find "ຢູ່ລາວ", "chinese man" and "yu malay" in every script, and an edit needs no retraining.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text.places import find_language, find_places
from bot.text.services import find_service
from bot.vocabulary import COUNTRY_ENTITY, LANGUAGE_ENTITY, LOCATION_ENTITY, SERVICE_ENTITY

SET_LANGUAGE_INTENT = "set_language"
EXTRACTOR = "RuleEntityExtractor"


def _entity(name: str, value: str, start: int, end: int, text: str) -> Dict[str, Any]:
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": end,
        "confidence_entity": 1.0,
        "extractor": EXTRACTOR,
    }


def rule_entities(text: str, intent: str) -> List[Dict[str, Any]]:
    found = []
    for place in find_places(text):
        found.append(_entity(COUNTRY_ENTITY, place.value, place.start, place.end, text))
        if place.where_she_is:
            found.append(_entity(LOCATION_ENTITY, place.value, place.start, place.end, text))
    service = find_service(text)
    if service:
        found.append(_entity(SERVICE_ENTITY, *service, text))
    language = find_language(text, bare_names=intent == SET_LANGUAGE_INTENT)
    if language:
        found.append(_entity(LANGUAGE_ENTITY, *language, text))
    return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class RuleEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuleEntityExtractor:
        rule_entities("ສະບາຍດີ", "")  # load the word lists now: a malformed file stops the server at start
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or text.startswith("/"):
                continue  # a button's payload carries its own entities
            intent = (message.get(INTENT) or {}).get("name") or ""
            entities = [e for e in message.get(ENTITIES, []) if e.get("extractor") != EXTRACTOR]
            message.set(ENTITIES, entities + rule_entities(text, intent), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
