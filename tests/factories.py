"""Test factories: ``create_service(session, **overrides)`` and friends build valid rows with defaults.

Every default is made up for tests (01632 960xxx numbers are reserved for fiction; example.org URLs).
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import entries, store
from directory.models import Council, Service, WaitingTime

_counter = itertools.count(1)

SEFTON = {
    "key": "sefton",
    "name": "Sefton Council",
    "local_offer_name": "Test Local Offer",
    "local_offer_url": "https://example.org/local-offer",
    "sendiass_key": "sefton-sendiass",
    "parent_forum_key": "sefton-parent-forum",
    "areas": ["Bootle", "Crosby", "Maghull", "Southport", "Formby", "Ainsdale"],
    "health_areas": {
        "South Sefton": ["Bootle", "Crosby", "Maghull"],
        "Southport and Formby": ["Southport", "Formby", "Ainsdale"],
    },
}
KNOWSLEY = {
    "key": "knowsley",
    "name": "Knowsley Council",
    "areas": ["Huyton", "Kirkby"],
    "health_areas": {"Knowsley": ["Huyton", "Kirkby"]},
}


def create_council(session: Session, **overrides: Any) -> Council:
    values = {**(KNOWSLEY if overrides.get("key") == "knowsley" else SEFTON), **overrides}
    council = session.scalar(select(Council).where(Council.key == values["key"]))
    if council is None:
        council = Council(**values)
        session.add(council)
        session.flush()
    return council


def create_service(session: Session, **overrides: Any) -> Service:
    """A published, valid entry. Override any field; lists: categories, needs, areas, phones, postcode."""
    n = next(_counter)
    key = overrides.pop("key", f"test-service-{n}")
    council = overrides.pop("council", "sefton")
    create_council(session, key=council)
    store.ensure_taxonomies(session)
    publication_status = overrides.pop("publication_status", "published")
    source_date = overrides.pop("source_date", date(2020, 5, 28))
    scalars = {
        "description": f"Test service number {n}.",
        "url": f"https://example.org/service-{n}",
        "email": None,
        "status": "active",
        "minimum_age": 0,
        "maximum_age": 25,
        "eligibility_description": "Children and young people with SEND.",
        "application_process": "Contact the service yourself.",
        "fees_description": None,
        "referral": "self",
        "easy_read": "A test service.",
        "also_known_as": [],
        "source_document": "003",
        "source_lines": str(n),
        "source_date": source_date,
        "assured_date": source_date,
        "last_reviewed": source_date,
        "review_due": entries.add_months(source_date, 12) if source_date else None,
    }
    lists = {
        name: overrides.pop(name)
        for name in ("categories", "needs", "areas", "phones", "postcode")
        if name in overrides
    }
    name = overrides.pop("name", f"Test service {n}")
    organization = overrides.pop("organization", "Test Organisation")
    unknown = set(overrides) - set(scalars)
    if unknown:
        raise TypeError(f"create_service() got unknown fields {sorted(unknown)}")
    scalars |= overrides
    values = entries.EntryValues(
        key=key,
        council=council,
        name=name,
        organization=organization,
        scalars=scalars,
        categories=lists.get("categories", ["advice"]),
        needs=lists.get("needs", []),
        areas=lists.get("areas", ["Sefton"]),
        phones=[(p, None) if isinstance(p, str) else tuple(p) for p in lists.get("phones", [])],
        postcode=lists.get("postcode"),
    )
    service = entries.new_service(key, council)
    session.add(service)
    entries.apply(service, values, session=session)
    service.publication_status = publication_status
    session.flush()
    store.bump_revision(session)
    return service


def create_waiting_time(session: Session, service: Service, **overrides: Any) -> WaitingTime:
    values = {
        "area": "South Sefton",
        "measure": "referral to first contact",
        "value": 10.0,
        "unit": "weeks",
        "period": "2019/20",
        "as_of": date(2020, 3, 31),
        "target": 18.0,
        "source_document": "003",
        "source_lines": "3020",
        "source_date": date(2020, 5, 28),
    } | overrides
    row = WaitingTime(service_id=service.id, **values)
    session.add(row)
    session.flush()
    return row
