"""Typed dependencies for the JSON API: database session, settings, search (kept fresh), checked filters.

Everything lives on ``app.state`` (set by ``create_app``'s lifespan): ``db``, ``settings``, ``search``,
``replica``. Tests swap any of them through ``create_app(settings, search_service=...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from directory import store, vocab
from directory.api.errors import ApiError
from directory.db import Database
from directory.search.service import SearchService
from directory.settings import Settings


def get_database(request: Request) -> Database:
    return request.app.state.db


def get_session(request: Request) -> Iterator[Session]:
    """A session per request; handlers that write call ``session.commit()`` themselves."""
    with request.app.state.db.sessions() as session:
        try:
            yield session
        except BaseException:
            session.rollback()
            raise


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_search(request: Request) -> SearchService:
    """The search service, first brought up to the database's corpus revision if another process wrote."""
    replica = getattr(request.app.state, "replica", None)
    if replica is not None:
        replica.ensure_fresh()
    search = getattr(request.app.state, "search", None)
    if search is None:
        raise ApiError("Search is starting up. Please try again in a moment.", status=503)
    return search


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService, Depends(get_search)]
DatabaseDep = Annotated[Database, Depends(get_database)]


# --- checks shared by several endpoints -------------------------------------------------------------------


def _key(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").replace("&", "and").split())


def check_term(kind: str, value: str | None) -> str | None:
    """A category or need given as its code or its label ("Short breaks") → the code, or a 422."""
    if value is None:
        return None
    terms = vocab.TAXONOMIES[kind][1]
    by_label = {_key(label): code for code, label in terms.items()}
    code = _key(value)
    code = code if code in terms else by_label.get(code)
    if code is None:
        raise ApiError(
            f"We do not know the {kind} '{value[:60]}'. Choose one of: {', '.join(terms)}.", field=kind
        )
    return code


def check_council(value: str | None, session: Session) -> str | None:
    if value is None:
        return None
    known = [c.key for c in store.councils(session)]
    key = value.strip().lower()
    if key not in known:
        raise ApiError(
            f"We do not know the council '{value[:60]}'. Known councils: {', '.join(known) or 'none yet'}.",
            field="council",
        )
    return key


def check_taxonomy_term(value: str | None) -> str | None:
    """An ORUK taxonomy term id (UUID), or for convenience a category or need code."""
    if value is None:
        return None
    wanted = value.strip().lower()
    for kind, (_, terms) in vocab.TAXONOMIES.items():
        for code in terms:
            if wanted in (vocab.term_id(kind, code), code):
                return vocab.term_id(kind, code)
    raise ApiError(
        f"We do not know the taxonomy term '{value[:60]}'. See /api/taxonomy_terms.", field="taxonomy_term_id"
    )
