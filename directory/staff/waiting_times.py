"""Waiting-time figures: add a new dated period for a service and area (the assistant quotes the newest)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import Service, WaitingTime
from directory.staff import audit, auth
from directory.staff.auth import EditorUser, StaffUser
from directory.staff.deps import DbSession
from directory.staff.entries import parse_date
from directory.staff.tables import StaffUser as StaffAccount
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)
FIELDS = (
    "service_id",
    "area",
    "measure",
    "value",
    "unit",
    "period",
    "as_of",
    "target",
    "target_text",
    "source_document",
    "note",
)
UNITS = ("weeks", "days", "months", "percent")


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(str(value).strip())


def validate(data: dict[str, Any], *, session: Session) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.get("service_id") or session.get(Service, data["service_id"]) is None:
        errors["service_id"] = "Choose the service the figure is for"
    if not (data.get("area") or "").strip():
        errors["area"] = "Enter the area the figure is for, for example Sefton or South Sefton"
    if not (data.get("measure") or "").strip():
        errors["measure"] = "Enter what was measured, for example average weeks to first appointment"
    for field, what in (("value", "figure"), ("target", "target")):
        try:
            number = _number(data.get(field))
        except ValueError:
            errors[field] = f"Enter the {what} as a number, like 18 or 12.5"
            continue
        if field == "value" and number is None:
            errors[field] = "Enter the figure, like 18"
        elif number is not None and number < 0:
            errors[field] = f"The {what} cannot be less than 0"
    if data.get("unit") not in UNITS:
        errors["unit"] = "Choose the unit: weeks, days, months or percent"
    if not (data.get("period") or "").strip():
        errors["period"] = "Enter the period the figure covers, for example April 2026 or 2025 to 2026"
    try:
        if parse_date(data.get("as_of")) is None:
            errors["as_of"] = "Enter the date the figure was published, like 27 3 2026"
    except ValueError:
        errors["as_of"] = "Enter the date the figure was published as a real date, like 27 3 2026"
    if not errors:
        duplicate = session.scalar(
            select(WaitingTime.id).where(
                WaitingTime.service_id == data["service_id"],
                WaitingTime.area == data["area"].strip(),
                WaitingTime.measure == data["measure"].strip(),
                WaitingTime.period == data["period"].strip(),
            )
        )
        if duplicate:
            errors["period"] = "There is already a figure for this service, area, measure and period"
    return errors


def add_figure(*, session: Session, data: dict[str, Any], actor: StaffAccount) -> WaitingTime:
    row = WaitingTime(
        service_id=data["service_id"],
        area=data["area"].strip(),
        measure=data["measure"].strip(),
        value=_number(data["value"]),
        unit=data["unit"],
        period=data["period"].strip(),
        as_of=parse_date(data["as_of"]),
        target=_number(data.get("target")),
        target_text=(data.get("target_text") or "").strip() or None,
        source_document=(data.get("source_document") or "").strip() or None,
        note=(data.get("note") or "").strip() or None,
    )
    session.add(row)
    session.flush()
    snapshot = {
        f: getattr(row, f)
        for f in (
            "service_id",
            "area",
            "measure",
            "value",
            "unit",
            "period",
            "target",
            "target_text",
            "source_document",
            "note",
        )
    }
    snapshot.update(as_of=row.as_of.isoformat(), name=f"{row.measure}, {row.area}, {row.period}")
    audit.record(
        session=session,
        action="waiting time added",
        actor=actor,
        entity_id=row.id,
        entity_type="waiting_time",
        before=None,
        after=snapshot,
    )
    session.commit()
    return row


def _page(request, db, *, service_id: str = "", values=None, errors=None, status_code=200):
    services = list(
        db.scalars(select(Service).where(Service.publication_status != "archived").order_by(Service.name))
    )
    stmt = select(WaitingTime).order_by(WaitingTime.as_of.desc(), WaitingTime.created_at.desc())
    if service_id:
        stmt = stmt.where(WaitingTime.service_id == service_id)
    figures = list(db.scalars(stmt.limit(200)))
    return render(
        request,
        "staff/waiting_times.html",
        title="Waiting times",
        figures=figures,
        services=[("", "Choose a service")] + [(s.id, f"{s.name} ({s.council})") for s in services],
        units=[(u, u) for u in UNITS],
        values=values or {"service_id": service_id, "unit": "weeks"},
        errors=errors or {},
        service_id=service_id,
        status_code=status_code,
    )


@router.get("/staff/waiting-times", response_class=HTMLResponse)
def waiting_times(request: Request, db: DbSession, staff: StaffUser, service: str = "") -> HTMLResponse:
    return _page(request, db, service_id=service)


@router.post("/staff/waiting-times", response_class=HTMLResponse)
async def add(request: Request, db: DbSession, staff: EditorUser):
    form = await request.form()
    data = {field: (form.get(field) or "").strip() for field in FIELDS}
    errors = validate(data, session=db)
    if errors:
        return _page(request, db, service_id=data["service_id"], values=data, errors=errors, status_code=400)
    add_figure(session=db, data=data, actor=staff.user)
    return RedirectResponse(
        f"/staff/waiting-times?service={data['service_id']}&done=waiting-time", status_code=303
    )
