"""Entries: create, validation next to the fields, publish rules, conflict, audit trail, restore, search update."""

from __future__ import annotations

import time
from datetime import date, timedelta

from bs4 import BeautifulSoup

from directory.models import Service
from tests.staff.conftest import csrf_of, entry_data


def form_of(page_html: str) -> dict:
    """Every named control of the page's main form, as a browser would submit it."""
    soup = BeautifulSoup(page_html, "html.parser")
    form = soup.select("main form[method=post]")[-1]
    data: dict = {}
    for control in form.select("input[name], textarea[name], select[name]"):
        name = control["name"]
        if control.name == "textarea":
            data[name] = control.text
        elif control.name == "select":
            chosen = control.select_one("option[selected]") or control.select_one("option")
            data[name] = chosen["value"] if chosen else ""
        elif control.get("type") == "checkbox":
            if control.has_attr("checked"):
                data.setdefault(name, []).append(control["value"])
        else:
            data[name] = control.get("value", "")
    return data


def search_names(client, query: str) -> list[str]:
    response = client.get("/api/services", params={"search": query, "council": "sefton"})
    assert response.status_code == 200, response.text
    return [s["name"] for s in response.json()["contents"]]


def test_new_entry_form_has_labels_for_every_control_and_shows_errors_next_to_fields(
    client, signed_in, council
):
    token = signed_in("editor")
    page = client.get("/staff/services/new")
    soup = BeautifulSoup(page.text, "html.parser")
    for control in soup.select("main form input:not([type=hidden]), main form textarea, main form select"):
        assert soup.select_one(f'label[for="{control["id"]}"]'), f"{control['name']} has no label"
    response = client.post(
        "/staff/services/new",
        data={
            "csrf_token": token,
            "name": "",
            "council": "sefton",
            "status": "active",
            "referral": "self",
            "email": "nope",
            "minimum_age": "9",
            "maximum_age": "4",
        },
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.title.text.startswith("Error:")
    summary = soup.select_one(".staff-error-summary")
    links = {a["href"]: a.text for a in summary.select("a")}
    assert links == {
        "#name": "Enter the name of the service",
        "#email": "Enter an email address in the correct format, like name@example.org",
        "#maximum_age": "The oldest age must be the same as or more than the youngest age",
    }
    for field in ("name", "email", "maximum_age"):
        message = soup.select_one(f"#{field}-error")
        assert message and message.text.strip().startswith("Error:")
        assert f"{field}-error" in soup.select_one(f"#{field}")["aria-describedby"]
    assert soup.select_one("#maximum_age")["value"] == "4"  # what they typed is kept


def test_create_then_publish_refused_until_required_fields_present(client, signed_in, council, db):
    token = signed_in("admin")
    response = client.post(
        "/staff/services/new",
        data={
            "csrf_token": token,
            "name": "Test Drop-in",
            "council": "sefton",
            "status": "active",
            "referral": "self",
        },
    )
    assert response.status_code == 303
    service_id = response.headers["location"].split("/")[3].split("?")[0]
    version = db.get(Service, service_id).version
    response = client.post(
        f"/staff/services/{service_id}/publish", data={"csrf_token": token, "version": version}
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    hrefs = {a["href"] for a in soup.select(".staff-error-summary a")}
    assert hrefs == {
        "#areas",
        "#categories",
        "#eligibility_description",
        "#application_process",
        "#assured_date",
    }
    db.expire_all()
    assert db.get(Service, service_id).publication_status == "draft"


def test_easy_read_is_checked_for_readability_on_save(client, signed_in, make_entry):
    service = make_entry(publish=False)
    signed_in("editor")
    data = form_of(client.get(f"/staff/services/{service.id}/edit").text)
    data["easy_read"] = (
        "Notwithstanding the aforementioned considerations, eligibility determinations "
        "necessitate comprehensive multidisciplinary assessment documentation."
    )
    response = client.post(f"/staff/services/{service.id}/edit", data=data)
    assert response.status_code == 400
    assert (
        "too hard to read" in BeautifulSoup(response.text, "html.parser").select_one("#easy_read-error").text
    )
    data["easy_read"] = "This club is for children. You can play games. Ask us to join."
    assert client.post(f"/staff/services/{service.id}/edit", data=data).status_code == 303


def test_published_entry_needs_recent_assured_date(db, council):
    from directory.staff import entries

    old = (date.today() - timedelta(days=200)).isoformat()
    errors = entries.validate(entry_data(assured_date=old), session=db, publishing=True)
    assert "more than 3 months ago" in errors["assured_date"]
    assert entries.validate(entry_data(), session=db, publishing=True) == {}


def test_saved_change_reaches_families_search_within_two_seconds(client, signed_in, make_entry):
    service = make_entry(name="Riverside Short Breaks Club")
    signed_in("admin")
    data = form_of(client.get(f"/staff/services/{service.id}/edit").text)
    data["name"] = "Kingfisher Saturday Club"
    data["description"] = "Kingfisher Saturday club: swimming and games for disabled children."
    start = time.monotonic()
    assert client.post(f"/staff/services/{service.id}/edit", data=data).status_code == 303
    names = search_names(client, "Kingfisher swimming")
    elapsed = time.monotonic() - start
    assert names and names[0] == "Kingfisher Saturday Club"
    assert elapsed < 2.0


def test_archiving_removes_from_search_and_publishing_adds(client, signed_in, make_entry, db):
    service = make_entry(name="Heron Youth Club", publish=False)
    token = signed_in("admin")
    assert "Heron Youth Club" not in search_names(client, "Heron Youth Club")
    client.post(f"/staff/services/{service.id}/publish", data={"csrf_token": token})
    assert "Heron Youth Club" in search_names(client, "Heron Youth Club")
    client.post(f"/staff/services/{service.id}/archive", data={"csrf_token": token})
    assert "Heron Youth Club" not in search_names(client, "Heron Youth Club")


def test_second_save_from_an_older_version_is_refused_with_both_versions_shown(
    client, signed_in, make_entry, db
):
    service = make_entry(publish=False)
    signed_in("editor")
    first = form_of(client.get(f"/staff/services/{service.id}/edit").text)
    second = dict(first)  # a colleague opened the same form at the same time
    first["description"] = "Open on Saturdays from 10am."
    assert client.post(f"/staff/services/{service.id}/edit", data=first).status_code == 303
    second["description"] = "Open on Sundays only."
    response = client.post(f"/staff/services/{service.id}/edit", data=second)
    assert response.status_code == 409
    soup = BeautifulSoup(response.text, "html.parser")
    row = [tr for tr in soup.select("#conflict tr") if tr.th and tr.th.text == "Description"][0]
    assert [td.text for td in row.select("td")] == ["Open on Sundays only.", "Open on Saturdays from 10am."]
    assert soup.select_one(".staff-error-summary a[href='#conflict']")
    db.expire_all()
    assert db.get(Service, service.id).description == "Open on Saturdays from 10am."  # nothing overwritten
    # the form now carries the newest version, so a deliberate second save goes through
    retry = form_of(response.text)
    assert retry["description"] == "Open on Sundays only."
    assert client.post(f"/staff/services/{service.id}/edit", data=retry).status_code == 303


def test_editor_cannot_change_a_published_entry(client, signed_in, make_entry):
    service = make_entry()
    signed_in("editor")
    data = form_of(client.get(f"/staff/services/{service.id}/edit").text)
    data["name"] = "Changed"
    assert client.post(f"/staff/services/{service.id}/edit", data=data).status_code == 403


def test_audit_trail_records_field_by_field_and_restore_brings_back_an_earlier_version(
    client, signed_in, make_entry, db
):
    from directory.staff import audit

    service = make_entry(publish=False, description="First wording.")
    signed_in("editor")
    data = form_of(client.get(f"/staff/services/{service.id}/edit").text)
    data.update(description="Second wording.", phones="0151 934 0000 – bookings")
    client.post(f"/staff/services/{service.id}/edit", data=data)
    events = audit.history(session=db, entity_id=service.id)
    assert [e.action for e in events] == ["edited", "created"]
    assert events[0].actor_email == "editor@sefton.example.gov.uk"
    assert events[0].changes["description"] == ["First wording.", "Second wording."]
    assert events[0].changes["phones"] == [[], ["0151 934 0000 – bookings"]]
    assert events[0].snapshot["description"] == "Second wording."
    page = client.get(f"/staff/services/{service.id}/history")
    assert "Second wording." in page.text and "editor@sefton.example.gov.uk" in page.text
    created = events[-1]
    response = client.post(
        f"/staff/services/{service.id}/restore",
        data={"csrf_token": csrf_of(page.text), "event_id": created.id, "version": str(events[0].version)},
    )
    assert response.status_code == 303
    db.expire_all()
    restored = db.get(Service, service.id)
    assert restored.description == "First wording." and restored.phones == []
    latest = audit.history(session=db, entity_id=service.id)[0]
    assert latest.action == "restored" and latest.changes["description"] == [
        "Second wording.",
        "First wording.",
    ]
    assert "Change history" in client.get("/staff/audit").text


def test_list_filters_and_uses_the_families_search(client, signed_in, make_entry):
    make_entry(name="Otter Swimming Sessions", description="Swimming for disabled children.")
    make_entry(
        name="Badger Speech Group",
        description="Speech and language group.",
        categories=["health"],
        publish=False,
    )
    signed_in("viewer")
    page = client.get("/staff/services", params={"q": "swimming"})
    assert "Otter Swimming Sessions" in page.text and "Badger" not in page.text
    page = client.get("/staff/services", params={"category": "health"})
    assert "Badger Speech Group" in page.text and "Otter" not in page.text
    page = client.get("/staff/services", params={"status": "draft"})
    assert "Badger Speech Group" in page.text and "Otter" not in page.text
