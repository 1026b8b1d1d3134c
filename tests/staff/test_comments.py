"""Comments on the Local Offer: received redacted, moderated, answered, published, exported as CSV."""

from __future__ import annotations

import csv
import io

from bs4 import BeautifulSoup

from directory.staff.tables import LocalOfferComment


def test_widget_comment_is_stored_without_personal_details(client, council, db):
    response = client.post(
        "/api/comments",
        json={
            "council": "sefton",
            "topic": "content",
            "text": "I'm Sarah Jones, call me on 07700 900123 or sarah.jones@example.com. There is no autism group in Formby.",
        },
    )
    assert response.status_code == 201, response.text
    stored = db.get(LocalOfferComment, response.json()["id"])
    assert "07700" not in stored.text and "sarah.jones@example.com" not in stored.text
    assert "no autism group in Formby" in stored.text
    assert stored.status == "new" and stored.source == "widget"
    assert client.post("/api/comments", json={"council": "nowhere", "text": "x"}).status_code == 422


def test_site_form_shows_errors_then_thanks(client, council):
    page = client.get("/comment-on-the-local-offer")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.select_one('label[for="comment"]') and soup.select_one("legend")
    response = client.post(
        "/comment-on-the-local-offer", data={"council": "sefton", "topic": "", "comment": ""}
    )
    soup = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 400
    assert {a["href"] for a in soup.select(".staff-error-summary a")} == {"#topic", "#comment"}
    response = client.post(
        "/comment-on-the-local-offer",
        data={
            "council": "sefton",
            "topic": "accessibility",
            "comment": "The site is hard to use on a phone.",
        },
    )
    assert response.status_code == 303
    assert "Thank you" in client.get(response.headers["location"]).text


def test_moderate_respond_publish_and_export(client, council, signed_in, db, make_staff):
    comment_id = client.post(
        "/api/comments",
        json={
            "council": "sefton",
            "text": "My son Tom Smith waited a year for speech therapy. Please publish waiting times.",
        },
    ).json()["id"]
    token = signed_in("admin")
    page = client.get(f"/staff/comments/{comment_id}")
    assert page.status_code == 200
    # publishing without a response is refused, next to the field
    response = client.post(
        f"/staff/comments/{comment_id}/publish",
        data={
            "csrf_token": token,
            "public_text": "Please publish waiting times.",
            "response": "",
            "action": "publish",
        },
    )
    assert response.status_code == 400
    assert BeautifulSoup(response.text, "html.parser").select_one("#response-error")
    assert "Please publish waiting times" not in client.get("/you-said-we-did").text
    response = client.post(
        f"/staff/comments/{comment_id}/publish",
        data={
            "csrf_token": token,
            "public_text": "My son waited a year for speech therapy. Please publish waiting times.",
            "response": "We now publish speech therapy waiting times every quarter.",
            "action": "publish",
        },
    )
    assert response.status_code == 303
    public = client.get("/you-said-we-did")
    assert "We now publish speech therapy waiting times every quarter." in public.text
    assert "Tom Smith" not in public.text
    rows = list(csv.DictReader(io.StringIO(client.get("/you-said-we-did.csv").text)))
    assert rows == [
        {
            "council": "sefton",
            "received": rows[0]["received"],
            "topic": "content",
            "you_said": "My son waited a year for speech therapy. Please publish waiting times.",
            "we_did": "We now publish speech therapy waiting times every quarter.",
            "published": rows[0]["published"],
        }
    ]
    assert client.get("/you-said-we-did.csv").headers["content-type"].startswith("text/csv")


def test_rejected_comments_are_not_published(client, council, signed_in):
    comment_id = client.post("/api/comments", json={"council": "sefton", "text": "Rude words here."}).json()[
        "id"
    ]
    token = signed_in("editor")
    response = client.post(
        f"/staff/comments/{comment_id}",
        data={"csrf_token": token, "public_text": "Rude words here.", "response": "", "action": "reject"},
    )
    assert response.status_code == 303
    assert "Rude words" not in client.get("/you-said-we-did").text
    assert (
        "Not published" in client.get("/staff/comments").text
        or "rejected" in client.get("/staff/comments").text
    )
