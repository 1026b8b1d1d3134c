"""Import is all or nothing with a row-by-row report; export round-trips through import."""

from __future__ import annotations

import json
from datetime import date

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from directory.models import Service
from directory.staff.tables import AuditEvent

TODAY = date.today().isoformat()
HEADER = "key,name,council,publication_status,eligibility_description,application_process,categories,areas,postcode,phones,assured_date\n"


def upload(client, token, name, body, content_type="text/csv"):
    return client.post(
        "/staff/import", data={"csrf_token": token}, files={"file": (name, body.encode(), content_type)}
    )


def counts(db):
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(Service)),
        db.scalar(select(func.count()).select_from(AuditEvent)),
    )


def test_one_bad_row_means_nothing_is_written_and_the_report_names_row_and_field(
    client, signed_in, make_entry, db
):
    existing = make_entry(name="Existing Club")
    token = signed_in("admin")
    before = counts(db)
    body = HEADER + (
        f"sefton-new-one,New One,sefton,published,Children 0-5,Call us,education,Sefton,,0151 000 0001 – office,{TODAY}\n"
        f"{existing.key},Existing Club renamed,sefton,published,Everyone,Drop in,leisure,,PR8 1DA,,{TODAY}\n"
        f"sefton-bad,Bad Row,sefton,published,Teens,Ask,not_a_category,Sefton,NOT A CODE,,{TODAY}\n"
    )
    response = upload(client, token, "entries.csv", body)
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert "Nothing was imported" in soup.select_one(".staff-error-summary").text
    rows = {tr.select("td")[0].text: tr.select("td")[3].text for tr in soup.select("tbody tr")}
    assert rows["2"] == "None" and rows["3"] == "None"
    assert "Categories: Unknown category: not_a_category" in rows["4"]
    assert "Postcode: Enter a real postcode" in rows["4"]
    assert counts(db) == before
    db.expire_all()
    assert db.get(Service, existing.id).name == "Existing Club"


def test_good_file_applies_whole_in_one_go_and_reaches_search(client, signed_in, make_entry, db):
    existing = make_entry(name="Existing Club")
    token = signed_in("admin")
    body = HEADER + (
        f"sefton-otter-swim,Otter Swim Club,sefton,published,Children 5-16,Book online,leisure,Sefton,,,{TODAY}\n"
        f"{existing.key},Existing Club renamed,sefton,published,Everyone,Drop in,leisure,,PR8 1DA,,{TODAY}\n"
    )
    response = upload(client, token, "entries.csv", body)
    assert response.status_code == 200, response.text
    assert "1 created" in response.text and "1 updated" in response.text
    db.expire_all()
    assert db.get(Service, existing.id).name == "Existing Club renamed"
    names = [
        s["name"] for s in client.get("/api/services", params={"search": "Otter Swim"}).json()["contents"]
    ]
    assert "Otter Swim Club" in names
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.action == "imported")).all()
    assert len(actions) == 2


def test_editor_cannot_import_published_entries(client, signed_in, council):
    token = signed_in("editor")
    body = HEADER + f"sefton-x,X Club,sefton,published,Kids,Ask,leisure,Sefton,,,{TODAY}\n"
    response = upload(client, token, "entries.csv", body)
    assert response.status_code == 400 and "Only an admin" in response.text


def test_unreadable_files_get_a_plain_message(client, signed_in, council):
    token = signed_in("admin")
    response = upload(client, token, "entries.csv", "name,colour\nA,blue\n")
    assert response.status_code == 400 and "columns we do not know: colour" in response.text
    response = upload(client, token, "entries.json", "{not json", "application/json")
    assert response.status_code == 400 and "not valid JSON" in response.text
    response = client.post("/staff/import", data={"csrf_token": token})
    assert response.status_code == 400 and "Choose a CSV" in response.text


def test_csv_and_oruk_exports_round_trip(client, signed_in, make_entry, db):
    make_entry(
        name="Kingfisher Club",
        phones=["0151 934 0000 – bookings"],
        locations=[{"name": "Hub", "address_1": "1 Main Street", "city": "Bootle", "postal_code": "L20 3NJ"}],
    )
    token = signed_in("admin")
    exported_csv = client.get("/staff/export.csv").text
    assert "Kingfisher Club" in exported_csv and "L20 3NJ" in exported_csv
    exported_json = client.get("/staff/export.json").json()
    service = exported_json["contents"][0]
    assert service["x_publication_status"] == "published"
    assert service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "L20 3NJ"
    before = counts(db)
    for name, body, kind in (
        ("again.csv", exported_csv, "text/csv"),
        ("again.json", json.dumps(exported_json), "application/json"),
    ):
        response = upload(client, token, name, body, kind)
        assert response.status_code == 200, response.text
        assert "0 created" in response.text and "1 updated" in response.text
    assert counts(db)[0] == before[0]  # same entries, nothing duplicated
