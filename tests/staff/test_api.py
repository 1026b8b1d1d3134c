"""The staff JSON API: bearer tokens, roles, optimistic locking, publishing, import, and it is in OpenAPI."""

from __future__ import annotations

from datetime import date

import pytest

from directory.staff import accounts


@pytest.fixture
def token_for(db, make_staff):
    def make(role: str) -> dict[str, str]:
        user = make_staff(role)
        token = accounts.create_api_token(session=db, user=user, name="sync")
        db.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


def test_token_auth_and_bad_tokens(client, token_for):
    headers = token_for("editor")
    assert client.get("/api/staff/me", headers=headers).json()["role"] == "editor"
    assert client.get("/api/staff/me", headers={"Authorization": "Bearer lo_wrong"}).status_code == 401


def test_create_edit_with_if_match_conflict_and_publish(client, token_for, council):
    editor, admin = token_for("editor"), token_for("admin")
    body = {
        "name": "Puffin Playgroup",
        "council": "sefton",
        "categories": ["leisure"],
        "areas": ["Sefton"],
        "eligibility_description": "Children under 5 with SEND.",
        "application_process": "Just turn up.",
        "assured_date": date.today().isoformat(),
    }
    created = client.post("/api/staff/services", json=body, headers=editor)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["publication_status"] == "draft"
    path = f"/api/staff/services/{entry['id']}"
    assert client.patch(path, json={"description": "x"}, headers=editor).status_code == 428
    first = client.patch(
        path, json={"description": "Mornings."}, headers={**editor, "If-Match": str(entry["version"])}
    )
    assert first.status_code == 200 and first.json()["version"] == entry["version"] + 1
    stale = client.patch(
        path, json={"description": "Evenings."}, headers={**editor, "If-Match": str(entry["version"])}
    )
    assert stale.status_code == 409
    detail = stale.json()
    assert detail["theirs"]["description"] == "Mornings." and detail["yours"]["description"] == "Evenings."
    assert "description" in detail["differences"] and "Nothing was changed" in detail["detail"]
    assert client.post(f"{path}/publish", json={}, headers=editor).status_code == 403
    published = client.post(f"{path}/publish", json={"version": first.json()["version"]}, headers=admin)
    assert published.status_code == 200, published.text
    names = [
        s["name"]
        for s in client.get("/api/services", params={"search": "Puffin Playgroup"}).json()["contents"]
    ]
    assert "Puffin Playgroup" in names
    history = client.get(f"{path}/history", headers=editor).json()
    assert [e["action"] for e in history] == ["published", "edited", "created"]


def test_invalid_entry_gets_field_errors(client, token_for, council):
    response = client.post(
        "/api/staff/services",
        json={"name": "", "council": "sefton", "email": "no"},
        headers=token_for("editor"),
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"name", "email"}


def test_import_dry_run_and_all_or_nothing(client, token_for, council, db):
    admin = token_for("admin")
    good = {"x_key": "sefton-api-one", "name": "API One", "x_council": "sefton", "status": "active"}
    bad = {"x_key": "sefton-api-two", "name": "", "x_council": "sefton"}
    response = client.post("/api/staff/import", json={"contents": [good, bad]}, headers=admin)
    assert response.status_code == 422
    rows = response.json()["rows"]
    assert rows[0]["errors"] == {} and rows[1]["errors"] == {"name": "Enter the name of the service"}
    assert client.get("/api/staff/services", headers=admin).json() == []
    dry = client.post("/api/staff/import?dry_run=true", json=[good], headers=admin).json()
    assert dry["ok"] and not dry["applied"]
    assert client.post("/api/staff/import", json=[good], headers=admin).json()["applied"]
    assert [s["key"] for s in client.get("/api/staff/services", headers=admin).json()] == ["sefton-api-one"]


def test_staff_api_is_documented_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/staff/services/{service_id}" in paths and "/api/comments" in paths
    assert not any(p.startswith("/staff") for p in paths)
