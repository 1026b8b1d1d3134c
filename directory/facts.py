"""Dated records: waiting times, the EHCP journey, the council help card, unanswered questions, feedback.

Re-exported by ``directory.store``; call them from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import vocab
from directory.areas import area_matches, council_areas_from
from directory.models import (
    Council,
    EhcpFact,
    EhcpLocalFigure,
    EhcpStep,
    Feedback,
    Service,
    UnansweredQuestion,
    WaitingTime,
)

WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which service is meant ("the children's physio waiting list").
GENERIC = {
    "a",
    "an",
    "the",
    "and",
    "of",
    "for",
    "in",
    "my",
    "service",
    "services",
    "team",
    "nhs",
    "child",
    "children",
    "childrens",
    "kids",
    "paediatric",
    "pediatric",
    "community",
    "wait",
    "waiting",
    "waits",
    "time",
    "times",
    "list",
    "sefton",
    "knowsley",
}
SMALL = {"and", "of", "for", "the", "in", "with"}


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _initials(words: list[str]) -> set[str]:
    """Acronyms of runs of words: "speech and language therapy" → salt, slt, sal, ..."""
    result = set()
    for group in (words, [w for w in words if w not in SMALL]):
        letters = "".join(w[0] for w in group)
        for start in range(len(letters)):
            for end in range(start + 2, len(letters) + 1):
                result.add(letters[start:end])
    return result


def service_matches(service: Service, query: str) -> bool:
    """Does ``query`` name this service? Key, name or also-known-as, whole words, any case.

    "speech", "SALT", "ot", "physio", "camhs", "audiology", "wheelchair" all work against the usual names.
    """
    wanted = query.strip().lower()
    names = [service.name, *(service.also_known_as or [])]
    if wanted in {service.key.lower(), *(n.lower() for n in names)}:
        return True
    query_words = [_stem(w) for w in WORD.findall(wanted) if w not in GENERIC]
    if not query_words:
        return False
    words: set[str] = set(WORD.findall(service.key.lower()))
    acronyms: set[str] = set()
    for name in names:
        name_words = WORD.findall(name.lower())
        words.update(name_words)
        acronyms |= _initials(name_words)
    words = {_stem(w) for w in words}

    def found(q: str) -> bool:
        return q in words or q in acronyms or (len(q) >= 4 and any(w.startswith(q) for w in words))

    return all(found(q) for q in query_words)


@dataclass(frozen=True)
class WaitingFigure:
    row: WaitingTime
    latest: bool  # the newest figure for its (service, area, measure)


def latest_waiting_times(
    session: Session, service: str | None = None, area: str | None = None, council: str | None = None
) -> list[WaitingFigure]:
    """Published figures, grouped by (service, area, measure), newest ``as_of`` first within each group."""
    stmt = select(WaitingTime).join(WaitingTime.service).where(Service.publication_status == "published")
    if council:
        stmt = stmt.where(Service.council == council)
    rows = list(session.scalars(stmt))
    if service:
        rows = [r for r in rows if service_matches(r.service, service)]
    if area:
        places = {c.key: council_areas_from(c) for c in session.scalars(select(Council))}
        rows = [r for r in rows if area_matches(r.area, area, places.get(r.service.council))]
    rows.sort(key=lambda r: (r.as_of or date.min, r.period), reverse=True)
    rows.sort(key=lambda r: (r.service.name.lower(), r.area.lower(), r.measure.lower()))
    figures, seen = [], set()
    for row in rows:
        group = (row.service_id, row.area, row.measure)
        figures.append(WaitingFigure(row, group not in seen))
        seen.add(group)
    return figures


@dataclass
class EhcpOverview:
    steps: list[EhcpStep]
    local_performance: list[EhcpLocalFigure]
    facts: list[EhcpFact]


def ehcp_overview(session: Session, council: str | None = None) -> EhcpOverview:
    figures = select(EhcpLocalFigure)
    if council:
        figures = figures.where(EhcpLocalFigure.council == council)
    return EhcpOverview(
        steps=list(session.scalars(select(EhcpStep).order_by(EhcpStep.order, EhcpStep.key))),
        local_performance=list(
            session.scalars(
                figures.order_by(
                    EhcpLocalFigure.council, EhcpLocalFigure.measure, EhcpLocalFigure.as_of.desc()
                )
            )
        ),
        facts=list(session.scalars(select(EhcpFact).order_by(EhcpFact.topic, EhcpFact.key))),
    )


@dataclass
class HelpCard:
    council: Council
    sendiass: Service | None
    parent_forum: Service | None
    safeguarding_contact: str | None
    emergency: list[dict[str, str]] = field(default_factory=lambda: list(vocab.EMERGENCY_CONTACTS))


def _published(key: str | None, session: Session) -> Service | None:
    if not key:
        return None
    return session.scalar(
        select(Service).where(Service.key == key, Service.publication_status == "published")
    )


def help_card(council: str, settings: Any, *, session: Session) -> HelpCard | None:
    """Where a family can always turn: Local Offer, SENDIASS, Parent Carer Forum, safeguarding, 999."""
    row = session.scalar(select(Council).where(Council.key == council))
    if row is None:
        return None
    return HelpCard(
        council=row,
        sendiass=_published(row.sendiass_key, session),
        parent_forum=_published(row.parent_forum_key, session),
        safeguarding_contact=(settings.safeguarding_contacts or {}).get(council),
    )


def record_unanswered(
    text: str,
    *,
    session: Session,
    intent: str | None = None,
    confidence: float | None = None,
    council: str | None = None,
    kind: str = "chat",
) -> UnansweredQuestion:
    """Keep a question the assistant could not answer, with personal details redacted first."""
    from send_common.redaction import redact

    if kind not in vocab.QUESTION_KINDS:
        raise ValueError(f"kind must be one of {vocab.QUESTION_KINDS}")
    row = UnansweredQuestion(
        text=redact(text)[:2000], intent=intent, confidence=confidence, council=council, kind=kind
    )
    session.add(row)
    session.flush()
    return row


def record_feedback(
    answer_type: str, helpful: bool, *, session: Session, council: str | None = None
) -> Feedback:
    row = Feedback(answer_type=answer_type, helpful=helpful, council=council)
    session.add(row)
    session.flush()
    return row
