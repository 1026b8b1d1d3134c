"""The two taxonomies (categories and needs) and linking their terms to services through ``attribute``."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import vocab
from directory.models import Attribute, Service, Taxonomy, TaxonomyTerm


def ensure_taxonomies(session: Session) -> bool:
    """Create the fixed taxonomies and terms (stable UUIDs) if missing. True when something was added."""
    added = False
    for kind, (name, terms) in vocab.TAXONOMIES.items():
        taxonomy = session.get(Taxonomy, vocab.taxonomy_id(kind))
        if taxonomy is None:
            taxonomy = Taxonomy(
                id=vocab.taxonomy_id(kind),
                name=name,
                description=vocab.TAXONOMY_DESCRIPTIONS[name],
                version="1",
            )
            session.add(taxonomy)
            added = True
        for code, label in terms.items():
            if session.get(TaxonomyTerm, vocab.term_id(kind, code)) is None:
                session.add(
                    TaxonomyTerm(
                        id=vocab.term_id(kind, code),
                        taxonomy_id=taxonomy.id,
                        code=code,
                        name=label,
                        description=f"{name}: {label}",
                    )
                )
                added = True
    if added:
        session.flush()
    return added


def term(kind: str, code: str, *, session: Session) -> TaxonomyTerm:
    found = session.get(TaxonomyTerm, vocab.term_id(kind, code))
    if found is None:
        raise ValueError(f"Unknown {kind} {code!r}; expected one of {', '.join(vocab.TAXONOMIES[kind][1])}")
    return found


def set_terms(service: Service, kind: str, codes: Iterable[str], *, session: Session) -> bool:
    """Make the service's terms of one taxonomy exactly ``codes``. True when something changed."""
    wanted = sorted(set(codes))
    taxonomy_name = vocab.TAXONOMIES[kind][0]
    if service.terms(taxonomy_name) == wanted:
        return False
    for attribute in list(service.attributes):
        if (
            attribute.taxonomy_term.taxonomy.name == taxonomy_name
            and attribute.taxonomy_term.code not in wanted
        ):
            service.attributes.remove(attribute)
    present = set(service.terms(taxonomy_name))
    for code in wanted:
        if code not in present:
            found = term(kind, code, session=session)
            service.attributes.append(
                Attribute(
                    link_id=service.id, link_type="service", taxonomy_term_id=found.id, taxonomy_term=found
                )
            )
    return True


def taxonomies(session: Session) -> list[Taxonomy]:
    return list(session.scalars(select(Taxonomy).order_by(Taxonomy.name)))


def taxonomy_terms(session: Session, taxonomy_id: str | None = None) -> list[TaxonomyTerm]:
    stmt = select(TaxonomyTerm).join(Taxonomy)
    if taxonomy_id:
        stmt = stmt.where(TaxonomyTerm.taxonomy_id == taxonomy_id)
    return list(session.scalars(stmt.order_by(Taxonomy.name, TaxonomyTerm.code)))
