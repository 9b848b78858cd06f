"""The tokens and word features the model sees for sentences in each script."""

from typing import List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.featurizer import MarkPreservingCountVectorsFeaturizer
from bot.nlu.tokenizer import LaoThaiTokenizer


@pytest.fixture(scope="module")
def tokenizer() -> LaoThaiTokenizer:
    return LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())


def tokens(tokenizer: LaoThaiTokenizer, text: str) -> List[Tuple[str, int]]:
    return [(t.text, t.start) for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ຂ້ອຍຢູ່ປະເທດໄທ ຢາກກັບບ້ານ", ["ຂ້ອຍ", "ຢູ່", "ປະເທດໄທ", "ຢາກ", "ກັບ", "ບ້ານ"]),
        ("ฉันอยู่เมืองไทย อยากกลับบ้านค่ะ!!", ["ฉัน", "อยู่", "เมือง", "ไทย", "อยาก", "กลับบ้าน", "ค่ะ"]),
        ("hi, I'm in Bangkok... help me?", ["hi", "I", "m", "in", "Bangkok", "help", "me"]),
        ("ຢາກໄປເຮັດວຽກ online ທີ່ Bangkok", ["ຢາກ", "ໄປ", "ເຮັດວຽກ", "online", "ທີ່", "Bangkok"]),
        ("ok555ໄທ", ["ok555", "ໄທ"]),
    ],
)
def test_words_are_split_by_script(tokenizer: LaoThaiTokenizer, text: str, expected: List[str]) -> None:
    assert [word for word, _ in tokens(tokenizer, text)] == expected


@pytest.mark.parametrize(
    "text",
    ["ຂ້ອຍຢູ່ປະເທດໄທ ຢາກກັບບ້ານ", "ฉันอยู่เมืองไทย  อยากกลับบ้านค่ะ", "เงินเดือน 30000 บาท ok ไหม", "😭😭 help"],
)
def test_tokens_are_exact_substrings(tokenizer: LaoThaiTokenizer, text: str) -> None:
    for word, start in tokens(tokenizer, text):
        assert text[start : start + len(word)] == word


def _train_featurizer(cls: type, tmp_path, texts: List[str]):
    tmp_path.mkdir(parents=True)
    tokenizer = LaoThaiTokenizer(LaoThaiTokenizer.get_default_config())
    messages = [Message(data={"text": t, "intent": "greet"}) for t in texts]
    data = tokenizer.process_training_data(TrainingData(training_examples=messages))
    featurizer = cls.create(
        {**cls.get_default_config()},
        LocalModelStorage(tmp_path),  # the featurizer persists its vocabulary here
        Resource(cls.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )
    featurizer.train(data)
    return featurizer, tokenizer


def test_word_features_keep_vowel_and_tone_marks(tmp_path) -> None:
    texts = ["สวัสดีค่ะ", "ສະບາຍດີ ເຈົ້າ", "hello there"]
    featurizer, _ = _train_featurizer(MarkPreservingCountVectorsFeaturizer, tmp_path / "ours", texts)
    vocabulary = set(featurizer.vectorizers["text"].vocabulary_)
    assert {"สวัสดี", "ค่ะ", "ສະບາຍດີ", "ເຈົ້າ", "hello", "there"} <= vocabulary


def test_stock_word_features_break_thai_words(tmp_path) -> None:
    """Why the project has its own featurizer: the stock one cuts words at the marks."""
    featurizer, _ = _train_featurizer(CountVectorsFeaturizer, tmp_path / "stock", ["สวัสดีค่ะ"])
    vocabulary = set(featurizer.vectorizers["text"].vocabulary_)
    assert "สวัสดี" not in vocabulary
    assert "สว" in vocabulary


def test_each_token_gets_its_own_feature_row(tmp_path) -> None:
    featurizer, tokenizer = _train_featurizer(
        MarkPreservingCountVectorsFeaturizer, tmp_path / "rows", ["ฉันอยู่เมืองไทย", "ຂ້ອຍຢູ່ປະເທດໄທ"]
    )
    message = Message(data={"text": "ฉันอยู่เมืองไทย"})
    tokenizer.process([message])
    featurizer.process([message])
    sequence, sentence = message.get_sparse_features("text")
    assert sequence.features.shape[0] == 4  # ฉัน อยู่ เมือง ไทย
    assert sequence.features.sum() == 4  # each row has exactly its one word
