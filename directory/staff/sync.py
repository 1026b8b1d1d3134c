"""After a committed write: bring the families' search up to date at once (no restart, no rebuild).

The write paths call ``refresh_search(app, service_ids)`` after ``commit``. It goes through the core's
``directory.indexing`` (which upserts published entries into the live index and removes the others) and
falls back to the search service's ``upsert``/``remove`` with the store's documents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from directory import store
from directory.models import Service

log = logging.getLogger(__name__)


def refresh_search(app: Any, service_ids: Iterable[str]) -> None:
    ids = [i for i in dict.fromkeys(service_ids) if i]
    if not ids:
        return
    try:
        from directory import indexing
    except ImportError:  # pragma: no cover - the core module is part of the app
        indexing = None
    if indexing is not None and hasattr(indexing, "reindex_services"):
        indexing.reindex_services(app, ids)
        return
    search = getattr(app.state, "search", None)
    if search is None:
        return
    with app.state.db.sessions() as session:
        areas = store.council_areas(session=session)
        revision = store.corpus_revision(session=session)
        for service_id in ids:
            service = session.get(Service, service_id)
            if service is not None and service.publication_status == "published":
                search.upsert(store.search_document(service, areas), revision)
            else:
                search.remove(service_id, revision)
    log.info("search updated for %d entr%s", len(ids), "y" if len(ids) == 1 else "ies")
