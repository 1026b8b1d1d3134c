"""Dense retrieval: passage vectors in an exact FAISS inner-product index, rows mapped to documents.

Each document contributes several short passages. FAISS stores them under int64 passage ids
(``IndexIDMap2`` over ``IndexFlatIP``); the id → (document, kind) map lives here, next to it, so
removing or replacing one document never renumbers the rest. Saving and loading: ``persist.py``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import faiss
import numpy as np

log = logging.getLogger(__name__)

TOP_PASSAGES = 2  # a document scores the mean of its best two passages
EXACT_TOP = 20  # dense ranks exact down to here (see DenseIndex.search)
MAX_DEPTH = 16_384  # passages read from FAISS per query at most


def encode_documents(embedder, docs: list) -> DenseIndex:
    """Embed every passage of ``docs`` in one batch into a new index."""
    from directory.search.documents import passages

    start = time.perf_counter()
    doc_ids: list[str] = []
    kinds: list[str] = []
    texts: list[str] = []
    for doc in docs:
        for kind, text in passages(doc):
            doc_ids.append(doc.id)
            kinds.append(kind)
            texts.append(text)
    dense = DenseIndex(embedder.dim)
    vectors = embedder.encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)
    dense.add_many(doc_ids, kinds, vectors)
    if docs:
        log.info(
            "embedded %d entries (%d passages) in %.1f s", len(docs), len(texts), time.perf_counter() - start
        )
    return dense


@dataclass(frozen=True)
class Passage:
    doc_id: str
    kind: str


def single_threaded() -> None:
    """One query at a time gains nothing from OpenMP threads, and they spin against torch's on 2 cores."""
    faiss.omp_set_num_threads(1)


class DenseIndex:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.passages: dict[int, Passage] = {}
        self.doc_passages: dict[str, list[int]] = {}
        self.next_id = 0
        self._kinds: list[str] = []  # kind code → kind
        self._kind_codes = np.zeros(1024, dtype=np.int16)  # passage id → kind code (for weights)

    def set_kinds(self, ids: list[int], kinds: list[str]) -> None:
        """Record passage kinds by id in an array, so weights apply with one numpy lookup."""
        while ids and max(ids) >= len(self._kind_codes):
            self._kind_codes = np.concatenate([self._kind_codes, np.zeros_like(self._kind_codes)])
        for pid, kind in zip(ids, kinds, strict=True):
            if kind not in self._kinds:
                self._kinds.append(kind)
            self._kind_codes[pid] = self._kinds.index(kind)

    def __len__(self) -> int:
        return len(self.doc_passages)

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def doc_ids(self) -> list[str]:
        return list(self.doc_passages)

    def add(self, doc_id: str, kinds: list[str], vectors: np.ndarray) -> None:
        """Add one document's passages (replacing any it had)."""
        if doc_id in self.doc_passages:
            self.remove(doc_id)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(kinds) != len(vectors):
            raise ValueError("one kind per passage vector")
        ids = np.arange(self.next_id, self.next_id + len(kinds), dtype=np.int64)
        self.next_id += len(kinds)
        if len(ids):
            self.index.add_with_ids(vectors, ids)
        for pid, kind in zip(ids.tolist(), kinds, strict=True):
            self.passages[pid] = Passage(doc_id, kind)
        self.doc_passages[doc_id] = ids.tolist()
        self.set_kinds(ids.tolist(), kinds)

    def add_many(self, doc_ids: list[str], kinds: list[str], vectors: np.ndarray) -> None:
        """Bulk add for a full build: passages of the same document must be consecutive."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        ids = np.arange(self.next_id, self.next_id + len(kinds), dtype=np.int64)
        self.next_id += len(kinds)
        if len(ids):
            self.index.add_with_ids(vectors, ids)
        for pid, doc_id, kind in zip(ids.tolist(), doc_ids, kinds, strict=True):
            self.passages[pid] = Passage(doc_id, kind)
            self.doc_passages.setdefault(doc_id, []).append(pid)
        self.set_kinds(ids.tolist(), kinds)

    def remove(self, doc_id: str) -> None:
        ids = self.doc_passages.pop(doc_id, None)
        if not ids:
            return
        self.index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))
        for pid in ids:
            del self.passages[pid]

    def search_passages(
        self, query: np.ndarray, k: int, allowed_docs: Collection[str] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Raw FAISS search: (scores, passage ids) of the top ``k`` passages, optionally among some docs.

        A small allowed set is searched through an id selector; a large one (a quarter of the entries or
        more) by an unrestricted search deep enough to hold ``k`` allowed passages, filtered afterwards.
        """
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        empty = np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        if allowed_docs is not None and len(allowed_docs) * 4 >= len(self.doc_passages):
            share = max(len(allowed_docs), 1) / max(len(self.doc_passages), 1)
            depth = min(self.ntotal, int(k / share) + 16)
            while True:
                scores, ids = self._search(query, depth, None)
                keep = np.fromiter(
                    (self.passages[p].doc_id in allowed_docs for p in ids.tolist()), bool, len(ids)
                )
                if keep.sum() >= k or depth >= self.ntotal:
                    return scores[keep][:k], ids[keep][:k]
                depth = min(self.ntotal, depth * 4)
        params = None
        if allowed_docs is not None:
            ids = [pid for doc in allowed_docs for pid in self.doc_passages.get(doc, ())]
            if not ids:
                return empty
            k = min(k, len(ids))
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(ids, dtype=np.int64)))
        return self._search(query, k, params)

    def _search(self, query: np.ndarray, k: int, params) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.ntotal)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, ids = self.index.search(query, k, params=params)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def search(
        self,
        query: np.ndarray,
        limit: int,
        allowed_docs: Collection[str] | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> list[tuple[str, float]]:
        """Best ``limit`` documents by the mean of their two best passages (weighted cosines).

        Averaging the best two rewards an entry that matches the query in more than one field and damps a
        single lucky short passage. A document's mean is at most its best passage's score, so candidates
        come from the top passages in FAISS (threshold algorithm): the search deepens until the
        ``EXACT_TOP``-th best mean is at least the score any unseen document could reach, so the first
        ``EXACT_TOP`` are exact; deeper ranks (which weigh little in fusion) may miss an entry whose two
        middling passages beat another's one good one. ``MAX_DEPTH`` bounds the work per query.
        """
        weights = weights or {}
        top_weight = max([1.0, *weights.values()])
        pool = len(allowed_docs) if allowed_docs is not None else len(self.doc_passages)
        limit = min(limit, pool)
        if limit <= 0:
            return []
        query = np.ascontiguousarray(query, dtype=np.float32).reshape(self.dim)
        k = max(limit * 8, 256)
        exact = min(limit, EXACT_TOP)
        while True:
            cosines, ids = self.search_passages(query, k, allowed_docs)
            best: dict[str, float] = {}  # document → its best passage cosine, in rank order
            for cosine, pid in zip(cosines.tolist(), ids.tolist(), strict=True):
                best.setdefault(self.passages[pid].doc_id, cosine)
            candidates = list(best)
            means = self.score_documents(query, candidates, weights)
            scored = sorted(zip(candidates, means, strict=True), key=lambda item: (-item[1], item[0]))
            unseen_bound = top_weight * (float(cosines[-1]) if len(cosines) else float("-inf"))
            exhausted = len(ids) < k
            if exhausted or k >= MAX_DEPTH or (len(scored) >= limit and scored[exact - 1][1] >= unseen_bound):
                return scored[:limit]
            k = min(k * 4, MAX_DEPTH)

    def score_documents(
        self, query: np.ndarray, doc_ids: list[str], weights: Mapping[str, float] | None = None
    ) -> list[float]:
        """Each document's mean of its best ``TOP_PASSAGES`` weighted passage cosines."""
        weights = weights or {}
        groups = [self.doc_passages.get(doc_id) or [] for doc_id in doc_ids]
        pids = [pid for group in groups for pid in group]
        if not pids:
            return [float("-inf")] * len(doc_ids)
        vectors = self.index.reconstruct_batch(np.asarray(pids, dtype=np.int64))
        # einsum, not BLAS: one small product, and OpenBLAS threads stall on a busy machine.
        scores = np.einsum("ij,j->i", vectors, np.asarray(query, dtype=np.float32).reshape(self.dim))
        by_code = np.asarray([weights.get(kind, 1.0) for kind in self._kinds] or [1.0], dtype=np.float32)
        scores *= by_code[self._kind_codes[np.asarray(pids, dtype=np.int64)]]
        lengths = np.asarray([len(group) for group in groups])
        rows = np.repeat(np.arange(len(groups)), lengths)
        cols = np.arange(len(pids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        table = np.full((len(groups), max(int(lengths.max()), TOP_PASSAGES)), -np.inf, dtype=np.float32)
        table[rows, cols] = scores
        best = -np.sort(-table, axis=1)[:, :TOP_PASSAGES]
        counts = np.minimum(lengths, TOP_PASSAGES)
        totals = np.where(np.isfinite(best), best, 0.0).sum(axis=1)
        means = np.where(counts > 0, totals / np.maximum(counts, 1), -np.inf)
        return means.tolist()

    def vectors_of(self, doc_id: str) -> tuple[list[str], np.ndarray]:
        """One document's passage kinds and vectors (to move them into another index)."""
        ids = self.doc_passages.get(doc_id) or []
        if not ids:
            return [], np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64)).reshape(-1, self.dim)
        return [self.passages[pid].kind for pid in ids], vectors
