"""Staff HTML: publish, archive, back to draft, mark reviewed, the change history per entry and overall, restore."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from directory.staff import audit, auth, editing, entries, sync
from directory.staff.auth import AdminUser, EditorUser, StaffUser
from directory.staff.deps import DbSession
from directory.staff.pages import _int, load_service
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)


def _entry_with_errors(request, db, service, errors, status_code=400):
    data = entries.snapshot(service)
    return render(
        request,
        "staff/entry.html",
        title=service.name,
        service=service,
        data=data,
        labels=entries.LABELS,
        problems=entries.validate(data, session=db, publishing=True),
        errors=errors,
        status_code=status_code,
    )


def _publication(request, db, staff, service_id: str, status: str, version: str | None, done: str):
    service = load_service(db, service_id)
    try:
        editing.set_publication(
            session=db, service=service, status=status, expected_version=_int(version), actor=staff.user
        )
    except editing.Invalid as invalid:
        db.rollback()
        return _entry_with_errors(request, db, load_service(db, service_id), invalid.errors)
    except editing.Conflict:
        db.rollback()
        return _entry_with_errors(
            request,
            db,
            load_service(db, service_id),
            {
                "publication": "Someone changed this entry since you opened it. "
                "Check it again, then try once more"
            },
            status_code=409,
        )
    sync.refresh_search(request.app, [service_id])
    return RedirectResponse(f"/staff/services/{service_id}?done={done}", status_code=303)


@router.post("/staff/services/{service_id}/publish")
def publish(request: Request, db: DbSession, staff: AdminUser, service_id: str, version: str = Form("")):
    return _publication(request, db, staff, service_id, "published", version, "published")


@router.post("/staff/services/{service_id}/archive")
def archive(request: Request, db: DbSession, staff: AdminUser, service_id: str, version: str = Form("")):
    return _publication(request, db, staff, service_id, "archived", version, "archived")


@router.post("/staff/services/{service_id}/draft")
def back_to_draft(
    request: Request, db: DbSession, staff: AdminUser, service_id: str, version: str = Form("")
):
    return _publication(request, db, staff, service_id, "draft", version, "saved")


@router.post("/staff/services/{service_id}/reviewed")
def reviewed(request: Request, db: DbSession, staff: EditorUser, service_id: str, next: str = Form("")):
    service = load_service(db, service_id)
    editing.mark_reviewed(session=db, service=service, actor=staff.user)
    sync.refresh_search(request.app, [service_id])
    target = "/staff/review" if next == "review" else f"/staff/services/{service_id}"
    return RedirectResponse(f"{target}?done=reviewed", status_code=303)


@router.get("/staff/services/{service_id}/history", response_class=HTMLResponse)
def history(request: Request, db: DbSession, staff: StaffUser, service_id: str) -> HTMLResponse:
    service = load_service(db, service_id)
    return render(
        request,
        "staff/history.html",
        title=f"Change history: {service.name}",
        service=service,
        events=audit.history(session=db, entity_id=service_id),
        labels=entries.LABELS,
    )


@router.get("/staff/services/{service_id}/history/{event_id}", response_class=HTMLResponse)
def version(
    request: Request, db: DbSession, staff: StaffUser, service_id: str, event_id: str
) -> HTMLResponse:
    service = load_service(db, service_id)
    event = audit.get_event(session=db, event_id=event_id)
    if event is None or event.entity_id != service_id or not event.snapshot:
        raise HTTPException(404, "No such version of this entry")
    return render(
        request,
        "staff/version.html",
        title=f"Version {event.version} of {service.name}",
        service=service,
        event=event,
        labels=entries.LABELS,
    )


@router.post("/staff/services/{service_id}/restore", response_class=HTMLResponse)
def restore(
    request: Request,
    db: DbSession,
    staff: EditorUser,
    service_id: str,
    event_id: str = Form(""),
    version: str = Form(""),
):
    service = load_service(db, service_id)
    try:
        editing.restore(
            session=db, service=service, event_id=event_id, expected_version=_int(version), actor=staff.user
        )
    except editing.NeedsAdmin:
        raise HTTPException(
            403, "This entry is published: only an admin can restore an earlier version."
        ) from None
    except (editing.Invalid, editing.Conflict) as problem:
        db.rollback()
        errors = (
            problem.errors
            if isinstance(problem, editing.Invalid)
            else {"restore": "Someone changed this entry since you opened the history. Check it again"}
        )
        service = load_service(db, service_id)
        return render(
            request,
            "staff/history.html",
            title=f"Change history: {service.name}",
            service=service,
            events=audit.history(session=db, entity_id=service_id),
            labels=entries.LABELS,
            errors={"restore": " ; ".join(errors.values())},
            status_code=400,
        )
    sync.refresh_search(request.app, [service_id])
    return RedirectResponse(f"/staff/services/{service_id}?done=restored", status_code=303)


@router.get("/staff/audit", response_class=HTMLResponse)
def overall(
    request: Request, db: DbSession, staff: StaffUser, actor: str = "", page: int = 1
) -> HTMLResponse:
    total, events = audit.recent(session=db, page=max(1, page), actor=actor or None)
    return render(
        request,
        "staff/audit.html",
        title="Change history",
        events=events,
        total=total,
        page=max(1, page),
        pages=max(1, -(-total // 50)),
        actor=actor,
        labels=entries.LABELS,
    )
