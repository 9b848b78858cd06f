"""Intent classification that blends two views of the message.

DIET learns from token sequences; a logistic regression over the whole
message's word and character-n-gram counts is steadier with a few dozen
examples per intent. On the held-out split their average beats either alone
(see the closing note of issue 2), so the final intent is the weighted mean of
the two rankings.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.message import Message

INTENT = "intent"
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
class BlendedIntentClassifier(LogisticRegressionClassifier):
    """Logistic regression whose probabilities are blended with the ranking an
    earlier classifier (DIET, listed before it with `ranking_length: 0`) left on the message."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "own_weight": 0.7, "ranking_length": 10}

    def process(self, messages: List[Message]) -> List[Message]:
        earlier = [message.get(RANKING) or [] for message in messages]
        super().process(messages)
        for message, previous in zip(messages, earlier, strict=True):
            own = message.get(RANKING) or []
            if not previous:
                continue
            ranking = blend(previous, own, self.config["own_weight"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(RANKING, ranking[: self.config["ranking_length"] or None], add_to_output=True)
        return messages
