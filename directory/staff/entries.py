"""One plain, JSON-able shape for a directory entry, shared by the edit form, import, restore and the staff API.

``snapshot(service)`` reads it, ``validate(data, publishing=...)`` says what is wrong in plain words (keyed by
form field), ``apply(service, data, session=...)`` writes it. Audit snapshots are exactly this shape.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import vocab
from directory.areas import council_areas_from
from directory.modelbase import new_id
from directory.models import (
    Address,
    Council,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from directory.staff.readability import easy_read_problem
from directory.terms import ensure_taxonomies, set_terms

STATUSES = ("active", "inactive", "defunct", "temporarily closed")
REFERRALS = ("self", "professional", "either", "none")
PUBLICATION = ("draft", "published", "archived")
ASSURED_MAX_AGE = timedelta(days=92)  # ORUK: assured within the last 3 months
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.I)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TEXT = (
    "name",
    "description",
    "url",
    "email",
    "eligibility_description",
    "application_process",
    "fees_description",
    "easy_read",
    "source_document",
    "source_lines",
)
DATES = ("assured_date", "review_due", "last_reviewed", "source_date")
LABELS = {
    "key": "Key",
    "name": "Name",
    "council": "Council",
    "organization": "Organisation",
    "description": "Description",
    "url": "Website",
    "email": "Email",
    "status": "Service status",
    "minimum_age": "Youngest age",
    "maximum_age": "Oldest age",
    "eligibility_description": "Who it is for",
    "application_process": "How to get it",
    "fees_description": "Costs",
    "referral": "Referral",
    "easy_read": "Easy read summary",
    "also_known_as": "Also known as",
    "categories": "Categories",
    "needs": "Needs",
    "areas": "Areas covered",
    "phones": "Phone numbers",
    "postcode": "Postcode",
    "locations": "Addresses",
    "assured_date": "Assured date",
    "review_due": "Review due",
    "last_reviewed": "Last reviewed",
    "source_document": "Source document",
    "source_lines": "Source lines",
    "source_date": "Source date",
    "publication_status": "Publication",
}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def phone_text(number: str, description: str | None) -> str:
    return f"{number} – {description}" if description else number


def snapshot(service: Service) -> dict[str, Any]:
    locations = []
    for link in service.service_at_locations:
        loc = link.location
        for address in loc.addresses or [None]:
            locations.append(
                {
                    "name": loc.name or "",
                    "address_1": address.address_1 if address else "",
                    "city": address.city if address else "",
                    "postal_code": address.postal_code if address else "",
                }
            )
    return {
        "id": service.id,
        "key": service.key,
        "name": service.name,
        "council": service.council,
        "organization": service.organization.name if service.organization else None,
        **{field: getattr(service, field) for field in TEXT},
        "status": service.status,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "referral": service.referral,
        "also_known_as": list(service.also_known_as or []),
        "categories": service.terms(vocab.CATEGORY_TAXONOMY),
        "needs": service.terms(vocab.NEED_TAXONOMY),
        "areas": [a.name for a in service.service_areas],
        "phones": [phone_text(p.number, p.description) for p in service.phones],
        "locations": locations,
        **{field: _iso(getattr(service, field)) for field in DATES},
        "publication_status": service.publication_status,
        "version": service.version,
    }


def parse_date(value: Any) -> date | None:
    """ISO (2026-03-27) or British (27/03/2026, 27 3 2026); raises ValueError when it is not a real date."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})", text)
        if not match:
            raise ValueError(text)
        day, month, year = (int(g) for g in match.groups())
    return date(year, month, day)


def parse_phone(line: str) -> tuple[str, str | None]:
    parts = re.split(r"\s+[–-]\s+", line.strip(), maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else None)


def _councils(session: Session) -> dict[str, Council]:
    return {c.key: c for c in session.scalars(select(Council))}


def validate(
    data: dict[str, Any], *, session: Session, publishing: bool = False, today: date | None = None
) -> dict[str, str]:
    """``{field: message}``; an empty dict means the entry can be saved (and published, when ``publishing``)."""
    today = today or date.today()
    errors: dict[str, str] = {}
    if not (data.get("name") or "").strip():
        errors["name"] = "Enter the name of the service"
    councils = _councils(session)
    council = councils.get(data.get("council") or "")
    if council is None:
        errors["council"] = "Choose the council this entry belongs to"
    if data.get("email") and not EMAIL.match(data["email"].strip()):
        errors["email"] = "Enter an email address in the correct format, like name@example.org"
    if data.get("url") and not str(data["url"]).startswith(("https://", "http://")):
        errors["url"] = "Enter a website address starting with https://"
    if data.get("status") not in STATUSES:
        errors["status"] = "Choose whether the service is active, inactive, temporarily closed or defunct"
    if data.get("referral") not in REFERRALS:
        errors["referral"] = "Choose who can refer to the service"
    ages = {}
    for field, word in (("minimum_age", "youngest"), ("maximum_age", "oldest")):
        value = data.get(field)
        if value in (None, ""):
            continue
        try:
            ages[field] = int(value)
        except (TypeError, ValueError):
            errors[field] = f"Enter the {word} age as a whole number, like 5"
            continue
        if not 0 <= ages[field] <= 25:
            errors[field] = f"The {word} age must be between 0 and 25"
    if len(ages) == 2 and ages["minimum_age"] > ages["maximum_age"] and "maximum_age" not in errors:
        errors["maximum_age"] = "The oldest age must be the same as or more than the youngest age"
    for field in DATES:
        try:
            parse_date(data.get(field))
        except ValueError:
            errors[field] = f"Enter the {LABELS[field].lower()} as a real date, like 27 3 2026"
    bad_categories = [c for c in data.get("categories") or [] if c not in vocab.CATEGORIES]
    if bad_categories:
        errors["categories"] = f"Unknown category: {', '.join(bad_categories)}"
    bad_needs = [n for n in data.get("needs") or [] if n not in vocab.NEEDS]
    if bad_needs:
        errors["needs"] = f"Unknown need: {', '.join(bad_needs)}"
    if council is not None and (council.areas or council.health_areas):
        known = council_areas_from(council)
        unknown = [a for a in data.get("areas") or [] if not known.knows(a)]
        if unknown:
            errors["areas"] = f"{', '.join(unknown)} is not an area of {council.name}: check the spelling"
    postcodes = [loc.get("postal_code") for loc in data.get("locations") or [] if loc.get("postal_code")]
    bad_postcodes = [p for p in postcodes if not POSTCODE.match(p.strip())]
    if bad_postcodes:
        errors["postcode"] = "Enter a real postcode, like PR8 1DA"
    for line in data.get("phones") or []:
        if len(re.sub(r"\D", "", parse_phone(line)[0])) < 5:
            errors["phones"] = (
                f"“{line}” does not start with a phone number: write the number, a dash, then what it is for"
            )
            break
    problem = easy_read_problem(data.get("easy_read") or "")
    if problem:
        errors["easy_read"] = problem
    if publishing:
        errors.update(_publish_errors(data, today, errors))
    return errors


def _publish_errors(data: dict[str, Any], today: date, errors: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    has_postcode = any((loc.get("postal_code") or "").strip() for loc in data.get("locations") or [])
    if not has_postcode and not data.get("areas") and "areas" not in errors:
        found["areas"] = "Enter a postcode or at least one area the service covers before publishing"
    if not data.get("categories") and "categories" not in errors:
        found["categories"] = "Choose at least one category before publishing"
    if not (data.get("eligibility_description") or "").strip():
        found["eligibility_description"] = "Enter who the service is for before publishing"
    if not (data.get("application_process") or "").strip():
        found["application_process"] = "Enter how families can get the service before publishing"
    if "assured_date" not in errors:
        assured = parse_date(data.get("assured_date"))
        if assured is None:
            found["assured_date"] = (
                "Enter the date someone last checked this entry with the provider (assured date)"
            )
        elif assured > today:
            found["assured_date"] = "The assured date cannot be in the future"
        elif today - assured > ASSURED_MAX_AGE:
            found["assured_date"] = (
                "The assured date is more than 3 months ago: check the entry with the provider, "
                "then enter the date you checked it"
            )
    return found


def _organization(session: Session, name: str | None, council: str) -> Organization:
    name = (name or "").strip() or f"{council.title()} Local Offer"
    org = session.scalar(select(Organization).where(Organization.name == name))
    if org is None:
        org = next((o for o in session.new if isinstance(o, Organization) and o.name == name), None)
    if org is None:
        org = Organization(id=new_id(), name=name)
        session.add(org)
    return org


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100] or "entry"


def unique_key(session: Session, council: str, name: str) -> str:
    base = f"{council}-{slug(name)}"
    key, n = base, 2
    while session.scalar(select(Service.id).where(Service.key == key)):
        key, n = f"{base}-{n}", n + 1
    return key


def apply(service: Service, data: dict[str, Any], *, session: Session) -> Service:
    """Writes validated ``data`` onto ``service`` (new or existing). Lists replace what was there.

    Nothing is flushed here, so one save is one UPDATE and one new ``version`` (the caller flushes)."""
    ensure_taxonomies(session=session)
    with session.no_autoflush:
        return _apply(service, data, session)


def _apply(service: Service, data: dict[str, Any], session: Session) -> Service:
    service.name = data["name"].strip()
    service.council = data["council"]
    if not service.key:
        service.key = data.get("key") or unique_key(session, data["council"], data["name"])
    service.organization = _organization(session, data.get("organization"), data["council"])
    for field in TEXT[1:]:
        value = data.get(field)
        setattr(service, field, value.strip() if isinstance(value, str) and value.strip() else None)
    service.description = (data.get("description") or "").strip()
    service.status = data.get("status") or "active"
    service.referral = data.get("referral") or "either"
    service.minimum_age = int(data["minimum_age"]) if data.get("minimum_age") not in (None, "") else None
    service.maximum_age = int(data["maximum_age"]) if data.get("maximum_age") not in (None, "") else None
    for field in DATES:
        setattr(service, field, parse_date(data.get(field)))
    service.also_known_as = [a.strip() for a in data.get("also_known_as") or [] if a.strip()]
    if data.get("publication_status") in PUBLICATION:
        service.publication_status = data["publication_status"]
    if service.id is None:
        service.id = new_id()
        session.add(service)
    set_terms(service, "category", data.get("categories") or [], session=session)
    set_terms(service, "need", data.get("needs") or [], session=session)
    areas = [a.strip() for a in data.get("areas") or [] if a.strip()]
    if areas != [a.name for a in service.service_areas]:
        service.service_areas = [ServiceArea(name=a) for a in dict.fromkeys(areas)]
    phones = [parse_phone(line) for line in data.get("phones") or [] if line.strip()]
    if phones != [(p.number, p.description) for p in service.phones]:
        service.phones = [Phone(number=number, description=description) for number, description in phones]
    locations = [loc for loc in data.get("locations") or [] if any((loc.get(k) or "").strip() for k in loc)]
    if locations != snapshot_locations(service):
        service.service_at_locations = [
            ServiceAtLocation(
                location=Location(
                    name=(loc.get("name") or "").strip() or None,
                    addresses=[
                        Address(
                            address_1=(loc.get("address_1") or "").strip(),
                            city=(loc.get("city") or "").strip(),
                            postal_code=(loc.get("postal_code") or "").strip().upper(),
                        )
                    ],
                )
            )
            for loc in locations
        ]
    return service


def snapshot_locations(service: Service) -> list[dict[str, str]]:
    return snapshot(service)["locations"] if service.id else []
