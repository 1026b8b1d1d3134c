"""Staff HTML for import (CSV or Open Referral UK JSON, all or nothing, row-by-row report) and export."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select

from directory import store
from directory.models import Service
from directory.staff import auth, imports, sync
from directory.staff.auth import EditorUser, StaffUser
from directory.staff.deps import DbSession
from directory.staff.entries import LABELS
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)
MAX_BYTES = 5 * 1024 * 1024


def _page(request, *, report=None, errors=None, status_code=200):
    return render(
        request,
        "staff/import.html",
        title="Import and export",
        report=report,
        errors=errors or {},
        labels=LABELS,
        columns=imports.CSV_COLUMNS,
        status_code=status_code,
    )


@router.get("/staff/import", response_class=HTMLResponse)
def import_page(request: Request, staff: StaffUser) -> HTMLResponse:
    return _page(request)


def parse_upload(name: str, raw: bytes) -> list[dict]:
    if len(raw) > MAX_BYTES:
        raise imports.ImportFileError("The file must be smaller than 5 MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise imports.ImportFileError("The file must be saved as UTF-8 text (CSV UTF-8 in Excel)") from None
    if name.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        return imports.parse_oruk(text)
    return imports.parse_csv(text)


@router.post("/staff/import", response_class=HTMLResponse)
async def import_file(request: Request, db: DbSession, staff: EditorUser):
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _page(
            request, errors={"file": "Choose a CSV or Open Referral UK JSON file to import"}, status_code=400
        )
    try:
        rows = parse_upload(upload.filename, await upload.read())
    except imports.ImportFileError as error:
        return _page(request, errors={"file": str(error)}, status_code=400)
    first_row = 1 if upload.filename.lower().endswith(".json") else 2
    report, ids = imports.apply(rows, session=db, actor=staff.user, first_row=first_row)
    if not report.applied:
        return _page(
            request,
            report=report,
            status_code=400,
            errors={
                "file": f"Nothing was imported: {report.error_count} problem(s) in the file. "
                "Fix the rows listed below and import the whole file again"
                if report.rows
                else "The file has no rows to import"
            },
        )
    sync.refresh_search(request.app, ids)
    return _page(request, report=report)


def _services(db, council: str | None):
    stmt = select(Service).options(*store.FULL_LOADING).order_by(Service.council, Service.key)
    if council:
        stmt = stmt.where(Service.council == council)
    return list(db.scalars(stmt))


@router.get("/staff/export.csv")
def export_csv(db: DbSession, staff: StaffUser, council: str = "") -> Response:
    return Response(
        imports.export_csv(_services(db, council or None)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="local-offer-entries.csv"'},
    )


@router.get("/staff/export.json")
def export_json(db: DbSession, staff: StaffUser, council: str = "") -> JSONResponse:
    return JSONResponse(
        imports.export_oruk(_services(db, council or None)),
        headers={"Content-Disposition": 'attachment; filename="local-offer-entries.json"'},
    )
