"""Keeping the search index in step with the database.

- ``reindex_service``: after a committed write to one entry, upsert it into the live index (published) or
  take it out (anything else). Only that entry is embedded again.
- ``reindex_services(app, ids)``: the same for the app's own index, as the staff pages call it.
- ``build_index``: the CLI's ``load`` and ``build-index``: load the saved index when it matches the
  database, otherwise build and save it.

Catching up with writes made through other processes (another replica, the CLI) is
``directory.replication``'s job: before each search the app compares revisions and upserts what changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from directory import store

if TYPE_CHECKING:
    from directory.db import Database
    from directory.search.service import SearchService
    from directory.settings import Settings

log = logging.getLogger(__name__)


def reindex_service(session: Session, search: SearchService, service_id: str) -> str:
    """Bring one entry of ``search`` up to date with the database. Returns "upserted" or "removed"."""
    revision = store.corpus_revision(session)
    service = store.get_service(service_id, session=session, published_only=True)
    if service is None:
        search.remove(service_id, revision)
        return "removed"
    search.upsert(store.search_document(service, store.council_areas(session)), revision)
    return "upserted"


def reindex_services(app: Any, service_ids: Iterable[str]) -> dict[str, str]:
    """For write paths inside the app: re-index these entries in ``app.state.search`` now."""
    search = getattr(app.state, "search", None)
    if search is None:
        return {}
    with app.state.db.session() as session:
        done = {
            service_id: reindex_service(session, search, service_id)
            for service_id in dict.fromkeys(service_ids)
        }
    log.info("search index updated: %s", done)
    return done


def build_index(
    settings: Settings, db: Database, *, rebuild: bool = False, search: SearchService | None = None
):
    """Load or (re)build the on-disk index from the database's published entries; returns the service."""
    if search is None:
        from directory.search.service import create_search_service

        search = create_search_service(settings)
    with db.session() as session:
        docs = store.search_documents(session)
        revision = store.corpus_revision(session)
    if rebuild:
        search.build(docs, revision)
    else:
        search.load_or_build(docs, revision)
    return search
