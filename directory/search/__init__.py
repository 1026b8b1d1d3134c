"""Hybrid search over directory entries: all-MiniLM-L6-v2 + FAISS, BM25, fused by reciprocal rank fusion.

Importing this package is cheap: FAISS, torch and the model load only when the service is used.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Idle OpenMP threads (torch's and faiss's) sleep instead of spinning. With spinning, a 2-thread query
# encoding on a 2-core machine where another process holds a core took ~500 ms instead of ~15 ms
# (docs/benchmarks.md, "Search"). It must be set before torch or faiss load, hence here; a value
# already in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

if TYPE_CHECKING:
    from directory.search.documents import SearchDocument
    from directory.search.embedder import Embedder, FakeEmbedder, SentenceTransformerEmbedder
    from directory.search.filters import SearchFilters
    from directory.search.service import Hit, SearchService, create_search_service

_EXPORTS = {
    "SearchDocument": "directory.search.documents",
    "Embedder": "directory.search.embedder",
    "FakeEmbedder": "directory.search.embedder",
    "SentenceTransformerEmbedder": "directory.search.embedder",
    "Hit": "directory.search.service",
    "SearchFilters": "directory.search.filters",
    "SearchService": "directory.search.service",
    "create_search_service": "directory.search.service",
}

__all__ = [
    "Embedder",
    "FakeEmbedder",
    "Hit",
    "SearchDocument",
    "SearchFilters",
    "SearchService",
    "SentenceTransformerEmbedder",
    "create_search_service",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
