"""The public JSON API through the whole app (lifespan, search with the fake embedder, error handlers)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from directory import store, vocab
from directory.models import Feedback, UnansweredQuestion
from tests.directory.conftest import fake_search
from tests.factories import create_service

PUBLISHED = {
    "sefton-sendiass",
    "sefton-parent-forum",
    "sefton-salt",
    "sefton-physio",
    "sefton-youth-club",
    "knowsley-advice",
}


# Required by the ORUK address schema, so present even when the documents give no street address.
REQUIRED_EVEN_IF_EMPTY = {"address_1", "city", "state_province"}


def nulls(value: Any, path: str = "") -> list[str]:
    """Where a JSON document carries null or empty optional values (ORUK: omit them)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (item is None or item == "" or item == [] or item == {}) and key not in REQUIRED_EVEN_IF_EMPTY:
                found.append(f"{path}.{key}")
            found += nulls(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += nulls(item, f"{path}[{i}]")
    return found


def keys_of(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [s["x_key"] for s in response.json()["contents"]]


def test_root_says_which_standard(client: TestClient):
    response = client.get("/api/")
    assert response.json() == {
        "version": "3.0",
        "profile": vocab.ORUK_PROFILE,
        "openapi_url": "/openapi.json",
    }
    assert response.headers["access-control-allow-origin"] == "*"
    assert "/api/services" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_services_come_in_the_oruk_page_envelope(client: TestClient):
    page = client.get("/api/services", params={"per_page": 4, "page": 1}).json()
    assert {
        k: page[k]
        for k in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty")
    } == {
        "total_items": 6,
        "total_pages": 2,
        "page_number": 1,
        "size": 4,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = client.get("/api/services", params={"per_page": 4, "page": 2}).json()
    assert second["size"] == 2 and second["last_page"] and not second["first_page"]
    assert {s["x_key"] for s in page["contents"] + second["contents"]} == PUBLISHED
    beyond = client.get("/api/services", params={"per_page": 4, "page": 3}).json()
    assert beyond["empty"] and beyond["contents"] == []

    for service in page["contents"]:
        assert {"id", "organization_id", "name", "status", "x_key", "x_council", "x_contact_missing"} <= set(
            service
        )
        assert "x_score" not in service
        assert nulls(service) == [], nulls(service)
    salt = next(s for s in second["contents"] + page["contents"] if s["x_key"] == "sefton-salt")
    assert salt["x_categories"] == ["health"] and salt["x_needs"] == ["autism", "speech_language"]
    assert salt["x_areas"] == ["South Sefton", "Southport and Formby"]  # as recorded, not expanded
    assert salt["x_referral"] == "professional" and salt["x_contact_missing"] is True
    assert salt["x_source"] == {"document": "003", "lines": "4153-4163", "date": "2020-05-28"}
    assert salt["x_last_reviewed"] == "2020-05-28" and salt["x_review_due"] == "2021-05-28"
    assert salt["eligibility_description"] and salt["application_process"]


def test_filters(client: TestClient):
    def get(**params):
        return set(keys_of(client.get("/api/services", params=params)))

    assert get(council="knowsley") == {"knowsley-advice"}
    assert get(category="Short breaks") == {"sefton-youth-club"}
    assert get(need="autism") == {"sefton-salt", "sefton-youth-club"}
    assert get(area="Formby", category="health") == {"sefton-salt", "sefton-physio"}
    assert get(area="Bootle", category="health") == {"sefton-salt"}
    assert get(age=20) == {"sefton-sendiass", "sefton-parent-forum", "knowsley-advice"}
    assert get(minimum_age=19, maximum_age=30, council="sefton") == {
        "sefton-sendiass",
        "sefton-parent-forum",
        "sefton-physio",
    }
    assert get(taxonomy_term_id=vocab.term_id("need", "physical")) == {"sefton-physio"}


def test_search_uses_the_hybrid_order_and_gives_scores(client: TestClient):
    response = client.get("/api/services", params={"search": "youth club for autistic teenagers"})
    found = response.json()["contents"]
    assert found[0]["x_key"] == "sefton-youth-club"
    scores = [s["x_score"] for s in found]
    assert scores == sorted(scores, reverse=True)
    filtered = keys_of(
        client.get("/api/services", params={"search": "therapy", "area": "Bootle", "category": "health"})
    )
    assert filtered == ["sefton-salt"]


def test_a_search_that_finds_nothing_is_recorded_as_unanswered(client: TestClient, db):
    response = client.get(
        "/api/services", params={"search": "speech therapy", "council": "knowsley", "category": "health"}
    )
    assert response.status_code == 200 and response.json()["empty"]
    with db.sessions() as session:
        gap = session.scalar(select(UnansweredQuestion))
    assert gap.kind == "search" and gap.text == "speech therapy" and gap.council == "knowsley"


def test_text_that_looks_like_sql_or_html_is_just_searched(client: TestClient):
    for text in ("'; DROP TABLE service; --", "<script>alert('x')</script> autism", "%' OR 1=1 --"):
        response = client.get("/api/services", params={"search": text})
        assert response.status_code == 200, response.text
    assert client.get("/api/services").json()["total_items"] == 6


BAD_REQUESTS = [
    ({"search": ""}, "empty"),
    ({"search": "   "}, "empty"),
    ({"search": "x" * 501}, "too long"),
    ({"search": "y" * 10_000}, "too long"),
    ({"council": "atlantis"}, "council 'atlantis'"),
    ({"category": "astronomy"}, "category 'astronomy'"),
    ({"need": "wings"}, "need 'wings'"),
    ({"age": -1}, "age must be 0 or more"),
    ({"age": 121}, "age must be 120 or less"),
    ({"age": "eight"}, "whole number"),
    ({"minimum_age": 10, "maximum_age": 5}, "minimum age is above"),
    ({"per_page": 101}, "per_page"),
    ({"page": 0}, "page number must be 1 or more"),
    ({"taxonomy_term_id": "nope"}, "taxonomy term"),
]


def test_bad_input_is_refused_with_a_plain_message(client: TestClient):
    for params, words in BAD_REQUESTS:
        response = client.get("/api/services", params=params)
        assert response.status_code == 422, (params, response.text)
        body = response.json()
        assert isinstance(body["detail"], str) and words.lower() in body["detail"].lower(), (params, body)
        assert "Traceback" not in response.text and "x" * 100 not in response.text
        assert response.headers["access-control-allow-origin"] == "*"


def test_one_service_fully_nested_by_id_and_by_key(client: TestClient):
    club_id = vocab.stable_id("service", "sefton-youth-club")
    club = client.get(f"/api/services/{club_id}").json()
    assert club["id"] == club_id and club["organization"]["name"] == "Test Youth Charity"
    assert [a["name"] for a in club["service_areas"]] == ["Bootle"]
    location = club["service_at_locations"][0]["location"]
    assert location["addresses"][0]["postal_code"] == "ZZ99 9ZZ"
    assert {a["taxonomy_term"]["code"] for a in club["attributes"]} == {"autism", "leisure", "short_breaks"}
    assert all(a["link_id"] == club_id for a in club["attributes"])
    assert nulls(club) == []
    assert client.get("/api/services/key/sefton-youth-club").json()["id"] == club_id
    sendiass = client.get("/api/services/key/sefton-sendiass").json()
    assert [p["number"] for p in sendiass["phones"]] == ["01632 960001"]

    missing = client.get("/api/services/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "No published service" in missing.json()["detail"]
    assert client.get("/api/services/key/sefton-draft-entry").status_code == 404  # drafts stay private


def test_taxonomies_and_terms(client: TestClient):
    taxonomies = client.get("/api/taxonomies").json()
    assert taxonomies["total_items"] == 2
    assert {t["name"] for t in taxonomies["contents"]} == {vocab.CATEGORY_TAXONOMY, vocab.NEED_TAXONOMY}
    terms = client.get("/api/taxonomy_terms", params={"per_page": 100}).json()
    assert terms["total_items"] == len(vocab.CATEGORIES) + len(vocab.NEEDS)
    need_taxonomy = next(t["id"] for t in taxonomies["contents"] if t["name"] == vocab.NEED_TAXONOMY)
    needs = client.get("/api/taxonomy_terms", params={"taxonomy_id": need_taxonomy, "per_page": 100}).json()
    assert {t["code"] for t in needs["contents"]} == set(vocab.NEEDS)
    autism = next(t for t in needs["contents"] if t["code"] == "autism")
    assert client.get(f"/api/taxonomy_terms/{autism['id']}").json()["name"] == "Autism"
    assert set(keys_of(client.get("/api/services", params={"taxonomy_term_id": autism["id"]}))) == {
        "sefton-salt",
        "sefton-youth-club",
    }


def test_waiting_times(client: TestClient):
    rows = client.get("/api/waiting-times", params={"service": "SALT", "area": "Formby"}).json()["contents"]
    assert [(r["service_key"], r["area"], r["value"]) for r in rows] == [
        ("sefton-salt", "Southport and Formby", 20.0)
    ]
    assert rows[0]["target_text"] == "18 weeks" and rows[0]["source"]["document"] == "003"
    south = client.get("/api/waiting-times", params={"service": "speech", "area": "Bootle"}).json()[
        "contents"
    ]
    assert [(r["period"], r["latest"]) for r in south] == [("2019/20", True), ("2018/19", False)]
    required = {
        "service_key",
        "service_name",
        "area",
        "measure",
        "value",
        "unit",
        "period",
        "as_of",
        "target",
        "target_text",
        "source",
    }
    assert all(required <= set(r) for r in south)
    assert client.get("/api/waiting-times", params={"council": "narnia"}).status_code == 422


def test_ehcp_steps_keep_the_law_apart_from_local_figures(client: TestClient):
    body = client.get("/api/ehcp/steps").json()
    assert [s["key"] for s in body["statutory_steps"]] == ["decide-to-assess", "final-plan"]
    assert body["statutory_steps"][0]["timescale"] == {"value": 6.0, "unit": "weeks", "from": "the request"}
    assert body["statutory_steps"][1]["legal_source"] == "SEND Regulations 2014 reg 13; Code of Practice 9.40"
    assert body["local_performance"][0]["as_of"] == "2019-12-31"
    assert body["facts"][0]["key"] == "who-can-ask"


def test_council_help_card(client: TestClient):
    card = client.get("/api/councils/sefton/help").json()
    assert card["council"] == "sefton" and card["name"] == "Sefton Council"
    assert card["local_offer"]["url"] == "https://example.org/local-offer"
    assert card["sendiass"]["x_key"] == "sefton-sendiass"
    assert card["parent_forum"]["x_key"] == "sefton-parent-forum"
    assert card["safeguarding_contact"] == "Test safeguarding line (made up for tests)"
    assert [c["name"] for c in card["emergency"]][:1] == ["Emergency services"]
    knowsley = client.get("/api/councils/knowsley/help").json()
    assert knowsley["safeguarding_contact"] is None and knowsley["parent_forum"] is None
    assert client.get("/api/councils/atlantis/help").status_code == 404


def test_gaps_and_feedback_are_stored(client: TestClient, db):
    response = client.post(
        "/api/gaps",
        json={
            "text": "my son Tom Smith, 07700 900123, tom@example.com: short breaks?",
            "intent": "nlu_fallback",
            "confidence": 0.31,
            "council": "sefton",
        },
    )
    assert response.status_code == 201, response.text
    assert (
        client.post(
            "/api/feedback", json={"answer_type": "waiting_times", "helpful": True, "council": "sefton"}
        ).status_code
        == 201
    )
    refused = client.post("/api/gaps", json={"text": "", "kind": "chat"})
    assert refused.status_code == 422 and "question text" in refused.json()["detail"].lower()
    assert client.post("/api/feedback", json={"answer_type": "x", "helpful": "maybe"}).status_code == 422
    with db.sessions() as session:
        gap = session.scalar(select(UnansweredQuestion))
        feedback = session.scalar(select(Feedback))
    assert "07700" not in gap.text and "tom@example.com" not in gap.text and "Tom Smith" not in gap.text
    assert "short breaks" in gap.text and gap.kind == "chat"
    assert feedback.helpful is True and feedback.answer_type == "waiting_times"


def test_health(client: TestClient):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["index"]["documents"] == 6 and body["index"]["model"] == "fake-hashing-64"


def test_search_catches_up_with_writes_made_elsewhere(client: TestClient, db):
    with db.sessions() as session:  # as another process (the loader, a staff replica) would
        new = create_service(
            session, key="new-music-group", name="Riverside sensory music group", categories=["leisure"]
        )
        session.commit()
        new_id = new.id
    found = keys_of(client.get("/api/services", params={"search": "riverside sensory music"}))
    assert found[0] == "new-music-group"

    with db.sessions() as session:
        session.get(type(new), new_id).publication_status = "archived"
        store.bump_revision(session)
        session.commit()
    assert "new-music-group" not in keys_of(client.get("/api/services", params={"search": "riverside music"}))
    assert client.get("/health").json()["index"]["documents"] == 6


def test_unexpected_errors_never_show_a_stack_trace(loaded, settings):
    from directory.app import create_app

    class Broken(type(fake_search())):
        def search(self, *args, **kwargs):
            raise RuntimeError("secret internals")

    search = Broken(fake_search().embedder, None, "broken")
    with TestClient(create_app(settings, search_service=search), raise_server_exceptions=False) as client:
        response = client.get("/api/services", params={"search": "autism"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Sorry, something went wrong on our side. Please try again later."}
    assert "secret internals" not in response.text


@pytest.mark.parametrize(
    "path", ["/api/services", "/api/waiting-times", "/api/ehcp/steps", "/api/taxonomies"]
)
def test_every_open_endpoint_allows_any_origin(client: TestClient, path):
    assert (
        client.get(path, headers={"Origin": "https://elsewhere.example"}).headers[
            "access-control-allow-origin"
        ]
        == "*"
    )


def test_write_paths_reindex_one_entry_at_once(client: TestClient, db):
    from directory.indexing import reindex_services
    from directory.models import Service

    search = client.app.state.search
    with db.sessions() as session:
        service = create_service(session, key="lakeside-club", name="Lakeside holiday club")
        session.commit()
        service_id = service.id
    assert reindex_services(client.app, [service_id]) == {service_id: "upserted"}
    assert search.document(service_id).name == "Lakeside holiday club"

    with db.sessions() as session:
        session.get(Service, service_id).publication_status = "draft"
        store.bump_revision(session)
        session.commit()
    assert reindex_services(client.app, [service_id]) == {service_id: "removed"}
    assert search.document(service_id) is None
