"""The query layer: filters, search documents, corpus revision, waiting times, help card, gaps."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from directory import store, vocab
from directory.models import Feedback, UnansweredQuestion
from directory.settings import load_settings
from tests.factories import create_council, create_service, create_waiting_time


def keys(services) -> set[str]:
    return {s.key for s in services}


def listed(session, **filters) -> set[str]:
    total, services = store.list_services(store.ServiceQuery(**filters), session=session, per_page=100)
    assert total == len(services)
    return keys(services)


@pytest.fixture
def catalogue(session):
    create_council(session, key="knowsley")
    create_service(
        session, key="everywhere", areas=["Sefton"], categories=["advice"], minimum_age=0, maximum_age=25
    )
    create_service(
        session,
        key="south",
        areas=["South Sefton"],
        categories=["health"],
        needs=["autism"],
        minimum_age=5,
        maximum_age=11,
    )
    create_service(
        session,
        key="bootle-club",
        areas=["Bootle"],
        categories=["leisure", "short_breaks"],
        needs=["autism", "adhd"],
        minimum_age=11,
        maximum_age=18,
    )
    create_service(
        session,
        key="formby",
        areas=["Southport and Formby"],
        categories=["health"],
        needs=["physical"],
        minimum_age=None,
        maximum_age=None,
    )
    create_service(session, key="knowsley-one", council="knowsley", areas=["Knowsley"], categories=["advice"])
    create_service(session, key="hidden", publication_status="draft")
    session.commit()


def test_only_published_entries_are_listed(session, catalogue):
    assert "hidden" not in listed(session)
    assert len(listed(session)) == 5


FILTER_CASES = [
    ({"council": "knowsley"}, {"knowsley-one"}),
    ({"category": "health"}, {"south", "formby"}),
    ({"need": "autism"}, {"south", "bootle-club"}),
    ({"category": "health", "need": "autism"}, {"south"}),
    ({"area": "Bootle"}, {"everywhere", "south", "bootle-club"}),
    ({"area": "formby"}, {"everywhere", "formby"}),
    ({"area": "South Sefton"}, {"everywhere", "south", "bootle-club"}),
    ({"area": "Sefton"}, {"everywhere", "south", "bootle-club", "formby"}),
    ({"age": 8}, {"everywhere", "south", "formby", "knowsley-one"}),
    ({"age": 16, "council": "sefton"}, {"everywhere", "bootle-club", "formby"}),
    ({"minimum_age": 12, "maximum_age": 14, "need": "autism"}, {"bootle-club"}),
    ({"taxonomy_term_id": vocab.term_id("need", "adhd")}, {"bootle-club"}),
]


def test_filters(session, catalogue):
    wrong = {
        str(f): (listed(session, **f), expected)
        for f, expected in FILTER_CASES
        if listed(session, **f) != expected
    }
    assert not wrong, wrong


def test_pages_are_cut_in_name_order(session, catalogue):
    total, first = store.list_services(store.ServiceQuery(), session=session, page=1, per_page=2)
    _, third = store.list_services(store.ServiceQuery(), session=session, page=3, per_page=2)
    assert total == 5 and len(first) == 2 and len(third) == 1
    names = [s.name for s in first]
    assert names == sorted(names)


def test_search_documents_expand_areas_and_carry_what_families_match(session, catalogue):
    docs = {d.key: d for d in store.search_documents(session)}
    assert "hidden" not in docs
    everywhere, south = docs["everywhere"], docs["south"]
    assert {"Sefton", "Sefton Council", "South Sefton", "Southport and Formby", "Bootle", "Formby"} <= set(
        everywhere.areas
    )
    assert {"South Sefton", "Bootle", "Crosby", "Maghull"} <= set(south.areas)
    assert "Formby" not in south.areas
    assert south.access == "Contact the service yourself."
    assert south.eligibility == "Children and young people with SEND."
    assert south.categories == ["health"] and south.needs == ["autism"]
    assert set(store.search_documents(session, council="knowsley")[0].areas) >= {"Knowsley", "Huyton"}


def test_every_service_write_bumps_the_shared_revision(session):
    before = int(store.corpus_revision(session))
    create_service(session)
    session.commit()
    assert int(store.corpus_revision(session)) == before + 1


def test_publish_problems_name_each_missing_requirement(session):
    service = create_service(
        session,
        categories=[],
        areas=[],
        eligibility_description="",
        application_process=None,
        source_date=None,
        publication_status="draft",
    )
    problems = " ".join(store.publish_problems(service))
    for words in ("postcode", "category", "who the service is for", "how to get", "assured date"):
        assert words in problems
    assert store.publish_problems(create_service(session, areas=[], postcode="ZZ99 9ZZ")) == []


@pytest.fixture
def figures(session):
    create_council(session)
    salt = create_service(session, key="salt", name="Speech and Language Therapy", also_known_as=["SALT"])
    physio = create_service(session, key="physio", name="Children's Physiotherapy")
    create_waiting_time(
        session, salt, area="South Sefton", period="2018/19", as_of=date(2019, 3, 31), value=12
    )
    create_waiting_time(
        session, salt, area="South Sefton", period="2019/20", as_of=date(2020, 3, 31), value=9
    )
    create_waiting_time(session, salt, area="Southport and Formby", period="2019/20", as_of=date(2020, 3, 31))
    create_waiting_time(session, physio, area="Sefton", period="2019/20", as_of=date(2020, 3, 31), value=7)
    session.commit()


def test_waiting_times_newest_first_per_service_area_and_measure(session, figures):
    rows = store.latest_waiting_times(session, service="speech")
    south = [f for f in rows if f.row.area == "South Sefton"]
    assert [f.row.period for f in south] == ["2019/20", "2018/19"]
    assert [f.latest for f in south] == [True, False]
    assert {f.row.service.key for f in rows} == {"salt"}


WAITING_CASES = [
    ("SALT", "Formby", {("salt", "Southport and Formby")}),
    ("physio", "Formby", {("physio", "Sefton")}),  # a Sefton-wide figure covers Formby
    (None, "Bootle", {("salt", "South Sefton"), ("physio", "Sefton")}),
    ("speech", "Sefton", {("salt", "South Sefton"), ("salt", "Southport and Formby")}),
    ("wheelchair", None, set()),
]


def test_waiting_times_match_towns_inside_areas(session, figures):
    def found(service, area):
        return {(f.row.service.key, f.row.area) for f in store.latest_waiting_times(session, service, area)}

    wrong = {(s, a): found(s, a) for s, a, expected in WAITING_CASES if found(s, a) != expected}
    assert not wrong, wrong


def test_council_help_card(session):
    create_council(session)
    create_service(session, key="sefton-sendiass", name="Test SENDIASS")
    session.commit()
    settings = load_settings({"SEND_SAFEGUARDING_CONTACTS": '{"sefton": "Test line"}'})
    card = store.council_help(session, "sefton", settings)
    assert card["sendiass"]["x_key"] == "sefton-sendiass"
    assert card["parent_forum"] is None  # no such entry published: null, never invented
    assert card["safeguarding_contact"] == "Test line"
    assert card["local_offer"] == {"name": "Test Local Offer", "url": "https://example.org/local-offer"}
    numbers = {c["number"] for c in card["emergency"]}
    assert {"999", "111", "0800 1111", "116 123", "85258", "0808 800 5000"} <= numbers
    assert store.council_help(session, "nowhere", settings) is None
    assert store.council_help(session, "sefton", load_settings({}))["safeguarding_contact"] is None


def test_gaps_are_stored_redacted_and_feedback_is_stored(session):
    store.record_unanswered(
        "My son Tom Smith is 8, call me on 07700 900123",
        session=session,
        intent="nlu_fallback",
        confidence=0.2,
        council="sefton",
        kind="chat",
    )
    store.record_feedback("waiting_times", False, session=session, council="sefton")
    session.commit()
    gap = session.scalar(select(UnansweredQuestion))
    assert "07700" not in gap.text and "Tom Smith" not in gap.text
    assert gap.kind == "chat" and gap.intent == "nlu_fallback"
    assert session.scalar(select(Feedback)).helpful is False
