"""Staff accounts (admin only): add staff, change roles, unlock, switch off; create API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from directory.staff import accounts, audit, auth
from directory.staff.auth import AdminUser
from directory.staff.deps import DbSession
from directory.staff.tables import ROLES, StaffApiToken, StaffUser
from directory.staff.templating import render

router = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)


def _page(request, db, *, values=None, errors=None, new_token=None, notice=None, status_code=200):
    users = list(db.scalars(select(StaffUser).order_by(StaffUser.email)))
    tokens = list(
        db.scalars(
            select(StaffApiToken)
            .where(StaffApiToken.revoked_at.is_(None))
            .order_by(StaffApiToken.created_at.desc())
        )
    )
    context = {"notice": notice} if notice else {}
    return render(
        request,
        "staff/accounts.html",
        title="Staff accounts",
        users=users,
        tokens=tokens,
        roles=[(r, r.capitalize()) for r in ROLES],
        values=values or {"role": "editor"},
        errors=errors or {},
        new_token=new_token,
        status_code=status_code,
        **context,
    )


@router.get("/staff/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, db: DbSession, staff: AdminUser) -> HTMLResponse:
    return _page(request, db)


@router.post("/staff/accounts", response_class=HTMLResponse)
def add_account(
    request: Request,
    db: DbSession,
    staff: AdminUser,
    email: str = Form(""),
    role: str = Form("editor"),
    password: str = Form(""),
) -> HTMLResponse:
    try:
        user = accounts.create_user(session=db, email=email, password=password, role=role)
    except accounts.AccountError as error:
        db.rollback()
        field = "password" if "assword" in str(error) else "email" if "mail" in str(error) else "role"
        return _page(
            request, db, values={"email": email, "role": role}, errors={field: str(error)}, status_code=400
        )
    audit.record(
        session=db,
        action="account created",
        actor=staff.user,
        entity_id=user.id,
        entity_type="staff_user",
        before=None,
        after={"name": user.email, "role": user.role},
    )
    db.commit()
    return _page(
        request, db, notice=f"Account created for {user.email}. Give them the password in person or by phone."
    )


@router.post("/staff/accounts/{user_id}", response_class=HTMLResponse)
def change_account(
    request: Request,
    db: DbSession,
    staff: AdminUser,
    user_id: str,
    action: str = Form(""),
    role: str = Form(""),
) -> HTMLResponse:
    user = db.get(StaffUser, user_id)
    if user is None:
        raise HTTPException(404, "No staff account with that id")
    before = {"name": user.email, "role": user.role, "active": user.active}
    if user.id == staff.id and action in ("deactivate", "role"):
        return _page(
            request,
            db,
            errors={f"account-{user.id}": "You cannot switch off or change your own account"},
            status_code=400,
        )
    if action == "role" and role in ROLES:
        user.role = role
    elif action == "unlock":
        user.locked_until, user.failed_logins = None, 0
    elif action == "deactivate":
        user.active = False
    elif action == "activate":
        user.active = True
    audit.record(
        session=db,
        action=f"account {action}",
        actor=staff.user,
        entity_id=user.id,
        entity_type="staff_user",
        before=before,
        after={"name": user.email, "role": user.role, "active": user.active},
    )
    db.commit()
    return _page(request, db, notice=f"Account {user.email} updated.")


@router.post("/staff/accounts/tokens/new", response_class=HTMLResponse)
def new_token(request: Request, db: DbSession, staff: AdminUser, token_name: str = Form("")) -> HTMLResponse:
    name = token_name
    if not name.strip():
        return _page(
            request,
            db,
            errors={"token_name": "Enter what the token is for, for example Nightly sync"},
            status_code=400,
        )
    token = accounts.create_api_token(session=db, user=staff.user, name=name)
    db.commit()
    return _page(request, db, new_token=token)


@router.post("/staff/accounts/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, db: DbSession, staff: AdminUser, token_id: str) -> HTMLResponse:
    from directory.models import utcnow

    row = db.get(StaffApiToken, token_id)
    if row is None:
        raise HTTPException(404, "No token with that id")
    row.revoked_at = utcnow()
    db.commit()
    return _page(request, db, notice="The token is revoked.")
