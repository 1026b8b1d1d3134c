"""Staff HTML for comments on the Local Offer: list, moderate (remove personal details), respond, publish."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from directory.staff import audit, auth, comments
from directory.staff.auth import AdminUser, EditorUser, StaffUser
from directory.staff.deps import DbSession
from directory.staff.tables import LocalOfferComment
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)
STATUSES = [
    ("", "All"),
    ("new", "New"),
    ("moderated", "Moderated"),
    ("published", "Published"),
    ("rejected", "Not published"),
]


def _load(db, comment_id: str) -> LocalOfferComment:
    comment = db.get(LocalOfferComment, comment_id)
    if comment is None:
        raise HTTPException(404, "No comment with that id")
    return comment


@router.get("/staff/comments", response_class=HTMLResponse)
def list_comments(request: Request, db: DbSession, staff: StaffUser, status: str = "") -> HTMLResponse:
    stmt = select(LocalOfferComment).order_by(LocalOfferComment.created_at.desc())
    if status:
        stmt = stmt.where(LocalOfferComment.status == status)
    return render(
        request,
        "staff/comments.html",
        title="Comments on the Local Offer",
        comments=list(db.scalars(stmt.limit(500))),
        status=status,
        statuses=STATUSES,
        topics=comments.TOPICS,
    )


def _page(request, db, comment, errors=None, values=None, status_code=200):
    values = values or {
        "public_text": comment.public_text or comment.text,
        "response": comment.response or "",
    }
    return render(
        request,
        "staff/comment.html",
        title="Moderate a comment",
        comment=comment,
        values=values,
        errors=errors or {},
        topics=comments.TOPICS,
        status_code=status_code,
    )


@router.get("/staff/comments/{comment_id}", response_class=HTMLResponse)
def view_comment(request: Request, db: DbSession, staff: StaffUser, comment_id: str) -> HTMLResponse:
    return _page(request, db, _load(db, comment_id))


def _save(request, db, staff, comment_id, public_text, response, action):
    comment = _load(db, comment_id)
    before = {"status": comment.status, "public_text": comment.public_text, "response": comment.response}
    errors = comments.moderate(
        session=db,
        comment=comment,
        public_text=public_text,
        response=response,
        action=action,
        actor_email=staff.email,
    )
    if errors:
        return _page(request, db, comment, errors, {"public_text": public_text, "response": response}, 400)
    after = {
        "status": comment.status,
        "public_text": comment.public_text,
        "response": comment.response,
        "name": f"comment of {comment.created_at:%d %b %Y}",
    }
    audit.record(
        session=db,
        action=f"comment {action}",
        actor=staff.user,
        entity_id=comment.id,
        entity_type="comment",
        before=before,
        after=after,
    )
    db.commit()
    return RedirectResponse(f"/staff/comments/{comment_id}?done=comment", status_code=303)


@router.post("/staff/comments/{comment_id}", response_class=HTMLResponse)
def save_comment(
    request: Request,
    db: DbSession,
    staff: EditorUser,
    comment_id: str,
    public_text: str = Form(""),
    response: str = Form(""),
    action: str = Form("save"),
):
    if action not in ("save", "reject"):
        action = "save"
    return _save(request, db, staff, comment_id, public_text, response, action)


@router.post("/staff/comments/{comment_id}/publish", response_class=HTMLResponse)
def publish_comment(
    request: Request,
    db: DbSession,
    staff: AdminUser,
    comment_id: str,
    public_text: str = Form(""),
    response: str = Form(""),
    action: str = Form("publish"),
):
    return _save(
        request,
        db,
        staff,
        comment_id,
        public_text,
        response,
        "unpublish" if action == "unpublish" else "publish",
    )
