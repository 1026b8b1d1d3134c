"""The gap report: what families asked the assistant and it could not answer, and searches that found nothing,
grouped by similarity (token Jaccard, see ``grouping``) with counts per week; and "was this helpful?" totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from directory import store
from directory.models import Feedback, UnansweredQuestion, utcnow
from directory.staff import auth
from directory.staff.auth import StaffUser
from directory.staff.deps import DbSession
from directory.staff.grouping import Group, group_questions, week_of
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)
KIND_TITLES = {"chat": "Questions the assistant could not answer", "search": "Searches that found nothing"}


@dataclass(frozen=True)
class FeedbackTotal:
    answer_type: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def percent_helpful(self) -> int:
        return round(100 * self.helpful / self.total) if self.total else 0


def gap_groups(
    *, session: Session, council: str | None = None, weeks: int = 12
) -> tuple[list[str], list[Group]]:
    """(the ISO weeks covered, oldest first; the groups, largest first)."""
    since = utcnow() - timedelta(weeks=weeks)
    stmt = select(UnansweredQuestion.text, UnansweredQuestion.kind, UnansweredQuestion.created_at).where(
        UnansweredQuestion.created_at >= since
    )
    if council:
        stmt = stmt.where(UnansweredQuestion.council == council)
    groups = group_questions([tuple(row) for row in session.execute(stmt)])
    now = utcnow()
    week_labels = sorted({week_of(now - timedelta(weeks=n)) for n in range(weeks)})
    return week_labels, groups


def feedback_totals(*, session: Session, council: str | None = None, weeks: int = 12) -> list[FeedbackTotal]:
    since = utcnow() - timedelta(weeks=weeks)
    stmt = (
        select(
            Feedback.answer_type,
            func.sum(case((Feedback.helpful.is_(True), 1), else_=0)),
            func.sum(case((Feedback.helpful.is_(True), 0), else_=1)),
        )
        .where(Feedback.created_at >= since)
        .group_by(Feedback.answer_type)
    )
    if council:
        stmt = stmt.where(Feedback.council == council)
    totals = [FeedbackTotal(a, int(h or 0), int(n or 0)) for a, h, n in session.execute(stmt)]
    return sorted(totals, key=lambda t: (t.percent_helpful, -t.total, t.answer_type))


@router.get("/staff/gaps", response_class=HTMLResponse)
def gap_report(
    request: Request, db: DbSession, staff: StaffUser, council: str = "", weeks: int = 12
) -> HTMLResponse:
    weeks = min(max(weeks, 1), 104)
    week_labels, groups = gap_groups(session=db, council=council or None, weeks=weeks)
    by_kind = {kind: [g for g in groups if g.kind == kind] for kind in KIND_TITLES}
    return render(
        request,
        "staff/gaps.html",
        title="Gap report",
        by_kind=by_kind,
        kind_titles=KIND_TITLES,
        recent_weeks=week_labels[-6:],
        weeks=weeks,
        council=council,
        feedback=feedback_totals(session=db, council=council or None, weeks=weeks),
        councils=[("", "All councils")] + [(c.key, c.name) for c in store.councils(session=db)],
        week_options=[("4", "4 weeks"), ("12", "12 weeks"), ("26", "26 weeks"), ("52", "52 weeks")],
    )
