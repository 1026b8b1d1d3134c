"""The review dashboard: entries whose review date has passed (or was never set) or with no way to contact them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import store
from directory.models import Service
from directory.staff import auth
from directory.staff.auth import StaffUser
from directory.staff.deps import DbSession
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)


@dataclass(frozen=True)
class ReviewItem:
    service: Service
    reasons: list[str]


def needing_review(
    *, session: Session, council: str | None = None, today: date | None = None
) -> list[ReviewItem]:
    today = today or date.today()
    stmt = select(Service).where(Service.publication_status != "archived").options(*store.LIST_LOADING)
    if council:
        stmt = stmt.where(Service.council == council)
    items = []
    for service in session.scalars(
        stmt.order_by(Service.review_due.is_(None).desc(), Service.review_due, Service.name)
    ):
        reasons = []
        if service.review_due is None:
            reasons.append("No review date")
        elif service.review_due < today:
            reasons.append(f"Review was due on {service.review_due:%-d %B %Y}")
        if service.contact_missing:
            reasons.append("No phone, email or website")
        if reasons:
            items.append(ReviewItem(service, reasons))
    return items


@router.get("/staff/review", response_class=HTMLResponse)
def review(request: Request, db: DbSession, staff: StaffUser, council: str = "") -> HTMLResponse:
    items = needing_review(session=db, council=council or None)
    return render(
        request,
        "staff/review.html",
        title="Entries to review",
        items=items,
        council=council,
        councils=[("", "All councils")] + [(c.key, c.name) for c in store.councils(session=db)],
    )
