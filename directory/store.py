"""Data access for directory entries. Every function takes a ``session`` (keyword-only after other
arguments); the JSON API, the staff pages, the loader and the search index all go through here (one
query layer, several renderings).

Dated records (waiting times, EHCP, help card, gaps, feedback) live in ``directory.facts`` and are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.orm import Session, selectinload

from directory import facts, terms, vocab
from directory.areas import CouncilAreas, council_areas_from, related_areas
from directory.models import (
    Attribute,
    CorpusRevision,
    Council,
    Service,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
    utcnow,
)
from directory.search.documents import SearchDocument

# Re-exported so callers need one module: dated records (``directory.facts``) and taxonomy writes.
WaitingFigure = facts.WaitingFigure
ehcp_overview = facts.ehcp_overview
help_card = facts.help_card
latest_waiting_times = facts.latest_waiting_times
record_feedback = facts.record_feedback
record_unanswered = facts.record_unanswered
ensure_taxonomies = terms.ensure_taxonomies
set_terms = terms.set_terms

LIST_LOADING = (
    selectinload(Service.attributes),
    selectinload(Service.service_areas),
    selectinload(Service.phones),
)
FULL_LOADING = (
    *LIST_LOADING,
    selectinload(Service.contacts),
    selectinload(Service.service_at_locations),
    selectinload(Service.schedules),
    selectinload(Service.cost_options),
)


@dataclass(frozen=True)
class ServiceQuery:
    """Filters for listing published services (the same ones the search engine applies)."""

    council: str | None = None
    category: str | None = None
    need: str | None = None
    area: str | None = None
    age: int | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    taxonomy_term_id: str | None = None


# --- councils ---------------------------------------------------------------------------------------------


def councils(session: Session) -> list[Council]:
    return list(session.scalars(select(Council).order_by(Council.key)))


def council_by_key(key: str, *, session: Session) -> Council | None:
    return session.scalar(select(Council).where(Council.key == key))


def council_areas(session: Session) -> dict[str, CouncilAreas]:
    return {c.key: council_areas_from(c) for c in councils(session=session)}


# --- reading services -------------------------------------------------------------------------------------


def get_service(service_id: str, *, session: Session, published_only: bool = True) -> Service | None:
    query = select(Service).where(Service.id == service_id).options(*FULL_LOADING)
    if published_only:
        query = query.where(Service.publication_status == "published")
    return session.scalar(query)


def get_service_by_key(key: str, *, session: Session, published_only: bool = True) -> Service | None:
    query = select(Service).where(Service.key == key).options(*FULL_LOADING)
    if published_only:
        query = query.where(Service.publication_status == "published")
    return session.scalar(query)


def _has_term(kind: str, code: str):
    taxonomy_name = vocab.TAXONOMIES[kind][0]
    return exists().where(
        Attribute.link_id == Service.id,
        Attribute.link_type == "service",
        Attribute.taxonomy_term_id == TaxonomyTerm.id,
        TaxonomyTerm.code == code,
        TaxonomyTerm.taxonomy_id == Taxonomy.id,
        Taxonomy.name == taxonomy_name,
    )


def _filtered(query: ServiceQuery, areas: dict[str, CouncilAreas]) -> Select:
    stmt = select(Service).where(Service.publication_status == "published")
    if query.council:
        stmt = stmt.where(Service.council == query.council)
    if query.category:
        stmt = stmt.where(_has_term("category", query.category))
    if query.need:
        stmt = stmt.where(_has_term("need", query.need))
    if query.taxonomy_term_id:
        stmt = stmt.where(
            exists().where(
                Attribute.link_id == Service.id, Attribute.taxonomy_term_id == query.taxonomy_term_id
            )
        )
    if query.area:
        names = {query.area.lower()}
        for council in areas.values():
            if council.knows(query.area):
                names.update(name.lower() for name in council.related(query.area))
        stmt = stmt.where(
            exists().where(ServiceArea.service_id == Service.id, func.lower(ServiceArea.name).in_(names))
        )
    if query.age is not None:
        stmt = stmt.where(
            (Service.minimum_age.is_(None) | (Service.minimum_age <= query.age)),
            (Service.maximum_age.is_(None) | (Service.maximum_age >= query.age)),
        )
    # An age range asked for overlaps the service's range.
    if query.minimum_age is not None:
        stmt = stmt.where(Service.maximum_age.is_(None) | (Service.maximum_age >= query.minimum_age))
    if query.maximum_age is not None:
        stmt = stmt.where(Service.minimum_age.is_(None) | (Service.minimum_age <= query.maximum_age))
    return stmt


def list_services(
    query: ServiceQuery, *, session: Session, page: int = 1, per_page: int = 10
) -> tuple[int, list[Service]]:
    """(total matching, one page of published services ordered by name)."""
    stmt = _filtered(query, council_areas(session=session))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(*LIST_LOADING)
        .order_by(Service.name, Service.key)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return total, list(rows)


def services_by_ids(ids: Sequence[str], *, session: Session, full: bool = False) -> list[Service]:
    """Published services in the order of ``ids`` (ids that are not published are skipped)."""
    if not ids:
        return []
    stmt = select(Service).where(Service.id.in_(list(ids)), Service.publication_status == "published")
    found = {s.id: s for s in session.scalars(stmt.options(*(FULL_LOADING if full else LIST_LOADING)))}
    return [found[i] for i in ids if i in found]


def count_services(session: Session, council: str | None = None, published_only: bool = True) -> int:
    stmt = select(func.count()).select_from(Service)
    if council:
        stmt = stmt.where(Service.council == council)
    if published_only:
        stmt = stmt.where(Service.publication_status == "published")
    return session.scalar(stmt) or 0


# --- search documents -------------------------------------------------------------------------------------


def search_document(service: Service, areas: dict[str, CouncilAreas]) -> SearchDocument:
    return SearchDocument(
        id=service.id,
        key=service.key,
        council=service.council,
        status=service.status,
        name=service.name,
        description=service.description or "",
        eligibility=service.eligibility_description or "",
        access=service.application_process or "",
        easy_read=service.easy_read or "",
        also_known_as=list(service.also_known_as or []),
        categories=service.terms(vocab.CATEGORY_TAXONOMY),
        needs=service.terms(vocab.NEED_TAXONOMY),
        areas=related_areas([a.name for a in service.service_areas], areas.get(service.council)),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
    )


def search_documents(session: Session, council: str | None = None) -> list[SearchDocument]:
    """Every published service as the search engine's flat document, areas expanded."""
    stmt = select(Service).where(Service.publication_status == "published").options(*LIST_LOADING)
    if council:
        stmt = stmt.where(Service.council == council)
    areas = council_areas(session=session)
    return [search_document(s, areas) for s in session.scalars(stmt.order_by(Service.key))]


# --- corpus revision --------------------------------------------------------------------------------------


def corpus_revision(session: Session) -> str:
    value = session.scalar(select(CorpusRevision.revision).where(CorpusRevision.id == 1))
    return str(value or 0)


def bump_revision(session: Session) -> str:
    """Increment the shared counter in one UPDATE (replica-safe). Call on every service write."""
    result = session.execute(
        update(CorpusRevision)
        .where(CorpusRevision.id == 1)
        .values(revision=CorpusRevision.revision + 1, updated_at=utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(CorpusRevision(id=1, revision=1))
        session.flush()
    return corpus_revision(session=session)


# --- publishing rules -------------------------------------------------------------------------------------


def postcodes(service: Service) -> list[str]:
    return [
        address.postal_code
        for sal in service.service_at_locations
        for address in sal.location.addresses
        if address.postal_code
    ]


def publish_problems(service: Service) -> list[str]:
    """Why this entry may not be published yet (empty list: it may). Stricter than ORUK on purpose."""
    problems = []
    if not postcodes(service) and not service.service_areas:
        problems.append("Add a postcode or at least one area the service covers.")
    if not service.terms(vocab.CATEGORY_TAXONOMY):
        problems.append("Choose at least one category.")
    if not (service.eligibility_description or "").strip():
        problems.append("Say who the service is for (eligibility).")
    if not (service.application_process or "").strip():
        problems.append("Say how to get the service (how to apply or be referred).")
    if service.assured_date is None:
        problems.append("Give the date the facts were last checked (assured date).")
    return problems


def council_help(session: Session, council: str, settings: Any) -> dict[str, Any] | None:
    """The council's help card as JSON (None for an unknown council); the chat gateway's fallback uses it."""
    from directory.oruk import help_card_json

    card = help_card(council, settings, session=session)
    return help_card_json(card) if card is not None else None
