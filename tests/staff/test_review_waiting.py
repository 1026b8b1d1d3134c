"""Review dashboard, mark reviewed, and adding a dated waiting-time period the public API then quotes first."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup

from directory.models import Service


def test_review_dashboard_lists_overdue_and_contactless_entries_and_mark_reviewed_clears_them(
    client, signed_in, make_entry, db
):
    overdue = make_entry(
        name="Overdue Club",
        review_due=(date.today() - timedelta(days=3)).isoformat(),
        url="https://example.org/overdue",
    )
    make_entry(
        name="Fresh Club",
        review_due=(date.today() + timedelta(days=90)).isoformat(),
        phones=["0151 000 0000 – bookings"],
    )
    contactless = make_entry(name="Silent Club", review_due=(date.today() + timedelta(days=90)).isoformat())
    token = signed_in("editor")
    soup = BeautifulSoup(client.get("/staff/review").text, "html.parser")
    rows = {tr.a.text: tr.select("td")[1].text for tr in soup.select("tbody tr") if tr.a}
    assert set(rows) == {"Overdue Club", "Silent Club"}
    assert rows["Overdue Club"].startswith("Review was due on")
    assert rows["Silent Club"] == "No phone, email or website"
    response = client.post(
        f"/staff/services/{overdue.id}/reviewed", data={"csrf_token": token, "next": "review"}
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/review")
    db.expire_all()
    service = db.get(Service, overdue.id)
    assert service.last_reviewed == date.today() == service.assured_date
    assert service.review_due > date.today()
    soup = BeautifulSoup(client.get("/staff/review").text, "html.parser")
    assert {tr.a.text for tr in soup.select("tbody tr") if tr.a} == {"Silent Club"}
    assert contactless.id in client.get("/staff/review").text


def test_adding_a_waiting_time_period_makes_it_the_newest_figure(client, signed_in, make_entry):
    service = make_entry(name="Children's Speech and Language Therapy")
    token = signed_in("editor")
    base = {
        "csrf_token": token,
        "service_id": service.id,
        "area": "Sefton",
        "measure": "average weeks to first appointment",
        "unit": "weeks",
    }
    assert (
        client.post(
            "/staff/waiting-times",
            data={**base, "value": "20", "period": "January 2026", "as_of": "2026-02-01"},
        ).status_code
        == 303
    )
    assert (
        client.post(
            "/staff/waiting-times",
            data={**base, "value": "14", "period": "April 2026", "as_of": "15/05/2026"},
        ).status_code
        == 303
    )
    rows = client.get("/api/waiting-times", params={"service": service.key}).json()
    rows = rows.get("contents", rows) if isinstance(rows, dict) else rows
    assert rows[0]["value"] == 14 and rows[0]["period"] == "April 2026" and rows[0]["as_of"] == "2026-05-15"


def test_waiting_time_errors_are_shown_next_to_fields_and_duplicates_refused(client, signed_in, make_entry):
    service = make_entry()
    token = signed_in("editor")
    response = client.post(
        "/staff/waiting-times",
        data={
            "csrf_token": token,
            "service_id": service.id,
            "area": "",
            "measure": "weeks",
            "value": "soon",
            "unit": "weeks",
            "period": "",
            "as_of": "31/02/2026",
        },
    )
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert {a["href"] for a in soup.select(".staff-error-summary a")} == {
        "#area",
        "#value",
        "#period",
        "#as_of",
    }
    good = {
        "csrf_token": token,
        "service_id": service.id,
        "area": "Sefton",
        "measure": "weeks",
        "value": "3",
        "unit": "weeks",
        "period": "May 2026",
        "as_of": "2026-05-31",
    }
    assert client.post("/staff/waiting-times", data=good).status_code == 303
    again = client.post("/staff/waiting-times", data=good)
    assert again.status_code == 400 and "already a figure" in again.text
