"""HTML form data <-> the entry shape of ``entries`` (one line per item in the list text areas)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from directory.staff import entries

LIST_FIELDS = ("also_known_as", "areas", "phones")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def entry_from_form(form: FormData, current: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in (
        "name",
        "council",
        "organization",
        "status",
        "referral",
        "minimum_age",
        "maximum_age",
        *entries.TEXT,
        *entries.DATES,
    ):
        value = form.get(field)
        data[field] = value.strip() if isinstance(value, str) else None
    for field in ("minimum_age", "maximum_age"):
        if data[field] == "":
            data[field] = None
    for field in LIST_FIELDS:
        data[field] = _lines(form.get(field))  # type: ignore[arg-type]
    data["categories"] = [str(v) for v in form.getlist("categories")]
    data["needs"] = [str(v) for v in form.getlist("needs")]
    first = {
        "name": (form.get("location_name") or "").strip(),
        "address_1": (form.get("address_1") or "").strip(),
        "city": (form.get("city") or "").strip(),
        "postal_code": (form.get("postcode") or "").strip().upper(),
    }
    others = (current or {}).get("locations", [])[1:]
    data["locations"] = ([first] if any(first.values()) else []) + list(others)
    if current:
        data["key"] = current.get("key")
    return data


def form_values(data: dict[str, Any]) -> dict[str, Any]:
    """What the form's controls show for ``data`` (the entry shape, or what was just posted)."""
    values = dict(data)
    for field in LIST_FIELDS:
        values[field] = "\n".join(data.get(field) or [])
    first = (data.get("locations") or [{}])[0] if data.get("locations") else {}
    values.update(
        location_name=first.get("name", ""),
        address_1=first.get("address_1", ""),
        city=first.get("city", ""),
        postcode=first.get("postal_code", ""),
    )
    values["extra_locations"] = (data.get("locations") or [])[1:]
    for field in ("minimum_age", "maximum_age"):
        values[field] = "" if data.get(field) is None else data[field]
    return values


def blank_entry(council: str) -> dict[str, Any]:
    return {
        "council": council,
        "status": "active",
        "referral": "either",
        "categories": [],
        "needs": [],
        "areas": [],
        "phones": [],
        "also_known_as": [],
        "locations": [],
    }
