"""Pure helpers: shaping directory data for the responses in domain.yml.

No wording lives here: fixed words come from bot/domain.yml (see `fragment`), facts from the directory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from actions.parsing import MONTHS

# Town -> NHS health area (former CCG areas) for Sefton; Knowsley is one health area.
HEALTH_AREAS = {
    "South Sefton": [
        "bootle",
        "crosby",
        "blundellsands",
        "waterloo",
        "seaforth",
        "litherland",
        "netherton",
        "ford",
        "orrell",
        "thornton",
        "aintree",
        "maghull",
        "lydiate",
        "melling",
        "south sefton",
    ],
    "Southport and Formby": [
        "southport",
        "formby",
        "ainsdale",
        "birkdale",
        "churchtown",
        "crossens",
        "hillside",
        "marshside",
        "southport and formby",
        "southport & formby",
    ],
    "Knowsley": [
        "huyton",
        "kirkby",
        "prescot",
        "halewood",
        "whiston",
        "stockbridge village",
        "knowsley village",
        "roby",
        "page moss",
        "cronton",
        "knowsley",
    ],
}

# Canonical service (entity value) -> words that identify its rows in the directory's waiting times.
SERVICE_KEYWORDS = {
    "speech and language therapy": ["speech", "salt", "language"],
    "occupational therapy": ["occupational"],
    "physiotherapy": ["physio"],
    "dietetics": ["dietet", "dietit", "dietic"],
    "audiology": ["audiolog", "hearing"],
    "wheelchair service": ["wheelchair"],
    "camhs": ["camhs", "mental health", "eating disorder"],
    "autism and adhd pathway": ["neurodevelopmental", "autism", "adhd", "asd"],
    "community paediatrics": ["paediatrics", "paediatrician", "community-paediatric"],
    "continence": ["continence"],
}


def health_area(area: str | None) -> str | None:
    if not area:
        return None
    lowered = area.strip().lower()
    for name, towns in HEALTH_AREAS.items():
        if lowered == name.lower() or lowered in towns:
            return name
    return None


def same_area(a: str | None, b: str | None) -> bool:
    def norm(x: str | None) -> str:
        return (x or "").lower().replace("&", "and").strip()

    return norm(a) == norm(b)


def service_matches(service: str, row: Mapping[str, Any]) -> bool:
    keywords = SERVICE_KEYWORDS.get(service.lower(), [service.lower()])
    haystack = f"{row.get('service_key', '')} {row.get('service_name', '')}".lower()
    return any(word in haystack for word in keywords)


PLANNED = re.compile(r"\bplan(?:ned)?\b", re.IGNORECASE)


def _stems(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower())}


def relevance(row: Mapping[str, Any], message: str) -> int:
    """How well a figure's measure fits the question; specialist measures only when asked for."""
    measure = str(row.get("measure") or "")
    score = len(_stems(measure) & _stems(message) - {"weeks", "refer", "waiti", "avera"})
    if "eating" in measure.lower() and "eat" not in message.lower():
        score -= 2
    return score


def pick_waiting_rows(
    rows: list[dict[str, Any]], area: str | None, limit: int = 3, message: str = ""
) -> list[dict[str, Any]]:
    """The newest figure for each area (the requested area first), at most `limit` rows.

    Actual figures win over planned ones, figures whose measure fits the question win over others, and
    then the newest (a row marked latest first).
    """
    actual = [r for r in rows if not PLANNED.search(f"{r.get('measure', '')} {r.get('period', '')}")]
    rows = actual or rows
    ordered = sorted(rows, key=lambda r: (bool(r.get("latest")), str(r.get("as_of") or "")), reverse=True)
    ordered.sort(key=lambda r: relevance(r, message), reverse=True)
    if area:
        wanted = [r for r in ordered if same_area(r.get("area"), area)]
        wider = [
            r
            for r in ordered
            if not same_area(r.get("area"), area) and (r.get("area") or "").lower() in {"sefton", "knowsley"}
        ]
        chosen = _one_per_measure(wanted, 2) + _one_per_measure(wider, 1)
        if chosen:
            return chosen[:limit]
    chosen, seen = [], set()
    for row in ordered:
        key = (row.get("area") or "").lower()
        if key not in seen:
            seen.add(key)
            chosen.append(row)
    return chosen[:limit]


def _one_per_measure(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    chosen, seen = [], set()
    for row in rows:
        measure = (row.get("measure") or "").lower()
        if measure not in seen:
            seen.add(measure)
            chosen.append(row)
    return chosen[:limit]


def format_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def month_year(value: Any) -> str:
    """'2020-05-28' -> 'May 2020'; anything unparseable is returned as it is."""
    day = _to_date(value)
    return f"{MONTHS[day.month - 1].capitalize()} {day.year}" if day else str(value or "")


def day_month_year(value: Any) -> str:
    day = _to_date(value)
    return f"{day.day} {MONTHS[day.month - 1].capitalize()} {day.year}" if day else str(value or "")


def lower_first(text: str) -> str:
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def contact_text(service: Mapping[str, Any]) -> str:
    """The contact details as recorded in the directory ('' when none are recorded)."""
    parts = [
        p.get("number") for p in service.get("phones") or [] if isinstance(p, Mapping) and p.get("number")
    ]
    parts += [service.get("email"), service.get("url")]
    return " | ".join(str(p) for p in parts if p)


def age_range(service: Mapping[str, Any]) -> tuple[int, int] | None:
    low, high = service.get("minimum_age"), service.get("maximum_age")
    if low is None and high is None:
        return None
    return int(low or 0), int(high if high is not None else 25)


def age_would_change_answer(results: Iterable[Mapping[str, Any]]) -> bool:
    """True when the results are for different ages, so knowing the age would change what we show."""
    ranges = {age_range(r) for r in results}
    ranges.discard(None)
    return len(ranges) > 1 and any(r != (0, 25) for r in ranges)


def fragment(domain: Mapping[str, Any], name: str, easy_read: bool) -> str:
    """The text of a short domain response (e.g. `utter_fragment_not_recorded`), easy-read aware."""
    variants = (domain.get("responses") or {}).get(name) or []
    fallback = ""
    for variant in variants:
        conditions = variant.get("condition") or []
        wants_easy = any(c.get("name") == "easy_read" and c.get("value") is True for c in conditions)
        if wants_easy and easy_read:
            return variant.get("text", "")
        if not conditions and not fallback:
            fallback = variant.get("text", "")
    return fallback


def timescale_text(timescale: Mapping[str, Any]) -> str:
    value, unit = timescale.get("value"), str(timescale.get("unit") or "")
    if value is None:
        return ""
    number = format_number(value)
    if number == "1" and unit.endswith("s"):
        unit = unit[:-1]
    return f"{number} {unit}".strip()


def conversation_summary(user_texts: Iterable[str], limit: int = 6, max_chars: int = 600) -> str:
    """The family's own (already redacted) messages, newest last, as lines to copy."""
    lines = [re.sub(r"\s+", " ", t).strip() for t in user_texts]
    lines = [t for t in lines if t and not t.startswith("/")]
    lines = lines[-limit:]
    text = "\n".join(f"- {t}" for t in lines)
    return text if len(text) <= max_chars else text[: max_chars - 3].rstrip() + "..."
