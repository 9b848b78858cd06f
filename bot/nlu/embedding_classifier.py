"""A second opinion for English messages, from the pretrained sentence embedding alone.

A logistic regression over MiniLM's sentence vectors (the features of
EnglishSentenceEmbedder, named by its alias) recognises phrasings that share no
words with any training example. For English messages its probabilities are
averaged with the ranking the earlier classifiers left; Lao and Thai messages
pass through untouched.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix

from bot.text.language_id import detect_language

RANKING = "intent_ranking"


def blend(
    first: List[Dict[str, Any]], second: List[Dict[str, Any]], second_weight: float
) -> List[Dict[str, Any]]:
    """The weighted mean of two intent rankings (an intent missing from one counts as 0 there)."""
    scores: Dict[str, float] = {}
    for ranking, weight in ((first, 1 - second_weight), (second, second_weight)):
        for entry in ranking:
            scores[entry["name"]] = scores.get(entry["name"], 0.0) + weight * float(entry["confidence"])
    return [
        {"name": name, "confidence": score} for name, score in sorted(scores.items(), key=lambda kv: -kv[1])
    ]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmbeddingIntentClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "featurizer": "minilm",  # the alias of the dense featurizer to read
            "languages": ["en"],
            "own_weight": 0.5,
            "C": 10.0,
            "max_iter": 2000,
        }

    def __init__(self, config: Dict[str, Any], *args: Any) -> None:
        super().__init__(config, *args)
        self.clf.set_params(C=self.config["C"], class_weight=None)

    def _applies(self, message: Message) -> bool:
        text = message.get(TEXT)
        return isinstance(text, str) and detect_language(text) in self.config["languages"]

    def _vector(self, message: Message) -> Optional[np.ndarray]:
        _, sentence = message.get_dense_features(TEXT, [self.config["featurizer"]])
        return None if sentence is None else sentence.features.reshape(-1)

    def _create_training_matrix(self, training_data: TrainingData) -> Tuple[csr_matrix, List[str]]:
        rows, labels = [], []
        for example in training_data.intent_examples:
            vector = self._vector(example) if self._applies(example) else None
            if vector is not None and example.get(INTENT):
                rows.append(vector)
                labels.append(example.get(INTENT))
        return csr_matrix(np.stack(rows) if rows else np.zeros((0, 1))), labels

    def process(self, messages: List[Message]) -> List[Message]:
        if not hasattr(self.clf, "classes_"):
            return messages  # trained on no example in these languages
        for message in messages:
            vector = self._vector(message) if self._applies(message) else None
            if vector is None:
                continue
            probabilities = self.clf.predict_proba(vector[np.newaxis, :])[0]
            own = [
                {"name": name, "confidence": float(p)}
                for name, p in zip(self.clf.classes_, probabilities, strict=False)
            ]
            ranking = blend(message.get(RANKING) or [], own, self.config["own_weight"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(RANKING, ranking, add_to_output=True)
        return messages
