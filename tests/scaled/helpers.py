"""What the scaled tests do to the running replicas: talk to Rasa, edit as staff, search, read the stores."""

from __future__ import annotations

import datetime
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

import httpx
from bs4 import BeautifulSoup


def say(
    rasa_url: str, sender: str, text: str, timeout: float = 30.0, metadata: dict | None = None
) -> list[dict]:
    """One turn through a Rasa replica's REST channel (metadata as the gateway sends it): the answers."""
    body: dict[str, Any] = {"sender": sender, "message": text}
    if metadata is not None:
        body["metadata"] = metadata
    response = httpx.post(f"{rasa_url}/webhooks/rest/webhook", json=body, timeout=timeout)
    response.raise_for_status()
    return response.json()


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or json.dumps(m.get("custom", ""), ensure_ascii=False) for m in messages)


def staff_token(database_url: str) -> str:
    """An admin account with a staff API token, made directly in the database (set-up, not the subject)."""
    from directory.db import Database
    from directory.staff import accounts

    db = Database(database_url)
    try:
        with db.session() as session:
            user = accounts.create_user(
                session=session,
                email=f"admin-{uuid.uuid4().hex[:8]}@example.gov.uk",
                password=f"Correct-horse-{uuid.uuid4().hex}",
                role="admin",
            )
            return accounts.create_api_token(session=session, user=user, name="scaled tests")
    finally:
        db.dispose()


def form_fields(html: str, form_selector: str = "form") -> tuple[str, list[tuple[str, str]]]:
    """(action, fields) of the edit form exactly as a browser would submit it unchanged."""
    soup = BeautifulSoup(html, "html.parser")
    forms = [f for f in soup.select(form_selector) if f.find(attrs={"name": "name"})]
    form = forms[0]
    fields: list[tuple[str, str]] = []
    for control in form.find_all(["input", "textarea", "select"]):
        name = control.get("name")
        if not name or control.has_attr("disabled"):
            continue
        if control.name == "textarea":
            fields.append((name, control.text))
        elif control.name == "select":
            chosen = control.find("option", selected=True) or control.find("option")
            if chosen is not None:
                fields.append((name, chosen.get("value", chosen.text)))
        elif control.get("type") in ("checkbox", "radio"):
            if control.has_attr("checked"):
                fields.append((name, control.get("value", "on")))
        elif control.get("type") not in ("submit", "button", "image", "file"):
            fields.append((name, control.get("value", "")))
    return form.get("action") or "", fields


def edit_service(web_url: str, token: str, service_id: str, **changes: str) -> httpx.Response:
    """Saves an edit through one replica's staff pages (GET the form, change fields, POST it).

    Like staff do, it records today as the date the entry was checked (the form insists on a recent one).
    """
    changes.setdefault("assured_date", datetime.date.today().isoformat())
    headers = {"Authorization": f"Bearer {token}"}
    page = httpx.get(f"{web_url}/staff/services/{service_id}/edit", headers=headers, timeout=20)
    page.raise_for_status()
    action, fields = form_fields(page.text)
    data: dict[str, list[str]] = {}
    for key, value in fields:
        data.setdefault(key, []).append(changes.get(key, value))
    target = urllib.parse.urljoin(f"{web_url}/staff/services/{service_id}/edit", action or "")
    return httpx.post(target, data=data, headers=headers, timeout=20, follow_redirects=False)


def search_names(web_url: str, query: str, timeout: float = 5.0) -> list[str]:
    response = httpx.get(f"{web_url}/api/services", params={"search": query, "per_page": 10}, timeout=timeout)
    response.raise_for_status()
    return [s["name"] for s in response.json()["contents"]]


def wait_until(predicate, seconds: float, interval: float = 0.05) -> float:
    started = time.monotonic()
    while True:
        try:
            if predicate():
                return time.monotonic() - started
        except (httpx.HTTPError, urllib.error.URLError, OSError):
            pass
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not true within {seconds} s")
        time.sleep(interval)


def published_service(database_url: str, **where: Any) -> tuple[str, str]:
    """(id, name) of one published service of the loaded directory."""
    from sqlalchemy import select

    from directory.db import Database
    from directory.models import Service

    db = Database(database_url)
    try:
        with db.session() as session:
            stmt = select(Service).where(Service.publication_status == "published").order_by(Service.key)
            for column, value in where.items():
                stmt = stmt.where(getattr(Service, column) == value)
            service = session.scalars(stmt).first()
            assert service is not None, "the loaded directory has no published service"
            return service.id, service.name
    finally:
        db.dispose()


def corpus_revision(database_url: str) -> str:
    from directory import store
    from directory.db import Database

    db = Database(database_url)
    try:
        with db.session() as session:
            return store.corpus_revision(session)
    finally:
        db.dispose()


def tracker_events(tracker_url: str, sender: str) -> list[tuple[str, dict]]:
    """(type_name, data) of one conversation's events in the shared PostgreSQL tracker store."""
    import psycopg

    with psycopg.connect(tracker_url, connect_timeout=5) as conn:
        rows = conn.execute(
            "SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,)
        ).fetchall()
    return [(kind, json.loads(data)) for kind, data in rows]
