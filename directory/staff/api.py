"""The staff JSON API (``/api/staff/...``): everything the pages do, for councils that sync from other systems.

Authenticate with ``Authorization: Bearer <token>`` (an admin creates tokens at /staff/accounts) or the staff
session cookie plus an ``X-CSRF-Token`` header on writes. Roles are checked exactly as on the pages.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from directory import store
from directory.models import Service
from directory.staff import (
    audit,
    auth,
    comments,
    editing,
    entries,
    gaps,
    imports,
    review,
    sync,
    waiting_times,
)
from directory.staff.auth import AdminUser, EditorUser, StaffUser
from directory.staff.deps import DbSession
from directory.staff.tables import LocalOfferComment

router = APIRouter(
    prefix="/api/staff",
    tags=["staff"],
    dependencies=auth.PROTECTED,
    responses={401: {"description": "Not signed in"}, 403: {"description": "Role or CSRF refused"}},
)


class Entry(BaseModel):
    """A directory entry as staff edit it (the same shape as the audit snapshots). Omitted fields are kept."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    council: str | None = None
    organization: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: Literal["active", "inactive", "defunct", "temporarily closed"] | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility_description: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    referral: Literal["self", "professional", "either", "none"] | None = None
    easy_read: str | None = None
    also_known_as: list[str] | None = None
    categories: list[str] | None = None
    needs: list[str] | None = None
    areas: list[str] | None = None
    phones: list[str] | None = Field(None, description='"number – what it is for"')
    locations: list[dict[str, str]] | None = Field(None, description="name, address_1, city, postal_code")
    assured_date: date | None = None
    review_due: date | None = None
    source_document: str | None = None
    source_lines: str | None = None
    source_date: date | None = None

    def values(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class Publication(BaseModel):
    version: int | None = Field(None, description="The version you last read; refused with 409 if it changed")


def _service(db, service_id: str) -> Service:
    service = db.get(Service, service_id)
    if service is None:
        raise HTTPException(404, "No entry with that id")
    return service


def refusal(status: int, message: str, errors: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    """The JSON API's error shape (``directory.api.errors``): detail, errors [{field, message}], extras."""
    body = {
        "detail": message,
        "errors": [{"field": f, "message": m} for f, m in (errors or {}).items()],
        **extra,
    }
    return JSONResponse(body, status)


def _run(request: Request, db, action) -> Any:
    """Runs an editing action and turns its outcomes into HTTP answers; re-indexes on success."""
    try:
        result = action()
    except editing.Invalid as invalid:
        db.rollback()
        return refusal(422, " ".join(invalid.errors.values()), invalid.errors)
    except editing.Conflict as conflict:
        db.rollback()
        return refusal(
            409,
            "Someone saved a newer version since you read it. Nothing was changed.",
            yours=jsonable_encoder(conflict.mine),
            theirs=jsonable_encoder(conflict.theirs),
            differences=[f for f, _, _ in conflict.differences],
        )
    except editing.NeedsAdmin:
        return refusal(403, "This entry is published: you need the admin role to change it.")
    sync.refresh_search(request.app, [result.service.id])
    return entries.snapshot(result.service)


@router.get("/me")
def me(staff: StaffUser) -> dict[str, str]:
    return {"email": staff.email, "role": staff.role, "via": staff.via}


@router.get("/services")
def list_services(
    db: DbSession,
    staff: StaffUser,
    council: str | None = None,
    status: Literal["draft", "published", "archived"] | None = None,
) -> list[dict[str, Any]]:
    stmt = select(Service).options(*store.FULL_LOADING).order_by(Service.council, Service.name)
    if council:
        stmt = stmt.where(Service.council == council)
    if status:
        stmt = stmt.where(Service.publication_status == status)
    return [entries.snapshot(s) for s in db.scalars(stmt)]


@router.get("/services/{service_id}")
def get_service(db: DbSession, staff: StaffUser, service_id: str) -> dict[str, Any]:
    return entries.snapshot(_service(db, service_id))


@router.post("/services", status_code=201)
def create_service(request: Request, db: DbSession, staff: EditorUser, body: Entry) -> Any:
    data = {"status": "active", "referral": "either", **body.values()}
    return _run(request, db, lambda: editing.create(session=db, data=data, actor=staff.user))


@router.patch("/services/{service_id}")
def update_service(
    request: Request,
    db: DbSession,
    staff: EditorUser,
    service_id: str,
    body: Entry,
    if_match: str | None = Header(None, description="The version you last read, e.g. 3"),
) -> Any:
    """Changes the fields you send. Optimistic locking: a stale If-Match is refused with 409 and both versions."""
    service = _service(db, service_id)
    expected = if_match
    if not expected or not expected.strip('"W/ ').isdigit():
        raise HTTPException(
            428, "Send the version you last read in an If-Match header, for example If-Match: 3"
        )
    data = {**entries.snapshot(service), **body.values()}
    return _run(
        request,
        db,
        lambda: editing.update(
            session=db,
            service=service,
            data=data,
            expected_version=int(expected.strip('"W/ ')),
            actor=staff.user,
        ),
    )


def _publication(request, db, staff, service_id: str, status: str, body: Publication | None) -> Any:
    service = _service(db, service_id)
    return _run(
        request,
        db,
        lambda: editing.set_publication(
            session=db,
            service=service,
            status=status,
            expected_version=body.version if body else None,
            actor=staff.user,
        ),
    )


@router.post("/services/{service_id}/publish")
def publish(
    request: Request, db: DbSession, staff: AdminUser, service_id: str, body: Publication | None = None
):
    return _publication(request, db, staff, service_id, "published", body)


@router.post("/services/{service_id}/archive")
def archive(
    request: Request, db: DbSession, staff: AdminUser, service_id: str, body: Publication | None = None
):
    return _publication(request, db, staff, service_id, "archived", body)


@router.post("/services/{service_id}/draft")
def back_to_draft(
    request: Request, db: DbSession, staff: AdminUser, service_id: str, body: Publication | None = None
):
    return _publication(request, db, staff, service_id, "draft", body)


@router.post("/services/{service_id}/reviewed")
def mark_reviewed(request: Request, db: DbSession, staff: EditorUser, service_id: str) -> Any:
    service = _service(db, service_id)
    return _run(request, db, lambda: editing.mark_reviewed(session=db, service=service, actor=staff.user))


@router.get("/services/{service_id}/history")
def history(db: DbSession, staff: StaffUser, service_id: str) -> list[dict[str, Any]]:
    _service(db, service_id)
    return [_event(e) for e in audit.history(session=db, entity_id=service_id)]


class RestoreIn(BaseModel):
    event_id: str
    version: int | None = None


@router.post("/services/{service_id}/restore")
def restore(request: Request, db: DbSession, staff: EditorUser, service_id: str, body: RestoreIn) -> Any:
    service = _service(db, service_id)
    return _run(
        request,
        db,
        lambda: editing.restore(
            session=db,
            service=service,
            event_id=body.event_id,
            expected_version=body.version,
            actor=staff.user,
        ),
    )


def _event(e) -> dict[str, Any]:
    return {
        "id": e.id,
        "entity_type": e.entity_type,
        "entity_id": e.entity_id,
        "entity_key": e.entity_key,
        "version": e.version,
        "action": e.action,
        "actor": e.actor_email,
        "at": e.at.isoformat(),
        "changes": e.changes,
        "snapshot": e.snapshot,
    }


@router.get("/audit")
def audit_events(db: DbSession, staff: StaffUser, page: int = 1, actor: str | None = None) -> dict[str, Any]:
    total, events = audit.recent(session=db, page=max(1, page), actor=actor)
    return {"total": total, "page": max(1, page), "events": [_event(e) for e in events]}


class WaitingTimeIn(BaseModel):
    service_id: str
    area: str
    measure: str
    value: float
    unit: Literal["weeks", "days", "months", "percent"] = "weeks"
    period: str
    as_of: date
    target: float | None = None
    target_text: str | None = None
    source_document: str | None = None
    note: str | None = None


@router.post("/waiting-times", status_code=201)
def add_waiting_time(db: DbSession, staff: EditorUser, body: WaitingTimeIn) -> Any:
    data = {k: ("" if v is None else str(v)) for k, v in body.model_dump(mode="json").items()}
    errors = waiting_times.validate(data, session=db)
    if errors:
        return refusal(422, " ".join(errors.values()), errors)
    row = waiting_times.add_figure(session=db, data=data, actor=staff.user)
    return {"id": row.id, **body.model_dump(mode="json")}


@router.get("/review")
def review_list(db: DbSession, staff: StaffUser, council: str | None = None) -> list[dict[str, Any]]:
    return [
        {"id": i.service.id, "key": i.service.key, "name": i.service.name, "reasons": i.reasons}
        for i in review.needing_review(session=db, council=council)
    ]


@router.post("/import")
def import_entries(
    request: Request, db: DbSession, staff: EditorUser, body: Annotated[Any, Body()], dry_run: bool = False
) -> Any:
    """Open Referral UK JSON (a service, a list or a page). All or nothing; ``dry_run`` only checks."""
    import json

    try:
        rows = imports.parse_oruk(json.dumps(body))
    except imports.ImportFileError as error:
        raise HTTPException(422, str(error)) from None
    if dry_run:
        report, ids = imports.check(rows, session=db, actor=staff.user, first_row=1), []
    else:
        report, ids = imports.apply(rows, session=db, actor=staff.user, first_row=1)
        sync.refresh_search(request.app, ids)
    result = {
        "applied": report.applied,
        "ok": report.ok,
        "rows": [
            {"row": r.row, "key": r.key, "name": r.name, "action": r.action, "errors": r.errors}
            for r in report.rows
        ],
    }
    if not report.ok:
        return refusal(
            422, "Nothing was imported: fix the rows with errors and send the whole file again.", **result
        )
    return result


@router.get("/export")
def export(db: DbSession, staff: StaffUser, council: str | None = None) -> dict[str, Any]:
    stmt = select(Service).options(*store.FULL_LOADING).order_by(Service.council, Service.key)
    if council:
        stmt = stmt.where(Service.council == council)
    return imports.export_oruk(list(db.scalars(stmt)))


@router.get("/comments")
def list_comments(db: DbSession, staff: StaffUser, status: str | None = None) -> list[dict[str, Any]]:
    stmt = select(LocalOfferComment).order_by(LocalOfferComment.created_at.desc())
    if status:
        stmt = stmt.where(LocalOfferComment.status == status)
    return [
        {
            "id": c.id,
            "council": c.council,
            "topic": c.topic,
            "text": c.text,
            "public_text": c.public_text,
            "response": c.response,
            "status": c.status,
            "created_at": c.created_at.isoformat(),
        }
        for c in db.scalars(stmt)
    ]


class ModerationIn(BaseModel):
    public_text: str = ""
    response: str = ""
    action: Literal["save", "reject"] = "save"


def _moderate(db, staff, comment_id: str, body: ModerationIn, action: str) -> Any:
    comment = db.get(LocalOfferComment, comment_id)
    if comment is None:
        raise HTTPException(404, "No comment with that id")
    errors = comments.moderate(
        session=db,
        comment=comment,
        public_text=body.public_text,
        response=body.response,
        action=action,
        actor_email=staff.email,
    )
    if errors:
        return refusal(422, " ".join(errors.values()), errors)
    return {
        "id": comment.id,
        "status": comment.status,
        "public_text": comment.public_text,
        "response": comment.response,
    }


@router.post("/comments/{comment_id}")
def moderate_comment(db: DbSession, staff: EditorUser, comment_id: str, body: ModerationIn) -> Any:
    return _moderate(db, staff, comment_id, body, body.action)


@router.post("/comments/{comment_id}/publish")
def publish_comment(db: DbSession, staff: AdminUser, comment_id: str, body: ModerationIn) -> Any:
    return _moderate(db, staff, comment_id, body, "publish")


@router.get("/gaps")
def gap_report(
    db: DbSession, staff: StaffUser, council: str | None = None, weeks: int = 12
) -> dict[str, Any]:
    week_labels, groups = gaps.gap_groups(session=db, council=council, weeks=min(max(weeks, 1), 104))
    return {
        "weeks": week_labels,
        "groups": [
            {
                "kind": g.kind,
                "label": g.label,
                "count": g.count,
                "by_week": dict(g.weeks),
                "wordings": dict(g.examples),
            }
            for g in groups
        ],
        "feedback": [
            {"answer_type": f.answer_type, "helpful": f.helpful, "not_helpful": f.not_helpful}
            for f in gaps.feedback_totals(session=db, council=council, weeks=weeks)
        ],
    }
