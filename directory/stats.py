"""``python -m directory stats``: what the directory holds, per council, and what needs attention."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import store
from directory.models import (
    EhcpFact,
    EhcpLocalFigure,
    EhcpStep,
    Feedback,
    Service,
    UnansweredQuestion,
    WaitingTime,
)


def directory_stats(session: Session, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    per_council: dict[str, dict[str, int]] = {}
    for council, status, count in session.execute(
        select(Service.council, Service.publication_status, func.count()).group_by(
            Service.council, Service.publication_status
        )
    ):
        per_council.setdefault(council, {})[status] = count
    published = select(Service).where(Service.publication_status == "published")
    services = list(session.scalars(published))
    helpful = dict(session.execute(select(Feedback.helpful, func.count()).group_by(Feedback.helpful)).all())

    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return {
        "services": per_council,
        "contact_missing": sum(1 for s in services if s.contact_missing),
        "review_overdue": sum(1 for s in services if s.review_due and s.review_due < today),
        "waiting_times": count(WaitingTime),
        "ehcp_steps": count(EhcpStep),
        "ehcp_local_figures": count(EhcpLocalFigure),
        "ehcp_facts": count(EhcpFact),
        "unanswered_questions": count(UnansweredQuestion),
        "feedback": {"helpful": helpful.get(True, 0), "not_helpful": helpful.get(False, 0)},
        "corpus_revision": store.corpus_revision(session),
    }


def format_stats(stats: dict[str, Any]) -> str:
    lines = ["Services (published / draft / archived):"]
    for council, counts in sorted(stats["services"].items()):
        lines.append(
            f"  {council}: {counts.get('published', 0)} / {counts.get('draft', 0)} / "
            f"{counts.get('archived', 0)}"
        )
    lines += [
        f"Published entries with no website, email or phone: {stats['contact_missing']}",
        f"Published entries past their review date: {stats['review_overdue']}",
        f"Waiting-time figures: {stats['waiting_times']}",
        f"EHCP: {stats['ehcp_steps']} statutory steps, {stats['ehcp_local_figures']} local figures, "
        f"{stats['ehcp_facts']} facts",
        f"Unanswered questions recorded: {stats['unanswered_questions']}",
        f"Feedback: {stats['feedback']['helpful']} helpful, {stats['feedback']['not_helpful']} not helpful",
        f"Corpus revision: {stats['corpus_revision']}",
    ]
    return "\n".join(lines)
