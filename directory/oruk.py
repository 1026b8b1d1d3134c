"""ORM rows → Open Referral UK 3.0 JSON.

ORUK compliance: optional fields without a value are omitted, not sent as null or empty. Product fields
use ``x_`` names; ``eligibility_description``, ``application_process``, ``fees_description`` and
``phones`` keep their HSDS 3.0 names as declared extensions.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from directory import vocab
from directory.facts import EhcpOverview, HelpCard, WaitingFigure
from directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# Required by the ORUK 3.0 schemas: always present, even when empty. Everything else is omitted when empty.
ALWAYS = frozenset({"id"})
SERVICE_REQUIRED = frozenset({"id", "name", "status", "organization_id", "x_contact_missing"})
ORGANIZATION_REQUIRED = frozenset({"id", "name", "description"})
ADDRESS_REQUIRED = frozenset(
    {"id", "address_1", "city", "state_province", "postal_code", "country", "address_type"}
)
TERM_REQUIRED = frozenset({"id", "name", "description"})


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def compact(data: dict[str, Any], required: frozenset[str] = ALWAYS) -> dict[str, Any]:
    """Drop optional fields that have no value (None, "", [] or {})."""
    return {
        k: _value(v)
        for k, v in data.items()
        if k in required or not (v is None or v == "" or v == [] or v == {})
    }


def source_json(document: str | None, lines: str | None, day: date | None) -> dict[str, Any] | None:
    return compact({"document": document, "lines": lines, "date": day}) or None


def pick(row: Any, names: str, required: frozenset[str] = ALWAYS, **extra: Any) -> dict[str, Any]:
    """The named attributes of a row (space-separated names), plus ``extra``, compacted."""
    return compact({name: getattr(row, name) for name in names.split()} | extra, required)


def phone_json(phone: Phone) -> dict[str, Any]:
    return pick(phone, "id number description", frozenset({"id", "number"}))


def organization_json(org: Organization) -> dict[str, Any]:
    return pick(org, "id name email website", ORGANIZATION_REQUIRED, description=org.description or org.name)


def taxonomy_json(taxonomy: Taxonomy) -> dict[str, Any]:
    return pick(taxonomy, "id name description uri version", TERM_REQUIRED)


def taxonomy_term_json(term: TaxonomyTerm) -> dict[str, Any]:
    names = "id code name description parent_id taxonomy_id term_uri"
    return pick(term, names, TERM_REQUIRED, taxonomy=term.taxonomy.name)


def attribute_json(attribute: Attribute) -> dict[str, Any]:
    term = taxonomy_term_json(attribute.taxonomy_term)
    return pick(attribute, "id link_id link_type taxonomy_term_id", taxonomy_term=term)


def address_json(address: Address) -> dict[str, Any]:
    names = "id location_id attention address_1 city region state_province postal_code country address_type"
    return pick(address, names, ADDRESS_REQUIRED)


def location_json(location: Location) -> dict[str, Any]:
    addresses = [address_json(a) for a in location.addresses]
    names = "id location_type name description latitude longitude"
    return pick(location, names, frozenset({"id", "location_type"}), addresses=addresses)


def service_at_location_json(sal: ServiceAtLocation) -> dict[str, Any]:
    return pick(sal, "id service_id location_id", location=location_json(sal.location))


def contact_json(contact: Contact) -> dict[str, Any]:
    return pick(contact, "id service_id name title", phones=[phone_json(p) for p in contact.phones])


def service_area_json(area: ServiceArea) -> dict[str, Any]:
    return pick(area, "id service_id name extent extent_type uri")


def schedule_json(schedule: Schedule) -> dict[str, Any]:
    names = (
        "id service_id service_at_location_id valid_from valid_to dtstart freq interval byday bymonthday "
        "description opens_at closes_at schedule_link attending_type notes"
    )
    return pick(schedule, names)


def cost_option_json(cost: CostOption) -> dict[str, Any]:
    return pick(cost, "id service_id valid_from valid_to option amount amount_description")


def service_json(service: Service, *, full: bool = False, score: float | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": service.id,
        "organization_id": service.organization_id,
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "assured_date": service.assured_date,
        "last_modified": service.last_modified,
        "eligibility_description": service.eligibility_description,
        "application_process": service.application_process,
        "fees_description": service.fees_description,
        "phones": [phone_json(p) for p in service.phones],
        "x_key": service.key,
        "x_council": service.council,
        "x_categories": service.terms(vocab.CATEGORY_TAXONOMY),
        "x_needs": service.terms(vocab.NEED_TAXONOMY),
        "x_areas": [a.name for a in service.service_areas],
        "x_referral": service.referral,
        "x_easy_read": service.easy_read,
        "x_also_known_as": list(service.also_known_as or []),
        "x_source": source_json(service.source_document, service.source_lines, service.source_date),
        "x_last_reviewed": service.last_reviewed,
        "x_review_due": service.review_due,
        "x_contact_missing": service.contact_missing,
        "x_score": None if score is None else round(float(score), 4),
    }
    if full:
        data |= {
            "organization": organization_json(service.organization),
            "contacts": [contact_json(c) for c in service.contacts],
            "service_areas": [service_area_json(a) for a in service.service_areas],
            "service_at_locations": [service_at_location_json(s) for s in service.service_at_locations],
            "schedules": [schedule_json(s) for s in service.schedules],
            "cost_options": [cost_option_json(c) for c in service.cost_options],
            "attributes": [attribute_json(a) for a in service.attributes],
        }
    return compact(data, SERVICE_REQUIRED)


def page_json(contents: list[dict[str, Any]], *, total: int, page: int, per_page: int) -> dict[str, Any]:
    total_pages = max(1, math.ceil(total / per_page)) if per_page else 1
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def waiting_time_json(figure: WaitingFigure) -> dict[str, Any]:
    row = figure.row
    names = "service_id area measure value unit period as_of target target_text note"
    return {name: _value(getattr(row, name)) for name in names.split()} | {
        "service_key": row.service.key,
        "service_name": row.service.name,
        "council": row.service.council,
        "latest": figure.latest,
        "source": source_json(row.source_document, row.source_lines, row.source_date),
    }


def _sourced(row: Any, names: str, **extra: Any) -> dict[str, Any]:
    data = {name: _value(getattr(row, name)) for name in names.split()}
    return data | extra | {"source": source_json(row.source_document, row.source_lines, row.source_date)}


def ehcp_json(overview: EhcpOverview) -> dict[str, Any]:
    steps = [
        {name: getattr(s, name) for name in "key order title".split()}
        | {"timescale": {"value": s.timescale_value, "unit": s.timescale_unit, "from": s.timescale_from}}
        | {name: getattr(s, name) for name in "description easy_read if_missed legal_source".split()}
        for s in overview.steps
    ]
    return {
        "statutory_steps": steps,
        "local_performance": [
            _sourced(f, "council measure value unit period as_of note") for f in overview.local_performance
        ],
        "facts": [_sourced(f, "key topic text easy_read") for f in overview.facts],
    }


def help_card_json(card: HelpCard) -> dict[str, Any]:
    council = card.council
    return {
        "council": council.key,
        "name": council.name,
        "local_offer": {"name": council.local_offer_name, "url": council.local_offer_url},
        "sendiass": service_json(card.sendiass) if card.sendiass else None,
        "parent_forum": service_json(card.parent_forum) if card.parent_forum else None,
        "safeguarding_contact": card.safeguarding_contact,
        "emergency": card.emergency,
    }
