"""The search engine the app, the CLI and the evaluation call: hybrid dense + keyword retrieval.

One ``SearchService`` per process. Index mutation (build, upsert, remove) and index reads are guarded
by one lock; query encoding (the slow part) and writing the index to disk happen outside it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from directory.search import hybrid, persist
from directory.search.documents import SearchDocument, fingerprint, passages
from directory.search.embedder import DEFAULT_MODEL_NAME, Embedder, QueryCache, SentenceTransformerEmbedder
from directory.search.filters import FilterIndex, SearchFilters
from directory.search.index import DenseIndex, encode_documents, single_threaded
from directory.search.keyword import KeywordIndex
from directory.search.query import named_council, parse_query
from directory.search.synonyms import dense_query, synonyms_version

if TYPE_CHECKING:
    from directory.settings import Settings

__all__ = ["Hit", "SearchFilters", "SearchService", "create_search_service"]

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "keyword"]

# Bump when passages() changes the text that is embedded: saved indexes then rebuild. A change to the
# synonym glosses (which passages embed too) changes the scheme by itself.
PASSAGE_SCHEME = f"passages-v2-{synonyms_version()}"
# Dense score of a document = mean of its two best weight(kind) * cosine (see DenseIndex.search).
PASSAGE_WEIGHTS = {"name": 1.05, "about": 1.0, "who": 0.95, "topics": 0.9, "easy_read": 0.95}
# Each retriever contributes this many candidates to fusion, and fusion weighs them so.
CANDIDATES = 100
FUSION_WEIGHTS = {"dense": 1.0, "keyword": 1.0}
QUERY_CACHE_SIZE = 512


@dataclass
class Hit:
    id: str
    score: float
    dense_rank: int | None
    keyword_rank: int | None


class SearchService:
    def __init__(self, embedder: Embedder, index_dir: Path | None, model_name: str) -> None:
        self.embedder = embedder
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.model_name = model_name
        single_threaded()
        # Save after every change: builds at once, one-entry updates soon after on a background thread.
        self.autosave = True
        self._saver = persist.Saver(self.index_dir, self._snapshot) if self.index_dir is not None else None
        self._dirty = False
        self._fingerprints: dict[str, str] = {}
        self.loaded_from: Literal["empty", "disk", "updated", "built"] = "empty"
        self._lock = threading.RLock()  # index reads and writes
        self._build_lock = threading.Lock()  # one full build or load at a time
        self._docs: dict[str, SearchDocument] = {}
        self._filters = FilterIndex()
        self._keyword = KeywordIndex()
        self._dense = DenseIndex(embedder.dim)
        self._revision = ""
        self._queries = QueryCache(embedder, QUERY_CACHE_SIZE)

    # --- state ----------------------------------------------------------------------------------------

    @property
    def revision(self) -> str:
        return self._revision

    def __len__(self) -> int:
        return len(self._docs)

    def document(self, doc_id: str) -> SearchDocument | None:
        return self._docs.get(doc_id)

    def documents(self) -> list[SearchDocument]:
        return list(self._docs.values())

    def state(self) -> dict[str, object]:
        """For /health: how many entries, which revision, where the index came from."""
        return {
            "documents": len(self._docs),
            "passages": self._dense.ntotal,
            "revision": self._revision,
            "model": self.model_name,
            "loaded_from": self.loaded_from,
        }

    # --- building -------------------------------------------------------------------------------------

    def _snapshot(self) -> persist.Snapshot | None:
        """The index and metadata to write, if anything changed since the last write."""
        with self._lock:
            if not self._dirty:
                return None
            self._dirty = False
            meta = {
                "model_name": self.model_name,
                "revision": self._revision,
                "passage_scheme": PASSAGE_SCHEME,
                "fingerprints": dict(self._fingerprints),
            }
            return persist.snapshot(self._dense, meta)

    def _changed(self) -> None:
        """Note an index change (caller holds the lock); the background writer saves it soon."""
        self._dirty = True
        if self._saver is not None and self.autosave:
            self._saver.save_soon()

    def flush(self) -> None:
        """Write any pending change to disk now (tests, the CLI, shutdown). Never call holding the lock."""
        if self._saver is not None:
            self._saver.save_now()

    def load_or_build(self, docs: list[SearchDocument], revision: str) -> None:
        """Load the saved index if it matches (model, revision, entries), else build and save it.

        A saved index of the right model whose revision or entries differ is brought up to date entry
        by entry (only changed entries are embedded again: a restart after one staff edit costs one
        embedding, not the whole corpus); a missing, corrupt or other-model index is rebuilt. The work
        happens beside the live index, which keeps serving searches until the new one is swapped in.
        """
        with self._build_lock:
            expected = {
                "model_name": self.model_name,
                "dim": self.embedder.dim,
                "passage_scheme": PASSAGE_SCHEME,
            }
            loaded = persist.load_matching(self.index_dir, expected) if self.index_dir is not None else None
            if loaded is None:
                self._replace(docs, revision, encode_documents(self.embedder, docs), "built")
                return
            dense, meta = loaded
            same_ids = sorted(meta.get("doc_ids", [])) == sorted(doc.id for doc in docs)
            if meta.get("revision") == revision and same_ids:
                self._replace(docs, revision, dense, "disk")
                return
            saved = meta.get("fingerprints") or {}
            changed = [doc for doc in docs if saved.get(doc.id) != fingerprint(doc)]
            wanted = {doc.id for doc in docs}
            for doc_id in [d for d in dense.doc_ids() if d not in wanted]:
                dense.remove(doc_id)
            fresh = encode_documents(self.embedder, changed)
            for doc in changed:
                dense.add(doc.id, *fresh.vectors_of(doc.id))
            log.info("search index brought up to date: %d entries embedded again", len(changed))
            self._replace(docs, revision, dense, "updated")

    def build(self, docs: list[SearchDocument], revision: str) -> None:
        """Build from scratch (and save), ignoring any saved index."""
        with self._build_lock:
            self._replace(docs, revision, encode_documents(self.embedder, docs), "built")

    def _replace(self, docs: list[SearchDocument], revision: str, dense: DenseIndex, source: str) -> None:
        """Swap in a new index (keyword and filter indexes are built first, outside the lock), then save."""
        keyword = KeywordIndex()
        keyword.build(docs)
        filters = FilterIndex()
        for doc in docs:
            filters.add(doc)
        fingerprints = {doc.id: fingerprint(doc) for doc in docs}
        with self._lock:
            self._docs = {doc.id: doc for doc in docs}
            self._dense, self._keyword, self._filters = dense, keyword, filters
            self._fingerprints = fingerprints
            self._revision = revision
            self.loaded_from = source  # type: ignore[assignment]
            self._dirty = source != "disk"
        if self._dirty and self.autosave:
            self.flush()

    # --- one entry at a time --------------------------------------------------------------------------

    def upsert(self, doc: SearchDocument, revision: str) -> None:
        """Add or replace one entry without rebuilding the rest."""
        items = passages(doc)
        vectors = self.embedder.encode([text for _, text in items])
        with self._lock:
            self._dense.add(doc.id, [kind for kind, _ in items], vectors)
            self._keyword.add(doc)
            self._filters.add(doc)
            self._docs[doc.id] = doc
            self._fingerprints[doc.id] = fingerprint(doc)
            self._revision = revision
            self._changed()

    def remove(self, doc_id: str, revision: str) -> None:
        with self._lock:
            self._dense.remove(doc_id)
            self._keyword.remove(doc_id)
            self._filters.remove(doc_id)
            self._docs.pop(doc_id, None)
            self._fingerprints.pop(doc_id, None)
            self._revision = revision
            self._changed()

    # --- searching ------------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        k: int = 10,
        mode: Mode = "hybrid",
        prefer_council: str | None = None,
    ) -> list[Hit]:
        """Best ``k`` entries for a query. A blank query lists the filtered entries by name.

        Without a council filter, entries of the council the query names, else of ``prefer_council``
        (the product's default council), rank above other councils' entries (which stay in the list).
        """
        if mode not in ("hybrid", "dense", "keyword"):
            raise ValueError(f"unknown search mode {mode!r}")
        parsed = parse_query(query or "")
        if not parsed.text or k <= 0:
            return self._browse(filters, k)
        vector = self._queries.encode(dense_query(parsed.text)) if mode != "keyword" else None
        with self._lock:
            allowed = self._filters.allowed(filters)
            if allowed is not None and not allowed:
                return []
            rankings: list[list[str]] = []
            weights: list[float] = []
            if vector is not None:
                dense = self._dense.search(vector, CANDIDATES, allowed, PASSAGE_WEIGHTS)
                rankings.append([doc_id for doc_id, _ in dense])
                weights.append(FUSION_WEIGHTS["dense"])
            if mode != "dense":
                keyword = self._keyword.search(parsed.keyword_text or parsed.text, CANDIDATES, allowed)
                rankings.append(hybrid.near_best(keyword, 0.0 if mode == "keyword" else None))
                weights.append(FUSION_WEIGHTS["keyword"])
            docs = self._docs
            councils = self._filters.councils()
        preferred = None
        if not (filters and filters.council):
            preferred = named_council(parsed.text, councils) or prefer_council
        fused = hybrid.reciprocal_rank_fusion(rankings, weights, k=hybrid.RRF_K)
        hits = []
        for entry in fused:
            doc = docs.get(entry.id)
            if doc is None:
                continue
            factor = hybrid.age_factor(doc.minimum_age, doc.maximum_age, parsed.age_min, parsed.age_max)
            factor *= hybrid.council_factor(doc.council, preferred)
            dense_rank = entry.ranks[0] if vector is not None else None
            keyword_rank = entry.ranks[-1] if mode != "dense" else None
            hits.append(Hit(entry.id, entry.score * factor, dense_rank, keyword_rank))
        hits.sort(key=lambda hit: -hit.score)  # stable: fusion's tie-breaks survive
        return hits[:k]

    def _browse(self, filters: SearchFilters | None, k: int) -> list[Hit]:
        with self._lock:
            allowed = self._filters.allowed(filters)
            docs = [d for d in self._docs.values() if allowed is None or d.id in allowed]
        docs.sort(key=lambda d: (d.name.lower(), d.id))
        return [Hit(d.id, 0.0, None, None) for d in docs[: max(k, 0)]]


def create_search_service(settings: Settings) -> SearchService:
    """The real engine for the app and CLI; the model loads on first encode, never at import."""
    embedder = SentenceTransformerEmbedder(
        model_path=settings.embedding_model_path, torch_threads=settings.torch_threads
    )
    return SearchService(embedder, settings.index_dir, DEFAULT_MODEL_NAME)
