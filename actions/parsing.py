"""Pure parsing of what people type: ages ("my 8 yr old", "teenagers") and when something happened
("10 weeks ago", "March 2025")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty twenty-one twenty-two twenty-three twenty-four "
        "twenty-five".split()
    )
}
_NUMBER_WORDS |= {"a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3, "several": 4}
# Words that stand for an age group; the age is a representative value used to filter the search.
_AGE_WORDS = [
    (r"\bbab(?:y|ies)\b", 1),
    (r"\btoddlers?\b", 2),
    (r"\bpre-?school(?:er)?s?\b", 3),
    (r"\bteen(?:ager)?s?\b|\bteenaged?\b|\byouths?\b", 15),
    (r"\byoung adults?\b", 19),
]


def parse_age(value: Any) -> int | None:
    """'8', 'eight', '8 years old', 'teenager' -> an age in years (0-25), else None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    match = re.search(r"\d{1,2}", text)
    if match:
        age = int(match.group())
    elif text in _NUMBER_WORDS and text not in {
        "a",
        "an",
        "few",
        "a few",
        "several",
        "couple of",
        "a couple of",
    }:
        age = _NUMBER_WORDS[text]
    else:
        return age_from_text(text)
    return age if 0 <= age <= 25 else None


def age_from_text(text: str) -> int | None:
    """An age stated or implied in a whole message ('my 8 yr old', 'autistic teenagers')."""
    lowered = text.lower()
    match = re.search(r"\b(\d{1,2})\s?(?:yo|y/o|yrs?|years?|year-old|years-old)\b", lowered)
    if match and int(match.group(1)) <= 25:
        return int(match.group(1))
    for pattern, age in _AGE_WORDS:
        if re.search(pattern, lowered):
            return age
    return None


def weeks_between(start: date, end: date) -> int:
    return max(0, (end - start).days // 7)


def parse_request_date(text: str, today: date) -> date | None:
    """When an assessment was requested, from what people type.

    Understands durations ('10 weeks ago', 'it has been 14 months', 'over a year'), month names
    ('in March', 'March 2025', 'last september') and dates ('3/2/2025', '3 March 2025', '2025-03-03').
    """
    t = text.lower().replace(",", " ")
    iso = re.search(r"\b(20\d\d)-(\d\d)-(\d\d)\b", t)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    slash = re.search(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b", t)
    if slash:
        year = int(slash.group(3))
        return _safe_date(year + 2000 if year < 100 else year, int(slash.group(2)), int(slash.group(1)))
    number = (
        r"(\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")"
    )
    duration = re.search(number + r"\s*(?:\+\s*)?(day|week|wk|month|year|yr)s?\b", t)
    if duration and not re.search(r"\b(?:year|yr)\s*\d", t[duration.start() : duration.end() + 3]):
        raw = duration.group(1)
        amount = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 0)
        unit = duration.group(2)
        days = {"day": 1, "week": 7, "wk": 7, "month": 30.44, "year": 365.25, "yr": 365.25}[unit] * amount
        if 0 < days <= 365.25 * 6:
            return today - timedelta(days=round(days))
    month = re.search(
        r"\b(\d{1,2})?(?:st|nd|rd|th)?\s*(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)"
        r"[a-z]*\.?\s*(\d{4})?\b",
        t,
    )
    if month and not (
        month.group(2) == "may"
        and not month.group(3)
        and not month.group(1)
        and re.search(r"\bmay\s+(?:i|we|be|have|not)\b", t)
    ):
        month_number = _MONTH_ABBR[
            month.group(2)[:4] if month.group(2).startswith("sept") else month.group(2)[:3]
        ]
        day_number = int(month.group(1)) if month.group(1) else 1
        if month.group(3):
            year = int(month.group(3))
        else:
            year = today.year if month_number <= today.month else today.year - 1
            if "last year" in t:
                year = today.year - 1
        found = _safe_date(year, month_number, day_number)
        if found and found <= today:
            return found
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def add_timescale(start: date, value: float, unit: str) -> date:
    unit = unit.lower().rstrip("s")
    if unit == "week":
        return start + timedelta(weeks=value)
    if unit == "day":
        return start + timedelta(days=value)
    if unit == "month":
        return start + timedelta(days=round(value * 30.44))
    if unit == "year":
        return start + timedelta(days=round(value * 365.25))
    raise ValueError(f"unknown timescale unit {unit!r}")
