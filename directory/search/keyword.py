"""Keyword retrieval: BM25 over the documents' fields, in process, the same on SQLite and PostgreSQL.

A simplified BM25F: each field's term counts are multiplied by the field's weight before the usual
BM25 saturation and length normalisation. Synonym concept tokens ("~speech") are added to documents
and queries alike. Documents can be added and removed one at a time (no rebuild).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection
from functools import lru_cache

import numpy as np

from directory.search.documents import KEYWORD_FIELDS, SearchDocument, keyword_fields
from directory.search.query import STOPWORDS, stem, words
from directory.search.synonyms import matches, related

K1 = 1.2
B = 0.75
RELATED_WEIGHT = 0.5  # a related concept (synonyms.RELATED) counts this much of a named one in a query


@lru_cache(maxsize=32768)
def analyse(text: str) -> tuple[str, ...]:
    """Stemmed content words plus synonym concept tokens (cached: area lists and boilerplate repeat)."""
    sequence = [stem(w) for w in words(text)]
    content = [s for w, s in zip(words(text), sequence, strict=True) if w not in STOPWORDS]
    return tuple(content) + tuple("~" + group.concept for group, _ in matches(sequence))


def document_terms(doc: SearchDocument) -> tuple[dict[str, float], float]:
    """Weighted term frequencies and weighted length of one document."""
    counts: Counter[str] = Counter()
    length = 0.0
    fields = keyword_fields(doc)
    for field, weight in KEYWORD_FIELDS:
        terms = analyse(fields[field])
        for term in terms:
            counts[term] += weight
        length += weight * len(terms)
    return dict(counts), length


def query_weights(text: str) -> dict[str, float]:
    """Each query term's weight before idf: 1 for one occurrence, +0.5 per repeat; related concepts less."""
    weights = {term: 1.0 + 0.5 * (qtf - 1) for term, qtf in Counter(analyse(text)).items()}
    if RELATED_WEIGHT > 0:
        for group in related(text):
            weights.setdefault("~" + group.concept, RELATED_WEIGHT)
    return weights


class KeywordIndex:
    """Postings per term (slot → weighted tf), scored with numpy; one slot per document."""

    def __init__(self) -> None:
        self._postings: dict[str, dict[int, float]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # per-term cache, dropped on change
        self._terms: dict[str, dict[str, float]] = {}
        self._slot: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._free: list[int] = []
        self._lengths = np.zeros(64, dtype=np.float64)
        self._total_length = 0.0

    def __len__(self) -> int:
        return len(self._slot)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot

    def build(self, docs: list[SearchDocument]) -> None:
        self.__init__()
        for doc in docs:
            self.add(doc)

    def add(self, doc: SearchDocument) -> None:
        if doc.id in self._slot:
            self.remove(doc.id)
        terms, length = document_terms(doc)
        if self._free:
            slot = self._free.pop()
            self._ids[slot] = doc.id
        else:
            slot = len(self._ids)
            self._ids.append(doc.id)
            if slot >= len(self._lengths):
                self._lengths = np.concatenate([self._lengths, np.zeros(len(self._lengths))])
        self._slot[doc.id] = slot
        self._terms[doc.id] = terms
        self._lengths[slot] = length
        self._total_length += length
        for term, tf in terms.items():
            self._postings.setdefault(term, {})[slot] = tf
            self._arrays.pop(term, None)

    def remove(self, doc_id: str) -> None:
        terms = self._terms.pop(doc_id, None)
        if terms is None:
            return
        slot = self._slot.pop(doc_id)
        self._total_length -= self._lengths[slot]
        self._lengths[slot] = 0.0
        self._ids[slot] = None
        self._free.append(slot)
        for term in terms:
            posting = self._postings[term]
            del posting[slot]
            self._arrays.pop(term, None)
            if not posting:
                del self._postings[term]

    def idf(self, term: str) -> float:
        df = len(self._postings.get(term, ()))
        n = len(self._slot)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _posting_arrays(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        arrays = self._arrays.get(term)
        if arrays is None:
            posting = self._postings.get(term)
            if not posting:
                return None
            slots = np.fromiter(posting.keys(), dtype=np.int64, count=len(posting))
            tfs = np.fromiter(posting.values(), dtype=np.float64, count=len(posting))
            arrays = self._arrays[term] = (slots, tfs)
        return arrays

    def search(
        self, text: str, limit: int, allowed: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """Best ``limit`` (doc id, BM25 score) pairs with a positive score, among ``allowed`` if given."""
        if not self._slot or limit <= 0:
            return []
        avgdl = self._total_length / len(self._slot) or 1.0
        scores = np.zeros(len(self._ids), dtype=np.float64)
        for term, weight in query_weights(text).items():
            arrays = self._posting_arrays(term)
            if arrays is None:
                continue
            slots, tfs = arrays
            weight *= self.idf(term)
            norm = K1 * (1.0 - B + B * self._lengths[slots] / avgdl)
            scores[slots] += weight * tfs * (K1 + 1.0) / (tfs + norm)
        found = np.flatnonzero(scores > 0)
        if allowed is not None:
            found = found[np.fromiter((self._ids[i] in allowed for i in found.tolist()), bool, len(found))]
        if len(found) > limit * 2:  # keep the best, with room for ties at the cut
            found = found[np.argpartition(-scores[found], limit * 2)[: limit * 2]]
        ranked = sorted(
            ((self._ids[i], float(scores[i])) for i in found.tolist()), key=lambda x: (-x[1], x[0])
        )
        return ranked[:limit]  # type: ignore[return-value]
