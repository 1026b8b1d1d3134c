"""Staff-area fixtures: a real SQLite database per test, the app from the factory, a FakeEmbedder search.

Factories, not dumps: ``make_staff(role=...)``, ``make_entry(**overrides)``, ``signed_in(client, user)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from directory.settings import load_settings

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2():
    from argon2 import PasswordHasher

    from directory.staff import passwords

    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1))


def _make_app(settings) -> FastAPI:
    from directory.app import create_app

    return create_app(settings, embedder=_fake_embedder())


def _fake_embedder():
    from directory.search.embedder import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        {
            "SEND_ENV": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'directory.db'}",
            "SEND_INDEX_DIR": str(tmp_path / "index"),
            "SEND_DATA_DIR": str(tmp_path / "no-data"),
            "SEND_SECRET_KEY": "test-secret-key-for-the-staff-tests-only-0123456789",
        }
    )


@pytest.fixture
def app(settings) -> Iterator[FastAPI]:
    application = _make_app(settings)
    with TestClient(application):  # runs the lifespan once
        yield application


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def db(app):
    with app.state.db.sessions() as session:
        yield session


@pytest.fixture
def council(db):
    from directory.models import Council

    row = db.query(Council).filter_by(key="sefton").one_or_none()
    if row is None:
        row = Council(
            key="sefton",
            name="Sefton Council",
            areas=["Bootle", "Southport", "Formby"],
            health_areas={"South Sefton": ["Bootle"], "Southport and Formby": ["Southport", "Formby"]},
        )
        db.add(row)
        db.commit()
    return row


@pytest.fixture
def make_staff(db):
    from directory.staff import accounts

    def make(role: str = "admin", email: str | None = None, password: str = PASSWORD):
        user = accounts.create_user(
            session=db, email=email or f"{role}@sefton.example.gov.uk", password=password, role=role
        )
        db.commit()
        return user

    return make


def entry_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Riverside Short Breaks Club",
        "council": "sefton",
        "organization": "Sefton Council",
        "description": "Saturday activity club for disabled children.",
        "status": "active",
        "referral": "self",
        "eligibility_description": "Children aged 8 to 17 with a disability who live in Sefton.",
        "application_process": "Ask the short breaks team for a form.",
        "categories": ["short_breaks"],
        "needs": ["autism"],
        "areas": ["Sefton"],
        "phones": [],
        "also_known_as": [],
        "locations": [],
        "assured_date": date.today().isoformat(),
        "minimum_age": 8,
        "maximum_age": 17,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_entry(db, council, make_staff, app):
    from directory.staff import editing, sync
    from directory.staff.tables import StaffUser

    def make(publish: bool = True, **overrides):
        actor = db.query(StaffUser).filter_by(
            email="system@sefton.example.gov.uk"
        ).one_or_none() or make_staff("admin", email="system@sefton.example.gov.uk")
        service = editing.create(session=db, data=entry_data(**overrides), actor=actor).service
        if publish:
            editing.set_publication(
                session=db, service=service, status="published", expected_version=None, actor=actor
            )
        sync.refresh_search(app, [service.id])
        return service

    return make


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    page = client.get("/staff/sign-in")
    return client.post(
        "/staff/sign-in",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text), "next": "/staff"},
    )


@pytest.fixture
def signed_in(client, make_staff):
    """Signs the test client in with a new account of ``role``; returns the session's CSRF token."""

    def do(role: str = "admin") -> str:
        user = make_staff(role)
        response = sign_in(client, user.email)
        assert response.status_code == 303, response.text
        return csrf_of(client.get("/staff").text)

    return do
