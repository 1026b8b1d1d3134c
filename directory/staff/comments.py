"""Comments on the Local Offer (SEND Code of Practice: the council must publish them and what it will do).

Families comment from the site (``/comment-on-the-local-offer``) or the widget (``POST /api/comments``).
Personal details are removed on arrival (``send_common.redaction``); only the redacted words are stored.
Staff moderate, write the response and publish; ``/you-said-we-did`` (HTML) and ``.csv`` show what is published.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import store
from directory.models import utcnow
from directory.ratelimit import RateLimiter
from directory.staff.deps import DbSession, SettingsDep
from directory.staff.tables import LocalOfferComment
from directory.staff.templating import render
from send_common.redaction import redact

router = APIRouter()
TOPICS = {
    "content": "What the Local Offer says, or services that are missing",
    "accessibility": "How easy the Local Offer is to find, use and understand",
    "development": "How the Local Offer was developed or reviewed",
}
MAX_CHARS = 2000


def receive(*, session: Session, council: str, text: str, topic: str, source: str) -> LocalOfferComment:
    comment = LocalOfferComment(council=council, text=redact(text.strip()), topic=topic, source=source)
    session.add(comment)
    session.commit()
    return comment


def problems(*, session: Session, council: str, text: str, topic: str) -> dict[str, str]:
    errors = {}
    if council not in {c.key for c in store.councils(session=session)}:
        errors["council"] = "Choose your council"
    if topic not in TOPICS:
        errors["topic"] = "Choose what your comment is about"
    if not text.strip():
        errors["comment"] = "Enter your comment"
    elif len(text) > MAX_CHARS:
        errors["comment"] = f"Your comment must be {MAX_CHARS} characters or fewer"
    return errors


def published(*, session: Session, council: str | None = None) -> list[LocalOfferComment]:
    stmt = select(LocalOfferComment).where(LocalOfferComment.status == "published")
    if council:
        stmt = stmt.where(LocalOfferComment.council == council)
    return list(session.scalars(stmt.order_by(LocalOfferComment.published_at.desc())))


def as_csv(comments: list[LocalOfferComment]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["council", "received", "topic", "you_said", "we_did", "published"])
    for c in comments:
        writer.writerow(
            [
                c.council,
                c.created_at.date().isoformat(),
                c.topic,
                c.public_text,
                c.response,
                c.published_at.date().isoformat() if c.published_at else "",
            ]
        )
    return out.getvalue()


def _limited(request: Request, settings) -> bool:
    limiter = getattr(request.app.state, "comment_rate_limiter", None)
    if limiter is None:
        limiter = request.app.state.comment_rate_limiter = RateLimiter(settings)
    host = request.client.host if request.client else None
    return not limiter.check("local-offer-comment", host).allowed


def _form(request, db, settings, *, values=None, errors=None, status_code=200, sent=False):
    councils = [(c.key, c.name) for c in store.councils(session=db)]
    return render(
        request,
        "staff/comment_form.html",
        title="Comment on the Local Offer",
        public=True,
        councils=councils,
        topics=list(TOPICS.items()),
        values=values or {"council": settings.default_council},
        errors=errors or {},
        sent=sent,
        max_chars=MAX_CHARS,
        status_code=status_code,
    )


@router.get("/comment-on-the-local-offer", response_class=HTMLResponse, include_in_schema=False)
def comment_form(request: Request, db: DbSession, settings: SettingsDep, sent: int = 0) -> HTMLResponse:
    return _form(request, db, settings, sent=bool(sent))


@router.post("/comment-on-the-local-offer", response_class=HTMLResponse, include_in_schema=False)
def comment_submit(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    council: str = Form(""),
    topic: str = Form(""),
    comment: str = Form(""),
):
    values = {"council": council, "topic": topic, "comment": comment}
    errors = problems(session=db, council=council, text=comment, topic=topic)
    if not errors and _limited(request, settings):
        errors = {
            "comment": "You have sent a lot of comments in the last minute. Wait a minute and try again"
        }
    if errors:
        return _form(request, db, settings, values=values, errors=errors, status_code=400)
    receive(session=db, council=council, text=comment, topic=topic, source="site")
    return RedirectResponse("/comment-on-the-local-offer?sent=1", status_code=303)


class CommentIn(BaseModel):
    council: str = Field(max_length=40)
    text: str = Field(min_length=1, max_length=MAX_CHARS)
    topic: Literal["content", "accessibility", "development"] = "content"


class CommentOut(BaseModel):
    id: str
    status: str
    message: str


@router.post("/api/comments", status_code=201, response_model=CommentOut, tags=["comments"])
def api_comment(body: CommentIn, request: Request, db: DbSession, settings: SettingsDep) -> dict[str, Any]:
    """A comment on the Local Offer from the widget. Personal details are removed before it is stored."""
    errors = problems(session=db, council=body.council, text=body.text, topic=body.topic)
    if errors:
        raise HTTPException(422, next(iter(errors.values())))
    if _limited(request, settings):
        raise HTTPException(429, "Too many comments. Please wait a minute.", headers={"Retry-After": "60"})
    comment = receive(session=db, council=body.council, text=body.text, topic=body.topic, source="widget")
    return {
        "id": comment.id,
        "status": "received",
        "message": "Thank you. The council reads every comment and publishes what it will do about it.",
    }


@router.get("/you-said-we-did", response_class=HTMLResponse, include_in_schema=False)
def you_said_we_did(request: Request, db: DbSession, council: str = "") -> HTMLResponse:
    councils = [(c.key, c.name) for c in store.councils(session=db)]
    return render(
        request,
        "staff/you_said_we_did.html",
        title="You said, we did",
        public=True,
        comments=published(session=db, council=council or None),
        council=council,
        councils=[("", "All councils")] + councils,
        topics=TOPICS,
    )


@router.get("/you-said-we-did.csv", tags=["comments"], response_class=Response)
def you_said_we_did_csv(db: DbSession, council: str = "") -> Response:
    """Published comments on the Local Offer and the council's responses, as CSV (open data)."""
    body = as_csv(published(session=db, council=council or None))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="you-said-we-did.csv"'},
    )


def moderate(
    *,
    session: Session,
    comment: LocalOfferComment,
    public_text: str,
    response: str,
    action: str,
    actor_email: str,
) -> dict[str, str]:
    """Save the moderated wording and response; ``action`` is save, publish, unpublish or reject."""
    errors = {}
    public_text = redact(public_text.strip()) if public_text.strip() else ""
    if action == "publish":
        if not public_text:
            errors["public_text"] = "Enter the comment as it will be published"
        if not response.strip():
            errors["response"] = "Enter what the council did or will do about it before publishing"
    if errors:
        return errors
    comment.public_text = public_text or None
    comment.response = response.strip() or None
    comment.moderated_at, comment.moderated_by = utcnow(), actor_email
    if action == "publish":
        comment.status, comment.published_at = "published", utcnow()
    elif action == "reject":
        comment.status, comment.published_at = "rejected", None
    elif action == "unpublish":
        comment.status, comment.published_at = "moderated", None
    elif comment.status == "new":
        comment.status = "moderated"
    session.commit()
    return {}
