"""Import and export: CSV and Open Referral UK JSON.

An import is validated whole first; with any error nothing is written and the report names each row and field.
Without errors every row is applied in ONE transaction (created or updated by ``key``, each with its audit
event), the corpus revision is bumped once, and the search index is updated for every row touched.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import oruk, store
from directory.models import Service
from directory.staff import editing, entries
from directory.staff.tables import StaffUser

LIST_SEPARATOR = ";"
CSV_COLUMNS = (
    "key",
    "name",
    "council",
    "organization",
    "publication_status",
    "status",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "referral",
    "easy_read",
    "minimum_age",
    "maximum_age",
    "categories",
    "needs",
    "areas",
    "location_name",
    "address_1",
    "city",
    "postcode",
    "phones",
    "email",
    "url",
    "also_known_as",
    "assured_date",
    "review_due",
    "last_reviewed",
    "source_document",
    "source_lines",
    "source_date",
)
LISTS = ("categories", "needs", "areas", "phones", "also_known_as")
LOCATION = {"location_name": "name", "address_1": "address_1", "city": "city", "postcode": "postal_code"}


class ImportFileError(ValueError):
    """The file cannot be read at all (not CSV / JSON, wrong columns)."""


@dataclass
class RowReport:
    row: int  # the spreadsheet row (header is row 1) or the position in the JSON list (from 1)
    key: str | None
    name: str | None
    action: str = ""  # "create" or "update"
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportReport:
    rows: list[RowReport]
    applied: bool = False

    @property
    def ok(self) -> bool:
        return all(not r.errors for r in self.rows) and bool(self.rows)

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)


def parse_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = set(reader.fieldnames or [])
    unknown = columns - set(CSV_COLUMNS)
    if unknown:
        raise ImportFileError(f"The CSV file has columns we do not know: {', '.join(sorted(unknown))}")
    if "key" not in columns and not {"name", "council"} <= columns:
        raise ImportFileError("The CSV file needs a header row with the columns key, or name and council")
    rows = []
    for raw in reader:
        data: dict[str, Any] = {}
        location: dict[str, str] = {}
        for column, value in raw.items():
            value = (value or "").strip()
            if column in LISTS:
                data[column] = [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]
            elif column in LOCATION:
                location[LOCATION[column]] = value.upper() if column == "postcode" else value
            else:
                data[column] = value or None
        if location:
            data["locations"] = [location] if any(location.values()) else []
        rows.append(data)
    return rows


def parse_oruk(text: str) -> list[dict[str, Any]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"The file is not valid JSON (line {error.lineno})") from None
    items = document.get("contents") if isinstance(document, dict) and "contents" in document else document
    items = items if isinstance(items, list) else [items]
    if not all(isinstance(item, dict) for item in items):
        raise ImportFileError(
            "The JSON must be an Open Referral UK service, a list of them or a page of them"
        )
    return [_from_oruk(item) for item in items]


def _from_oruk(item: dict[str, Any]) -> dict[str, Any]:
    source = item.get("x_source") or {}
    areas = item.get("x_areas")
    if areas is None:
        areas = [a.get("name") for a in item.get("service_areas") or [] if a.get("name")]
    locations = []
    for link in item.get("service_at_locations") or []:
        location = link.get("location") or {}
        for address in location.get("addresses") or [{}]:
            locations.append(
                {
                    "name": location.get("name") or "",
                    "address_1": address.get("address_1") or "",
                    "city": address.get("city") or "",
                    "postal_code": address.get("postal_code") or "",
                }
            )
    data = {
        "key": item.get("x_key"),
        "name": item.get("name"),
        "council": item.get("x_council"),
        "organization": (item.get("organization") or {}).get("name"),
        "description": item.get("description"),
        "url": item.get("url"),
        "email": item.get("email"),
        "status": item.get("status") or "active",
        "minimum_age": item.get("minimum_age"),
        "maximum_age": item.get("maximum_age"),
        "assured_date": item.get("assured_date"),
        "eligibility_description": item.get("eligibility_description"),
        "application_process": item.get("application_process"),
        "fees_description": item.get("fees_description"),
        "referral": item.get("x_referral") or "either",
        "easy_read": item.get("x_easy_read"),
        "also_known_as": item.get("x_also_known_as") or [],
        "categories": item.get("x_categories") or [],
        "needs": item.get("x_needs") or [],
        "areas": areas,
        "phones": [
            entries.phone_text(p.get("number", ""), p.get("description")) for p in item.get("phones") or []
        ],
        "locations": locations,
        "review_due": item.get("x_review_due"),
        "last_reviewed": item.get("x_last_reviewed"),
        "source_document": source.get("document"),
        "source_lines": source.get("lines"),
        "source_date": source.get("date"),
        "publication_status": item.get("x_publication_status"),
    }
    return {k: v for k, v in data.items() if v is not None}


def _existing(session: Session, data: dict[str, Any]) -> Service | None:
    key = data.get("key")
    return session.scalar(select(Service).where(Service.key == key)) if key else None


def _merged(existing: Service | None, data: dict[str, Any]) -> dict[str, Any]:
    """Columns the file leaves out keep the entry's current values (or the defaults for a new entry)."""
    if existing is not None:
        return {**entries.snapshot(existing), **data}
    return {"status": "active", "referral": "either", **data}


def check(
    rows: list[dict[str, Any]], *, session: Session, actor: StaffUser, first_row: int = 2
) -> ImportReport:
    """Validates every row against the database as it is now; writes nothing."""
    report = ImportReport([])
    seen: dict[str, int] = {}
    for number, data in enumerate(rows, start=first_row):
        existing = _existing(session, data)
        merged = _merged(existing, data)
        status = merged.get("publication_status") or (existing.publication_status if existing else "draft")
        line = RowReport(number, data.get("key"), merged.get("name"), "update" if existing else "create")
        if status not in entries.PUBLICATION:
            line.errors["publication_status"] = "Publication must be draft, published or archived"
        elif (
            status == "published" or (existing and existing.publication_status == "published")
        ) and not actor.can("admin"):
            line.errors["publication_status"] = "Only an admin can import or change published entries"
        line.errors.update(entries.validate(merged, session=session, publishing=status == "published"))
        if data.get("key"):
            if data["key"] in seen:
                line.errors["key"] = f"The key {data['key']} is also on row {seen[data['key']]}"
            seen[data["key"]] = number
        report.rows.append(line)
    return report


def apply(
    rows: list[dict[str, Any]], *, session: Session, actor: StaffUser, first_row: int = 2
) -> tuple[ImportReport, list[str]]:
    """All rows or none: returns the report and the ids written (empty when anything was wrong)."""
    report = check(rows, session=session, actor=actor, first_row=first_row)
    if not report.ok:
        return report, []
    ids = []
    try:
        for data in rows:
            existing = _existing(session, data)
            merged = _merged(existing, data)
            if existing is None:
                result = editing.create(
                    session=session, data=merged, actor=actor, commit=False, action="imported"
                )
            else:
                result = editing.update(
                    session=session,
                    service=existing,
                    data=merged,
                    expected_version=None,
                    actor=actor,
                    action="imported",
                    commit=False,
                    keep_status=False,
                )
            ids.append(result.service.id)
        store.bump_revision(session=session)
        session.commit()
    except Exception:
        session.rollback()
        raise
    report.applied = True
    return report, ids


def export_csv(services: list[Service]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for service in services:
        data = entries.snapshot(service)
        first = (data.get("locations") or [{}])[0]
        row = {column: data.get(column) for column in CSV_COLUMNS if column in data}
        for column in LISTS:
            row[column] = LIST_SEPARATOR.join(data.get(column) or [])
        for column, key in LOCATION.items():
            row[column] = first.get(key, "")
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


def export_oruk(services: list[Service]) -> dict[str, Any]:
    contents = [
        {**oruk.service_json(s, full=True), "x_publication_status": s.publication_status} for s in services
    ]
    return json.loads(
        json.dumps(
            oruk.page_json(contents, total=len(contents), page=1, per_page=max(1, len(contents))), default=str
        )
    )
