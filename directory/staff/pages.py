"""Staff HTML: the home page and the entries (list, filter, search, create, view, edit)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, or_, select

from directory import store, vocab
from directory.models import Service
from directory.staff import auth, editing, entries, forms, sync
from directory.staff.auth import EditorUser, StaffUser
from directory.staff.deps import DbSession
from directory.staff.tables import LocalOfferComment
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)
PER_PAGE = 25


def load_service(db, service_id: str) -> Service:
    service = db.get(Service, service_id)
    if service is None:
        raise HTTPException(404, "No entry with that id")
    return service


def choices(db) -> dict:
    return {
        "councils": [(c.key, c.name) for c in store.councils(session=db)],
        "categories": list(vocab.CATEGORIES.items()),
        "needs": list(vocab.NEEDS.items()),
        "statuses": [(s, s.capitalize()) for s in entries.STATUSES],
        "referrals": [
            ("either", "Families or professionals"),
            ("self", "Families can refer themselves"),
            ("professional", "A professional must refer"),
            ("none", "No referral needed"),
        ],
    }


@router.get("/staff", response_class=HTMLResponse)
def home(request: Request, db: DbSession, staff: StaffUser) -> HTMLResponse:
    counts = dict(
        db.execute(
            select(Service.publication_status, func.count()).group_by(Service.publication_status)
        ).all()
    )
    today = date.today()
    due = db.scalar(
        select(func.count())
        .select_from(Service)
        .where(
            Service.publication_status != "archived",
            or_(Service.review_due.is_(None), Service.review_due < today),
        )
    )
    new_comments = db.scalar(
        select(func.count()).select_from(LocalOfferComment).where(LocalOfferComment.status == "new")
    )
    return render(
        request,
        "staff/home.html",
        title="Staff area",
        counts=counts,
        due=due or 0,
        new_comments=new_comments or 0,
    )


def _search_ids(request: Request, q: str, council: str | None) -> list[str]:
    """The families' search (published entries) first, in its order."""
    search = getattr(request.app.state, "search", None)
    if search is None:
        return []
    from directory.search.service import SearchFilters

    hits = search.search(q, SearchFilters(council=council or None), k=100)
    return [hit.id for hit in hits]


@router.get("/staff/services", response_class=HTMLResponse)
def list_entries(
    request: Request,
    db: DbSession,
    staff: StaffUser,
    q: str = "",
    council: str = "",
    category: str = "",
    status: str = "",
    review: str = "",
    page: int = 1,
) -> HTMLResponse:
    stmt = select(Service).options(*store.LIST_LOADING)
    if council:
        stmt = stmt.where(Service.council == council)
    if status in entries.PUBLICATION:
        stmt = stmt.where(Service.publication_status == status)
    if review == "due":
        stmt = stmt.where(or_(Service.review_due.is_(None), Service.review_due < date.today()))
    rows = list(db.scalars(stmt.order_by(Service.name)))
    if category:
        rows = [s for s in rows if category in s.terms(vocab.CATEGORY_TAXONOMY)]
    if q.strip():
        ranked = _search_ids(request, q, council)
        order = {service_id: rank for rank, service_id in enumerate(ranked)}
        words = q.lower().split()
        text_match = {
            s.id
            for s in rows
            if all(w in f"{s.name} {s.description} {' '.join(s.also_known_as or [])}".lower() for w in words)
        }
        rows = [s for s in rows if s.id in order or s.id in text_match]
        rows.sort(key=lambda s: (order.get(s.id, len(order)), s.name))
    total = len(rows)
    page = max(1, page)
    shown = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    return render(
        request,
        "staff/services.html",
        title="Entries",
        services=shown,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filters={"q": q, "council": council, "category": category, "status": status, "review": review},
        today=date.today(),
        **choices(db),
    )


def _form_page(request, db, *, data, errors=None, service=None, conflict=None, status_code=200):
    return render(
        request,
        "staff/entry_form.html",
        title=("Edit " + service.name) if service else "New entry",
        values=forms.form_values(data),
        errors=errors or {},
        service=service,
        conflict=conflict,
        labels=entries.LABELS,
        status_code=status_code,
        **choices(db),
    )


@router.get("/staff/services/new", response_class=HTMLResponse)
def new_entry(request: Request, db: DbSession, staff: EditorUser) -> HTMLResponse:
    default = request.app.state.settings.default_council
    return _form_page(request, db, data=forms.blank_entry(default))


@router.post("/staff/services/new", response_class=HTMLResponse)
async def create_entry(request: Request, db: DbSession, staff: EditorUser):
    data = forms.entry_from_form(await request.form())
    try:
        result = editing.create(session=db, data=data, actor=staff.user)
    except editing.Invalid as invalid:
        return _form_page(request, db, data=data, errors=invalid.errors, status_code=400)
    sync.refresh_search(request.app, [result.service.id])
    return RedirectResponse(f"/staff/services/{result.service.id}?done=created", status_code=303)


@router.get("/staff/services/{service_id}", response_class=HTMLResponse)
def view_entry(request: Request, db: DbSession, staff: StaffUser, service_id: str) -> HTMLResponse:
    service = load_service(db, service_id)
    data = entries.snapshot(service)
    problems = entries.validate(data, session=db, publishing=True)
    return render(
        request,
        "staff/entry.html",
        title=service.name,
        service=service,
        data=data,
        labels=entries.LABELS,
        problems=problems,
    )


@router.get("/staff/services/{service_id}/edit", response_class=HTMLResponse)
def edit_entry(request: Request, db: DbSession, staff: EditorUser, service_id: str) -> HTMLResponse:
    service = load_service(db, service_id)
    return _form_page(request, db, data=entries.snapshot(service), service=service)


@router.post("/staff/services/{service_id}/edit", response_class=HTMLResponse)
async def save_entry(request: Request, db: DbSession, staff: EditorUser, service_id: str):
    service = load_service(db, service_id)
    form = await request.form()
    data = forms.entry_from_form(form, entries.snapshot(service))
    try:
        editing.update(
            session=db,
            service=service,
            data=data,
            expected_version=_int(form.get("version")),
            actor=staff.user,
        )
    except editing.NeedsAdmin:
        raise HTTPException(
            403, "This entry is published: only an admin can change it. Ask an admin."
        ) from None
    except editing.Invalid as invalid:
        return _form_page(request, db, data=data, errors=invalid.errors, service=service, status_code=400)
    except editing.Conflict as conflict:
        db.rollback()
        service = load_service(db, service_id)
        return _form_page(
            request,
            db,
            data=data,
            service=service,
            conflict=conflict,
            status_code=409,
            errors={
                "conflict": f"{conflict.by or 'Someone'} saved this entry after you opened it. "
                "Check both versions below before you save again"
            },
        )
    sync.refresh_search(request.app, [service_id])
    return RedirectResponse(f"/staff/services/{service_id}?done=saved", status_code=303)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
