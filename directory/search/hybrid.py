"""Reciprocal rank fusion (Cormack, Clarke & Buettcher 2009) and the soft age preference.

RRF fuses on rank only, so BM25 scores and cosines never need to be put on one scale:
``score(d) = sum_i weight_i / (k + rank_i(d))`` with ranks from 1 and k = 60.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 60


@dataclass
class Fused:
    id: str
    score: float
    ranks: tuple[int | None, ...]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], weights: Sequence[float] | None = None, k: int = RRF_K
) -> list[Fused]:
    """Fuse ranked id lists; ties are broken by best single rank, then by id (deterministic)."""
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict[str, Fused] = {}
    for position, (ranking, weight) in enumerate(zip(rankings, weights, strict=True)):
        for rank, doc_id in enumerate(ranking, start=1):
            entry = fused.get(doc_id)
            if entry is None:
                entry = fused[doc_id] = Fused(doc_id, 0.0, (None,) * len(rankings))
            if entry.ranks[position] is not None:
                continue  # a duplicate in one list counts once, at its best rank
            entry.score += weight / (k + rank)
            entry.ranks = entry.ranks[:position] + (rank,) + entry.ranks[position + 1 :]
    return sorted(fused.values(), key=_order)


def _order(entry: Fused) -> tuple[float, int, str]:
    best = min((r for r in entry.ranks if r is not None), default=10**9)
    return (-entry.score, best, entry.id)


# Soft age preference: a service whose age range includes the age a query names is nudged up, one whose
# range leaves it out is pushed down but stays in the results (only the ``age`` filter removes entries).
AGE_FIT = 1.15
AGE_MISMATCH = 0.55


def age_factor(
    doc_min: int | None, doc_max: int | None, query_min: int | None, query_max: int | None
) -> float:
    if query_min is None or query_max is None or (doc_min is None and doc_max is None):
        return 1.0
    low = doc_min if doc_min is not None else 0
    high = doc_max if doc_max is not None else 200
    if low <= query_max and query_min <= high:
        return AGE_FIT
    return AGE_MISMATCH


# --- cutting weak keyword candidates before fusion ------------------------------------------------------
# RRF gives every listed entry a share by rank alone, so an entry that BM25 found only through a common
# word ("help", "child") and the dense list ranks in the middle can outscore the dense list's clear best.
# The keyword list therefore reaches fusion cut to the entries scoring at least this share of its own
# best score: relative to the query's own scores, so it carries over to questions it was not chosen on.
KEYWORD_SHARE = 0.35


def near_best(scored: Sequence[tuple[str, float]], share: float | None = None) -> list[str]:
    """The ids of ``scored`` (best first) scoring at least ``share`` (``KEYWORD_SHARE``) of the best."""
    if not scored:
        return []
    floor = scored[0][1] * (KEYWORD_SHARE if share is None else share)
    return [doc_id for doc_id, score in scored if score >= floor]


# Soft council preference: with no council filter, entries of the council the query names (else the
# product's default council) come first; other councils' entries are damped, not removed.
OTHER_COUNCIL = 0.5


def council_factor(doc_council: str, preferred: str | None) -> float:
    return 1.0 if preferred is None or doc_council == preferred else OTHER_COUNCIL
