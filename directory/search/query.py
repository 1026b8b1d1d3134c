"""Reading a family's query: words for keyword matching, and any age it names.

Tokenising and stemming live here too, so documents and queries are normalised by one function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s\b")

STOPWORDS = frozenset(
    """a about above after again all am an and any are as at be been being but by can could did do does
    doing don down during each few for from further get got had has have having he her here hers him his how
    i if im in into is it its just me more most my myself no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would
    you your yours ive id dont cant isnt wont also us really please any anyone someone something thing things
    know need needs want wants like lot lots still yet much many
    m s t re ve ll d don doesn didn isn aren wasn weren won haven hasn couldn shouldn wouldn""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English suffix stripper: plurals, -ing and -ed, never shorter than four letters."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            base = word[: -len(suffix)]
            if len(base) >= 2 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            return base
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens, possessive 's removed, nothing else dropped."""
    return _TOKEN.findall(_POSSESSIVE.sub("", text.lower()))


def tokens(text: str) -> list[str]:
    """Stemmed content tokens: what keyword matching and synonym phrases compare."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def named_council(text: str, councils: Iterable[str]) -> str | None:
    """The council a query names ("we live in Knowsley"), the first if it names several, else None."""
    lowered = text.lower()
    found = [(m.start(), c) for c in councils if c and (m := re.search(rf"\b{re.escape(c)}\b", lowered))]
    return min(found)[1] if found else None


# --- ages ---------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_NUM = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_AGE_PATTERNS = [
    # "8 year old", "8-year-old", "8 yr old", "8 yrs old", "8yo", "8 y/o" (not "waited 2 years")
    re.compile(r"\b" + _NUM + r"\s*-?\s*(?:(?:years?|yrs?)\s*-?\s*old|yo|y/o)\b"),
    # "aged 8", "age 8", "is 8 now"
    re.compile(r"\bage[ds]?\s*:?\s*" + _NUM + r"\b"),
    re.compile(
        r"\b(?:he|she|they|son|daughter|child|kid)\s+(?:is|are|turned|turns|just turned)\s+" + _NUM + r"\b"
    ),
]
_MONTHS = re.compile(r"\b(\d{1,2})\s*-?\s*(?:months?|mths?)\s*-?\s*old\b")
_LIFE_STAGES: list[tuple[re.Pattern[str], tuple[int, int]]] = [
    (re.compile(r"\b(?:new ?born|babies|baby|infant)\b"), (0, 1)),
    (re.compile(r"\b(?:toddlers?)\b"), (1, 3)),
    (re.compile(r"\b(?:pre-?school(?:er)?s?|nursery age)\b"), (2, 4)),
    (re.compile(r"\bprimary school\b"), (4, 11)),
    (re.compile(r"\b(?:secondary school|high school)\b"), (11, 16)),
    (re.compile(r"\b(?:teenagers?|teens?|adolescents?)\b"), (13, 19)),
    (re.compile(r"\byoung adults?\b"), (18, 25)),
]
_SCHOOL_YEAR = re.compile(r"\b(?:year|yr)\s*(\d{1,2})\b(?!\s*-?\s*olds?)")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # the query as typed (trimmed)
    keyword_text: str  # the query without the age phrases, for keyword matching
    age_min: int | None = None
    age_max: int | None = None

    @property
    def has_age(self) -> bool:
        return self.age_min is not None


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def parse_query(text: str) -> ParsedQuery:
    """Find the age a query names, if any: "my 8 yr old" → 8..8, "toddler" → 1..3, "year 6" → 10..11."""
    text = " ".join(text.split())
    lowered = text.lower()
    spans: list[tuple[int, int]] = []
    ages: list[int] = []
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(lowered):
            age = _number(match.group(1))
            if 0 <= age <= 30:
                ages.append(age)
                spans.append(match.span())
    for match in _MONTHS.finditer(lowered):
        ages.append(int(match.group(1)) // 12)
        spans.append(match.span())
    low = high = None
    if ages:
        low, high = min(ages), max(ages)
    else:
        for match in _SCHOOL_YEAR.finditer(lowered):
            year = int(match.group(1))
            if 1 <= year <= 14:  # English school years: year N is mostly age N+4 to N+5
                low, high = year + 4, year + 5
                spans.append(match.span())
                break
        if low is None:
            for pattern, (a, b) in _LIFE_STAGES:
                match = pattern.search(lowered)
                if match:
                    low, high = a, b
                    break
    keyword_text = lowered
    for start, end in sorted(spans, reverse=True):
        keyword_text = keyword_text[:start] + " " + keyword_text[end:]
    return ParsedQuery(text=text, keyword_text=" ".join(keyword_text.split()), age_min=low, age_max=high)
