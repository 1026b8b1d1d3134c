"""Write one directory entry: make a ``Service`` row (and its children) match given values.

Used by the loader and meant for the staff pages too. Every setter reports whether it changed anything,
so loading unchanged data writes nothing and does not bump the corpus revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import vocab
from directory.models import (
    Address,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    utcnow,
)
from directory.terms import set_terms

SCALARS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "eligibility_description",
    "application_process",
    "fees_description",
    "council",
    "referral",
    "easy_read",
    "also_known_as",
    "source_document",
    "source_lines",
    "source_date",
    "last_reviewed",
    "review_due",
)


@dataclass
class EntryValues:
    """Everything an entry says, in the database's terms."""

    key: str
    council: str
    name: str
    organization: str
    organization_url: str | None = None
    organization_email: str | None = None
    organization_description: str | None = None
    scalars: dict[str, Any] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    postcode: str | None = None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def organization_named(values: EntryValues, *, session: Session) -> Organization:
    org = session.scalar(select(Organization).where(Organization.name == values.organization))
    if org is None:
        org = Organization(id=vocab.stable_id("organization", values.organization), name=values.organization)
        session.add(org)
    for attr, value in (
        ("website", values.organization_url),
        ("email", values.organization_email),
        ("description", values.organization_description),
    ):
        if value and getattr(org, attr) != value:
            setattr(org, attr, value)
    return org


def set_areas(service: Service, names: list[str]) -> bool:
    if sorted(a.name for a in service.service_areas) == sorted(names):
        return False
    service.service_areas.clear()
    service.service_areas.extend(ServiceArea(name=name, extent_type=None) for name in names)
    return True


def set_phones(service: Service, phones: list[tuple[str, str | None]]) -> bool:
    if sorted((p.number, p.description) for p in service.phones) == sorted(phones):
        return False
    service.phones.clear()
    service.phones.extend(Phone(number=number, description=description) for number, description in phones)
    return True


def set_postcode(service: Service, postcode: str | None, *, session: Session) -> bool:
    """One physical location with just the postcode the documents give (no invented street address)."""
    current = [a.postal_code for sal in service.service_at_locations for a in sal.location.addresses]
    wanted = [postcode.upper()] if postcode else []
    if current == wanted:
        return False
    for sal in list(service.service_at_locations):
        service.service_at_locations.remove(sal)
        session.delete(sal.location)
    if postcode:
        location = Location(location_type="physical", name=service.name)
        location.addresses.append(Address(postal_code=postcode.upper(), address_type="physical"))
        service.service_at_locations.append(ServiceAtLocation(location=location))
    return True


def apply(service: Service, values: EntryValues, *, session: Session) -> bool:
    """Make ``service`` say exactly ``values``. True when anything changed (then ``last_modified`` moves)."""
    with session.no_autoflush:  # a new entry is incomplete until every field is set
        changed = _apply(service, values, session)
    if changed:
        service.last_modified = utcnow()
    return changed


def _apply(service: Service, values: EntryValues, session: Session) -> bool:
    changed = False
    org = organization_named(values, session=session)
    if service.organization_id != org.id:
        service.organization = org
        service.organization_id = org.id
        changed = True
    for attr in SCALARS:
        value = (
            values.name
            if attr == "name"
            else values.council
            if attr == "council"
            else values.scalars.get(attr)
        )
        if attr == "also_known_as":
            value = list(value or [])
        if attr == "status" and value is None:
            value = "active"
        if getattr(service, attr) != value:
            setattr(service, attr, value)
            changed = True
    changed |= set_terms(service, "category", values.categories, session=session)
    changed |= set_terms(service, "need", values.needs, session=session)
    changed |= set_areas(service, values.areas)
    changed |= set_phones(service, values.phones)
    changed |= set_postcode(service, values.postcode, session=session)
    return changed


def new_service(key: str, council: str) -> Service:
    """A blank entry with the stable id every database built from the same key gives it."""
    service = Service(
        id=vocab.stable_id("service", key), key=key, council=council, publication_status="draft"
    )
    service.also_known_as = []
    return service
