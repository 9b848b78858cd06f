"""The project's own NLU components beyond the tokenizer, each on its own: MiniLM and its classifier,
the linear intent classifier, the letterless fallback, the danger net, the rule entities and the
language detector."""

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.danger_net import DangerNet
from bot.nlu.embedding_classifier import EmbeddingIntentClassifier, blend
from bot.nlu.language_detector import LanguageDetector
from bot.nlu.linear_classifier import SparseLinearIntentClassifier
from bot.nlu.minilm import load_model
from bot.nlu.rule_entities import RuleEntityExtractor
from bot.nlu.sentence_embedder import EnglishSentenceEmbedder
from bot.nlu.tokenizer import LaoThaiTokenizer
from bot.nlu.unfamiliar_text_fallback import UnfamiliarTextFallback


def test_blend_is_a_weighted_mean_of_two_rankings() -> None:
    first = [{"name": "a", "confidence": 0.8}, {"name": "b", "confidence": 0.2}]
    second = [{"name": "b", "confidence": 0.9}, {"name": "c", "confidence": 0.1}]
    ranking = blend(first, second, 0.5)
    assert [r["name"] for r in ranking] == ["b", "a", "c"]
    assert ranking[0]["confidence"] == pytest.approx(0.55)


def test_minilm_wordpiece_and_meaning() -> None:
    model = load_model()
    assert model.tokenizer.encode("I'm in Bangkok, héllo!!") == [
        101,
        1045,
        1005,
        1049,
        1999,
        12627,
        1010,
        7592,
        999,
        999,
        102,
    ]
    a, b, c = (
        model.embed(t)
        for t in ("how do i delete this chat", "can i erase our conversation", "what is the weather")
    )
    assert np.linalg.norm(a) == pytest.approx(1.0, abs=1e-5)
    assert float(a @ b) > 0.4 > float(a @ c) + 0.3


def component(cls, tmp_path, **config):
    return cls.create(
        {**cls.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(cls.__name__),
        ExecutionContext(GraphSchema({}), cls.__name__),
    )


def featurized(texts, tmp_path, intents=None):
    tokenizer = LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())
    embedder = component(EnglishSentenceEmbedder, tmp_path, alias="minilm")
    messages = [
        Message(data={"text": t, **({"intent": i} if intents else {})})
        for t, i in zip(texts, intents or texts, strict=False)
    ]
    tokenizer.process(messages)
    embedder.process(messages)
    return messages


def test_embedder_gives_english_a_vector_and_lao_zeros(tmp_path) -> None:
    english, lao = featurized(["where can i call for help", "ໂທຫາໃຜໄດ້"], tmp_path)
    assert np.abs(english.get_dense_features("text", ["minilm"])[1].features).sum() > 0
    assert np.abs(lao.get_dense_features("text", ["minilm"])[1].features).sum() == 0
    assert lao.get_dense_features("text", ["minilm"])[0].features.shape == (len(lao.get("text_tokens")), 384)


def test_embedder_skips_a_message_already_ranked_with_certainty(tmp_path) -> None:
    tokenizer = LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())
    embedder = component(EnglishSentenceEmbedder, tmp_path, alias="minilm", unless_ranked_above=0.99)
    sure, unsure = Message(data={"text": "hello there"}), Message(data={"text": "is this a real job"})
    sure.set("intent_ranking", [{"name": "greet", "confidence": 0.995}])
    unsure.set("intent_ranking", [{"name": "check_job_offer", "confidence": 0.7}])
    tokenizer.process([sure, unsure])
    embedder.process([sure, unsure])
    assert sure.get_dense_features("text", ["minilm"])[1] is None
    assert np.abs(unsure.get_dense_features("text", ["minilm"])[1].features).sum() > 0


def test_embedding_classifier_learns_english_and_leaves_lao_alone(tmp_path) -> None:
    texts = [
        "hello",
        "hi there",
        "good morning",
        "help me i am locked in",
        "they lock me in a room",
        "i cannot get out",
    ]
    intents = ["greet", "greet", "greet", "need_help_now", "need_help_now", "need_help_now"]
    classifier = component(EmbeddingIntentClassifier, tmp_path / "clf", featurizer="minilm")
    (tmp_path / "clf").mkdir()
    classifier.train(TrainingData(featurized(texts, tmp_path, intents)))
    english, lao = featurized(["please someone get me out of here", "ສະບາຍດີ"], tmp_path)
    untouched = [{"name": "greet", "confidence": 0.5}, {"name": "need_help_now", "confidence": 0.5}]
    for message in (english, lao):
        message.set("intent_ranking", untouched)
    classifier.process([english, lao])
    assert english.get("intent")["name"] == "need_help_now"
    assert lao.get("intent_ranking") == untouched


@pytest.mark.parametrize(
    ("text", "fallback"),
    [("😭😭", True), ("??", True), ("1362", True), ("qwzx plorb vrrk", True), ("x" * 5000, True),
     ("help", False), ("helo i need hlep", False), ("greetings", False)],
)  # fmt: skip
def test_unfamiliar_messages_fall_back(text: str, fallback: bool, tmp_path) -> None:
    tokenizer = LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())
    known = [Message(data={"text": t, "intent": "x"}) for t in ("i need help", "help me")]
    tokenizer.process(known)
    component = UnfamiliarTextFallback.create({}, LocalModelStorage(tmp_path), Resource("u"), None)
    component.train(TrainingData(known))
    message = Message(data={"text": text})
    tokenizer.process([message])
    message.set("intent", {"name": "thanks", "confidence": 0.9})
    message.set("intent_ranking", [{"name": "thanks", "confidence": 0.9}])
    component.process([message])
    assert (message.get("intent")["name"] == "nlu_fallback") is fallback


def test_linear_classifier_learns_ranks_and_survives_a_reload(tmp_path) -> None:
    texts = [
        "hello",
        "hi there",
        "good morning",
        "help me i am locked in",
        "they lock me in",
        "i cannot get out",
    ]
    intents = ["greet"] * 3 + ["need_help_now"] * 3
    tokenizer = LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())
    chars = component(
        CountVectorsFeaturizer, tmp_path, alias="chars", analyzer="char_wb", min_ngram=1, max_ngram=3
    )
    messages = [Message(data={"text": t, "intent": i}) for t, i in zip(texts, intents, strict=True)]
    tokenizer.process(messages)
    chars.train(TrainingData(messages))
    chars.process_training_data(TrainingData(messages))
    (tmp_path / "model").mkdir()
    storage = LocalModelStorage(tmp_path / "model")
    resource = Resource("linear")
    classifier = SparseLinearIntentClassifier.create({"featurizers": ["chars"]}, storage, resource, None)
    classifier.train(TrainingData(messages))
    reloaded = SparseLinearIntentClassifier.load({"featurizers": ["chars"]}, storage, resource, None)
    message = Message(data={"text": "please help, locked in"})
    tokenizer.process([message])
    chars.process([message])
    reloaded.process([message])
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "need_help_now" == ranking[0]["name"]
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_danger_net_overrides_a_topic_but_keeps_a_hand_off_intent() -> None:
    net = DangerNet.create({}, None, None, None)
    fees = Message(data={"text": "they say i owe them money and i cant go home until i pay"})
    fees.set("intent", {"name": "ask_recruitment_fees", "confidence": 0.9})
    fees.set("intent_ranking", [{"name": "ask_recruitment_fees", "confidence": 0.9}])
    report = Message(data={"text": "my sister is locked in a room"})
    report.set("intent", {"name": "report_trafficking", "confidence": 0.8})
    question = Message(data={"text": "what if they keep my passport?"})
    question.set("intent", {"name": "ask_worker_rights", "confidence": 0.8})
    net.process([fees, report, question])
    assert fees.get("intent")["name"] == "need_help_now"
    assert [r["name"] for r in fees.get("intent_ranking")] == ["need_help_now", "ask_recruitment_fees"]
    assert fees.get("danger_cues") == ["debt_bondage"]
    assert report.get("intent")["name"] == "report_trafficking" and report.get("danger_cues") == ["locked_in"]
    assert question.get("intent")["name"] == "ask_worker_rights" and not question.get("danger_cues")


def test_rule_entities_tell_where_she_is_from_what_she_asks_about() -> None:
    extractor = RuleEntityExtractor.create({}, None, None, None)
    message = Message(data={"text": "I am in Vientiane. A broker offers me a job in Malaysia"})
    message.set("intent", {"name": "check_job_offer"})
    extractor.process([message])
    found = [(e["entity"], e["value"]) for e in message.get("entities")]
    assert found == [("country", "laos"), ("location", "laos"), ("country", "malaysia")]
    button = Message(data={"text": '/inform_location{"location": "thailand"}'})
    extractor.process([button])
    assert not button.get("entities")  # a payload's entities are its own


def test_language_detector_reads_romanized_lao_as_lao() -> None:
    detector = LanguageDetector.create({}, None, None, None)
    message = Message(data={"text": "khoy yak pai het viak yu thai"})
    detector.process([message])
    assert (message.get("detected_language"), message.get("written_as")) == ("lo", "latin_lao")
