"""The directory app as each test replica runs it: the real ``create_app``, deterministic fake embedder.

uvicorn calls ``create_app()`` (``--factory``) in each replica process; settings come from that process's
environment exactly as in production, only the embedding model is swapped so replicas start in seconds.
"""

from __future__ import annotations


def create_app():
    from directory.app import create_app as real_create_app
    from directory.search.embedder import FakeEmbedder
    from directory.search.service import SearchService
    from directory.settings import Settings

    settings = Settings()
    search = SearchService(FakeEmbedder(), settings.index_dir, "fake-hashing-64")
    return real_create_app(settings, search_service=search)
