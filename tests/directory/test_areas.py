"""Places and service names, without a database."""

from __future__ import annotations

import pytest

from directory.areas import CouncilAreas, area_matches, related_areas
from directory.facts import service_matches
from directory.models import Service

SEFTON = CouncilAreas(
    key="sefton",
    name="Sefton Council",
    towns=("Bootle", "Crosby", "Maghull", "Southport", "Formby", "Ainsdale"),
    health_areas={
        "South Sefton": ("Bootle", "Crosby", "Maghull"),
        "Southport and Formby": ("Southport", "Formby", "Ainsdale"),
    },
)


def test_a_council_wide_service_covers_every_town_and_both_health_areas():
    places = related_areas(["Sefton"], SEFTON)
    assert {"Sefton", "Sefton Council", "South Sefton", "Southport and Formby", "Bootle", "Formby"} <= set(
        places
    )


def test_a_health_area_covers_its_own_towns_only():
    places = related_areas(["South Sefton"], SEFTON)
    assert {"South Sefton", "Bootle", "Crosby", "Maghull"} <= set(places)
    assert "Formby" not in places and "Southport and Formby" not in places


def test_a_town_is_found_from_its_health_area_and_council_but_not_the_other_area():
    assert set(related_areas(["Bootle"], SEFTON)) == {"Bootle", "South Sefton", "Sefton", "Sefton Council"}


@pytest.mark.parametrize(
    ("recorded", "asked", "expected"),
    [
        ("Southport and Formby", "Formby", True),
        ("Southport & Formby", "formby", True),
        ("Sefton", "Formby", True),
        ("South Sefton", "Formby", False),
        ("South Sefton", "Sefton", True),
        ("Southport and Formby", "South Sefton", False),
        ("Bootle", "Southport", False),
    ],
)
def test_area_matching(recorded, asked, expected):
    assert area_matches(recorded, asked, SEFTON) is expected


def named(name: str, key: str = "x", aka: list[str] | None = None) -> Service:
    return Service(name=name, key=key, also_known_as=aka or [])


@pytest.mark.parametrize(
    ("query", "service"),
    [
        ("speech", named("Speech and Language Therapy")),
        ("SALT", named("Speech and Language Therapy")),
        ("slt", named("Speech and Language Therapy")),
        ("speech therapy", named("Speech and Language Therapy")),
        ("ot", named("Occupational Therapy")),
        ("physio", named("Children's Physiotherapy")),
        ("camhs", named("Child and Adolescent Mental Health Services")),
        ("audiology", named("Paediatric Community Audiology")),
        ("hearing", named("Paediatric Community Audiology", aka=["hearing tests"])),
        ("wheelchairs", named("Children's Wheelchair Service")),
        ("dietetics", named("Paediatric Dietetics")),
        ("sefton-salt", named("Anything", key="sefton-salt")),
    ],
)
def test_family_words_name_the_service(query, service):
    assert service_matches(service, query)


@pytest.mark.parametrize(
    ("query", "service"),
    [
        ("ot", named("Scotland Football Club")),
        ("physio", named("Speech and Language Therapy")),
        ("speech", named("Children's Physiotherapy")),
        ("waiting list", named("Children's Physiotherapy")),
    ],
)
def test_other_services_do_not_match(query, service):
    assert not service_matches(service, query)
