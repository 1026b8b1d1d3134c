"""Sign-in state for every staff request: signed session cookie or bearer token, CSRF and roles.

Every ``/staff`` and ``/api/staff`` router carries ``dependencies=PROTECTED``: signed in, and for every unsafe
method a CSRF token that matches the session (bearer-token calls are exempt: no cookie, no ambient authority).
Writes add a role through ``EditorUser`` / ``AdminUser`` (``require_role``), checked on the server.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

from directory.settings import Settings
from directory.staff import accounts, tables
from directory.staff.deps import DbSession, SettingsDep

COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSRF_MESSAGE = "This form has expired or did not come from this site. Go back, reload the page and try again."


@dataclass
class Principal:
    user: tables.StaffUser
    csrf_token: str | None  # None when signed in with a bearer token
    via: str  # "session" or "token"

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def id(self) -> str:
        return self.user.id


def _serializer(settings: Settings, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=salt)


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        COOKIE,
        _serializer(settings, "staff-session").dumps(token),
        httponly=True,
        samesite="strict",
        secure=settings.public_origin.startswith("https://"),
        path="/",
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def session_token(request: Request, settings: Settings) -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        return _serializer(settings, "staff-session").loads(raw)
    except BadSignature:
        return None


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def set_login_csrf(response: Response, settings: Settings, token: str) -> None:
    """Double-submit token for the sign-in form (there is no session yet)."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        _serializer(settings, "staff-login").dumps(token),
        httponly=True,
        samesite="strict",
        secure=settings.public_origin.startswith("https://"),
        path="/staff/sign-in",
        max_age=3600,
    )


def login_csrf_ok(request: Request, settings: Settings, sent: str | None) -> bool:
    try:
        expected = _serializer(settings, "staff-login").loads(request.cookies.get(LOGIN_CSRF_COOKIE, ""))
    except BadSignature:
        return False
    return bool(sent) and hmac.compare_digest(str(sent), str(expected))


def current_principal(request: Request, db: DbSession, settings: SettingsDep) -> Principal | None:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = accounts.user_for_api_token(session=db, token=authorization[7:].strip())
        db.commit()
        return Principal(user, None, "token") if user else None
    token = session_token(request, settings)
    if token is None:
        return None
    row = accounts.load_session(session=db, token=token)
    if row is None:
        db.commit()
        return None
    return Principal(row.user, row.csrf_token, "session")


def require_staff(
    request: Request, principal: Annotated[Principal | None, Depends(current_principal)]
) -> Principal:
    if principal is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(
                401, "Sign in or send a staff API token", headers={"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method not in SAFE_METHODS:
            target = "/staff"
        raise HTTPException(
            303, "Sign in first", headers={"Location": f"/staff/sign-in?next={quote(target)}"}
        )
    request.state.staff = principal
    return principal


async def check_csrf(request: Request, principal: Annotated[Principal, Depends(require_staff)]) -> None:
    if request.method in SAFE_METHODS or principal.via == "token":
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get("csrf_token")
    if not isinstance(sent, str) or not hmac.compare_digest(sent, principal.csrf_token or ""):
        raise HTTPException(403, CSRF_MESSAGE)


PROTECTED = [Depends(require_staff), Depends(check_csrf)]


def require_role(role: str):
    """A dependency refusing (403) anyone whose role is below ``role``; tests read ``.required_role``."""

    def dependency(principal: Annotated[Principal, Depends(require_staff)]) -> Principal:
        if not principal.user.can(role):
            raise HTTPException(403, f"You need the {role} role to do this. Ask an admin if you need it.")
        return principal

    dependency.required_role = role  # type: ignore[attr-defined]
    dependency.__name__ = f"require_{role}"
    return dependency


StaffUser = Annotated[Principal, Depends(require_staff)]
ViewerUser = StaffUser
EditorUser = Annotated[Principal, Depends(require_role("editor"))]
AdminUser = Annotated[Principal, Depends(require_role("admin"))]
