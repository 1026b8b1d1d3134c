"""GET/POST /staff/sign-in (the only staff pages open without signing in) and POST /staff/sign-out."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from directory.staff import accounts, auth
from directory.staff.auth import StaffUser
from directory.staff.deps import DbSession, SettingsDep
from directory.staff.templating import render

public = APIRouter(include_in_schema=False)
protected = APIRouter(include_in_schema=False, dependencies=auth.PROTECTED)


def _safe_next(target: str | None) -> str:
    """Only local /staff paths, so the sign-in page cannot be used to send people elsewhere."""
    if not target:
        return "/staff"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff") or target.startswith("//"):
        return "/staff"
    return target


def _form(
    request: Request,
    settings,
    *,
    email: str = "",
    errors: dict | None = None,
    status_code: int = 200,
    next_url: str = "/staff",
) -> HTMLResponse:
    token = auth.new_login_csrf()
    response = render(
        request,
        "staff/sign_in.html",
        title="Sign in",
        email=email,
        errors=errors or {},
        next_url=next_url,
        status_code=status_code,
        csrf_token=token,
    )
    auth.set_login_csrf(response, settings, token)
    return response


@public.get("/staff/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, settings: SettingsDep, next: str | None = None) -> HTMLResponse:
    return _form(request, settings, next_url=_safe_next(next))


@public.post("/staff/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/staff",
):
    next_url = _safe_next(next)
    if not auth.login_csrf_ok(request, settings, csrf_token):
        return _form(
            request,
            settings,
            email=email,
            next_url=next_url,
            status_code=403,
            errors={"email": auth.CSRF_MESSAGE},
        )
    errors = {}
    if not email.strip():
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return _form(request, settings, email=email, errors=errors, status_code=400, next_url=next_url)
    result = accounts.sign_in(session=db, email=email, password=password)
    if result.user is None:
        db.commit()  # keeps the failure count and any lock-out
        return _form(
            request, settings, email=email, errors={"email": result.error}, status_code=400, next_url=next_url
        )
    token = accounts.start_session(session=db, user=result.user)
    db.commit()
    response = RedirectResponse(next_url, status_code=303)
    auth.set_session_cookie(response, settings, token)
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path="/staff/sign-in")
    return response


@protected.post("/staff/sign-out")
def sign_out(request: Request, db: DbSession, settings: SettingsDep, staff: StaffUser):
    token = auth.session_token(request, settings)
    if token:
        accounts.end_session(session=db, token=token)
        db.commit()
    response = RedirectResponse("/staff/sign-in", status_code=303)
    auth.clear_session_cookie(response)
    return response
