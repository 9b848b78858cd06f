"""Word count features that keep Lao and Thai vowel and tone marks.

Rasa's CountVectorsFeaturizer hard-codes the pattern `\\b\\w+\\b`; Python's `\\w`
does not match combining marks, so `สวัสดี` would be counted as `สว` and `สด`.
The tokenizer has already split the text into words, so here a token is
simply everything between spaces.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from sklearn.feature_extraction.text import CountVectorizer

WHOLE_TOKEN_PATTERN = r"(?u)\S+"


def _keep_whole_tokens(
    vectorizers: Dict[str, CountVectorizer], parameters: Dict[str, Any]
) -> Dict[str, CountVectorizer]:
    if parameters["analyzer"] == "word":
        for vectorizer in vectorizers.values():
            vectorizer.token_pattern = WHOLE_TOKEN_PATTERN
    return vectorizers


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class MarkPreservingCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer whose word analyzer counts whole tokens."""

    @classmethod
    def _create_shared_vocab_vectorizers(
        cls, parameters: Dict[str, Any], vocabulary: Optional[Any] = None
    ) -> Dict[str, CountVectorizer]:
        vectorizers = super()._create_shared_vocab_vectorizers(parameters, vocabulary)
        return _keep_whole_tokens(vectorizers, parameters)

    @classmethod
    def _create_independent_vocab_vectorizers(
        cls, parameters: Dict[str, Any], vocabulary: Optional[Any] = None
    ) -> Dict[str, CountVectorizer]:
        vectorizers = super()._create_independent_vocab_vectorizers(parameters, vocabulary)
        return _keep_whole_tokens(vectorizers, parameters)
