"""Sign-in, sessions, CSRF, lock-out, roles, and a sweep over EVERY staff route: a new unprotected route fails."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.routing import iter_route_contexts
from sqlalchemy import select

from directory.staff.auth import CSRF_MESSAGE
from directory.staff.tables import ROLES, StaffSession, StaffUser
from tests.staff.conftest import PASSWORD, csrf_of, sign_in

OPEN = {("GET", "/staff/sign-in"), ("POST", "/staff/sign-in")}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def staff_routes(app):
    """Every endpoint the app serves under /staff or /api/staff (FastAPI 0.165 keeps included routers nested:
    ``iter_route_contexts`` yields each route with its effective path and dependencies)."""
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if getattr(route, "dependant", None) is None:
            continue
        if path == "/staff" or path.startswith(("/staff/", "/api/staff")):
            for method in (route.methods or set()) - {"HEAD", "OPTIONS"}:
                yield method, route


def required_role(route) -> str | None:
    """The role the route's own dependencies demand (``require_role`` marks them), searched recursively."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        role = getattr(dep.call, "required_role", None)
        if role:
            return role
        stack.extend(dep.dependencies)
    return None


def concrete(path: str, ids: dict[str, str]) -> str:
    return re.sub(
        r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m.group(1), "00000000-0000-0000-0000-000000000000"), path
    )


@pytest.fixture
def ids(make_entry):
    service = make_entry()
    return {"service_id": service.id}


def test_there_are_staff_routes_to_check(app):
    routes = list(staff_routes(app))
    assert len(routes) >= 10
    assert any(method in UNSAFE for method, _ in routes)


def test_every_staff_route_refuses_anonymous_requests(app, client, ids):
    checked = 0
    for method, route in staff_routes(app):
        if (method, route.path) in OPEN:
            continue
        response = client.request(method, concrete(route.path, ids))
        if route.path.startswith("/api/"):
            assert response.status_code == 401, (method, route.path, response.status_code)
        else:
            assert response.status_code == 303, (method, route.path, response.status_code)
            assert response.headers["location"].startswith("/staff/sign-in"), (method, route.path)
        checked += 1
    assert checked >= 10


def test_every_write_route_declares_a_role_and_refuses_the_role_below(app, client, ids, signed_in):
    token = signed_in("viewer")
    # a viewer is below every write's role; an editor is below the admin-only ones (checked with a 2nd client)
    for method, route in staff_routes(app):
        if method not in UNSAFE or (method, route.path) in OPEN or route.path == "/staff/sign-out":
            continue
        role = required_role(route)
        assert role in ROLES[1:], f"{method} {route.path} has no role check (use EditorUser or AdminUser)"
        response = client.request(
            method,
            concrete(route.path, ids),
            headers={"X-CSRF-Token": token},
            data={"csrf_token": token} if not route.path.startswith("/api/") else None,
        )
        assert response.status_code == 403, (method, route.path, response.status_code, response.text[:200])
        assert f"the {role} role" in response.json()["detail"], (method, route.path)


def test_admin_only_writes_refuse_editors(app, client, ids, signed_in):
    token = signed_in("editor")
    admin_routes = [(m, r) for m, r in staff_routes(app) if m in UNSAFE and required_role(r) == "admin"]
    assert admin_routes, "publish, archive and staff accounts are admin-only"
    for method, route in admin_routes:
        response = client.request(
            method, concrete(route.path, ids), headers={"X-CSRF-Token": token}, data={"csrf_token": token}
        )
        assert response.status_code == 403, (method, route.path)


def test_every_unsafe_form_route_checks_csrf(app, client, ids, signed_in):
    signed_in("admin")
    for method, route in staff_routes(app):
        if method not in UNSAFE or (method, route.path) in OPEN:
            continue
        response = client.request(method, concrete(route.path, ids), data={"csrf_token": "forged"})
        assert response.status_code == 403, (method, route.path)
        assert response.json()["detail"] == CSRF_MESSAGE


def test_sign_in_form_has_its_own_csrf_check(client, make_staff):
    user = make_staff("editor")
    client.get("/staff/sign-in")
    response = client.post(
        "/staff/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": "x"}
    )
    assert response.status_code == 403
    assert "staff_session" not in response.cookies


def test_sign_in_sets_a_signed_httponly_samesite_cookie_and_sign_out_ends_the_session(client, make_staff, db):
    user = make_staff("editor")
    response = sign_in(client, user.email)
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    cookie = response.headers["set-cookie"]
    assert (
        "staff_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    raw = client.cookies["staff_session"]
    assert db.scalar(select(StaffSession).where(StaffSession.id == raw)) is None  # only a digest is stored
    assert client.get("/staff").status_code == 200
    client.cookies.clear()
    client.cookies.set("staff_session", raw[:-2] + "xx")  # tampered signature
    assert client.get("/staff").status_code == 303
    client.cookies.clear()
    client.cookies.set("staff_session", raw)
    token = csrf_of(client.get("/staff").text)
    assert client.post("/staff/sign-out", data={"csrf_token": token}).status_code == 303
    client.cookies.clear()
    client.cookies.set("staff_session", raw)  # replaying the old cookie after sign-out
    assert client.get("/staff").status_code == 303


def test_wrong_password_and_lock_out_after_five_failures(client, make_staff, db):
    user = make_staff("editor")
    for _ in range(4):
        response = sign_in(client, user.email, "wrong password here")
        assert response.status_code == 400
        assert "Email address or password is not right" in response.text
    response = sign_in(client, user.email, "wrong password here")
    assert "locked" in response.text
    # the right password is refused while locked
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 400 and "locked" in response.text
    db.expire_all()
    assert db.get(StaffUser, user.id).locked_until is not None


def test_lock_out_ends_after_fifteen_minutes(db, make_staff):
    from datetime import timedelta

    from directory.models import utcnow
    from directory.staff import accounts

    user = make_staff("editor")
    start = utcnow()
    for _ in range(5):
        accounts.sign_in(session=db, email=user.email, password="nope nope nope", now=start)
    assert (
        accounts.sign_in(
            session=db, email=user.email, password=PASSWORD, now=start + timedelta(minutes=14)
        ).user
        is None
    )
    assert accounts.sign_in(
        session=db, email=user.email, password=PASSWORD, now=start + timedelta(minutes=16)
    ).user


def test_password_is_hashed_and_never_logged(client, make_staff, db, caplog):
    caplog.set_level(logging.DEBUG)
    user = make_staff("editor")
    sign_in(client, user.email, "a wrong password that is long")
    sign_in(client, user.email)
    stored = db.scalar(select(StaffUser.password_hash).where(StaffUser.id == user.id))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD not in caplog.text and "a wrong password that is long" not in caplog.text
    assert caplog.records, "sign-in events are logged (without passwords)"


def test_weak_passwords_are_refused(db):
    from directory.staff import accounts

    for weak in ("short", "password1234", "aaaaaaaaaaaaaaa", "editor.person2026!"):
        with pytest.raises(accounts.AccountError):
            accounts.create_user(
                session=db, email="editor.person@sefton.example.gov.uk", password=weak, role="editor"
            )


def test_next_parameter_cannot_send_people_off_site(client, make_staff):
    user = make_staff("editor")
    page = client.get("/staff/sign-in?next=https://evil.example/")
    response = client.post(
        "/staff/sign-in",
        data={
            "email": user.email,
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/staff"
