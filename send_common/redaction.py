"""Remove personal data from free text before it is stored or logged. Pure standard library.

``redact("my son is called Jack, ring me on 07700 900123")``
-> ``"my son is called [name], ring me on [phone]"``.
Kinds (tags): name, phone, email, postcode, date, nhs number, address. Durations ("14 months"), ages
("8 year old"), school years ("Year 9", "Yr 6") and bare years ("2019") are kept: they carry meaning.
Service names (SENDIASS, CAMHS, Aiming High, Alder Hey) and towns are never treated as names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from send_common._words import COMMON_WORDS, FUNCTION_WORDS, POSTCODE_AREAS

Span = tuple[int, int]
KINDS = ("name", "phone", "email", "postcode", "date", "date of birth", "nhs number", "address")
# A date of birth is tagged like any date, but is its own kind so ``redact(text, keep={"date"})`` can keep
# ordinary dates (the EHCP deadline check needs "we asked on 3 March 2025") and still remove birth dates.
TAGS = {kind: f"[{kind}]" for kind in KINDS} | {"date of birth": "[date]"}
_BIRTH_BEFORE = re.compile(
    r"\b(?:born|birthday|d\.?o\.?b\.?|date\s+of\s+birth)\W*(?:on|is|was|:)?\W*(?:the\s+)?$", re.IGNORECASE
)
# Public national helplines are not personal data and must survive (Childline, NSPCC, Samaritans, Shout).
PUBLIC_NUMBERS = frozenset({"08001111", "08088005000", "116123", "85258", "999", "111"})

_F = re.IGNORECASE
_EMAIL = re.compile(r"[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", _F)
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)(?:[\s.()-]{0,2}\d){9,10}(?!\d)")
_PHONE_CUE = re.compile(
    r"\b(?:(?:ring|call|text|phone|contact|reach)\s+(?:me|us)\s+on|(?:my|our|his|her)\s+(?:mobile|mob|"
    r"number|phone(?:\s+number)?|tel|landline)(?:\s+(?:is|number\s+is))?\s*:?|tel\s*:|mobile\s*:)\s*"
    r"(\+?\d(?:[\s.-]?\d){5,13})",
    _F,
)
_NHS = re.compile(r"(?<![\d+])[1-9]\d{2}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_NHS_CUE = re.compile(r"\bnhs\s*(?:number|no\.?|num)\s*(?:is|:)?\s*(\d(?:[ -]?\d){9})(?!\d)", _F)

_AREA = "|".join(sorted(POSTCODE_AREAS, key=len, reverse=True))
_POSTCODE = re.compile(rf"(?<![A-Za-z0-9])(?:{_AREA})\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{{2}}(?![A-Za-z0-9])", _F)
_OUTWARD_CUE = re.compile(
    rf"\b(?:post\s?code|postal\s+code|live\s+in|living\s+in|based\s+in|we(?:'|’)?re\s+in)\s*(?:is|:)?\s*"
    rf"((?:{_AREA})\d[A-Z\d]?)(?![A-Za-z0-9])",
    _F,
)
# Outward codes alone only when written in capitals and unambiguous (two digits or a two-letter area).
_OUTWARD = re.compile(rf"(?<![A-Za-z0-9])(?:(?:{_AREA.upper()})\d\d|[A-Z]{{2}}\d[A-Z\d]?)(?![A-Za-z0-9])")
_OUTWARD_SAFE = frozenset(
    {
        "B12",
        "B6",
        "M25",
        "M53",
        "M56",
        "M57",
        "M58",
        "M60",
        "M61",
        "M62",
        "M65",
        "E45",
        "N95",
        "KS1",
        "KS2",
        "KS3",
        "KS4",
        "KS5",
        "PE1",
        "PE2",
        "SW1",
    }
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:(?:19|20)\d\d|['’]\d\d)"
_DATES = [
    re.compile(
        r"(?<![\d/.-])(?:[12]\d|3[01]|0?[1-9])([/.-])(?:1[0-2]|0?[1-9])\1(?:(?:19|20)?\d\d)"
        r"(?![\d/.-])"
    ),
    re.compile(r"(?<![\d/.-])(?:19|20)\d\d([/.-])(?:1[0-2]|0?[1-9])\1(?:[12]\d|3[01]|0?[1-9])(?![\d/.-])"),
    re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", _F),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", _F),
]
_BIRTH_CUE = re.compile(
    rf"\b(?:born(?:\s+on)?|birthday(?:\s+is)?|d\.?o\.?b\.?|date\s+of\s+birth(?:\s+is)?)\s*:?\s*(?:the\s+)?"
    rf"({_DAY}(?:\s+of)?\s+{_MONTH}|{_MONTH}\s+{_DAY}|(?:[12]\d|3[01]|0?[1-9])[/.-](?:1[0-2]"
    rf"|0?[1-9]))(?![\d/])",
    _F,
)

_STREET = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|close|drive|crescent|cres|court|place|grove|gardens|"
    r"gdns|terrace|walk|mews|square|rise|parade|hill|row|green|vale|view|park|boulevard|croft|fold|"
    r"way|brow|meadows?|chase|gate|wynd)"
)
_ADDRESS = re.compile(rf"\b\d{{1,4}}[a-z]?,?\s+((?:[a-z][a-z'’-]*\s+){{1,3}}){_STREET}\b\.?", _F)
_FLAT = re.compile(r"\b(?:flat|apartment|apt|house\s+number|house\s+no\.?)\s*\d{1,4}[a-z]?\b", _F)
_ADDRESS_CUE = re.compile(
    r"\b(?:(?:my|our|home)\s+address\s*(?:is|:)|i\s+live\s+at|we\s+live\s+at)\s+"
    r"([^.!?\n,;]{3,60}?)(?=[.!?\n,;]|$)",
    _F,
)

_RELATION = (
    r"(?:son|daughter|child|kid|boy|girl|baby|toddler|teenager|grandson|granddaughter|grandchild|"
    r"brother|sister|niece|nephew|step\s?son|step\s?daughter|foster\s+(?:son|daughter|child)|twins?|"
    r"husband|wife|partner)"
)
_W = r"[A-Za-z][A-Za-z'’-]*"
# Strong cues: the next word is a name whatever its case.
_NAME_STRONG = re.compile(
    rf"\b(?:(?:my|his|her|their|our|{_RELATION}(?:'s|’s|s)?)\s+(?:(?:full|first|last|sur)\s?)?name(?:'s|’s"
    rf"|\s+is|"
    rf"\s+was|\s*:)|(?:{_RELATION}|he|she|they|i)(?:\s+is|\s+was|\s+are|\s+am|'s|’s|'m|’m|s|m)?\s+(?:called"
    rf"|named)"
    rf"|\bnamed)\s+({_W})((?:\s+{_W})?)",
    _F,
)
# Weak cues: the next word must start with a capital ("my daughter Amy", "I'm Sarah Smith", "Mrs Jones").
_NAME_WEAK = re.compile(
    rf"(?:\b(?:[Mm]y|[Oo]ur)\s+{_RELATION},?|\b(?:I'm|I’m|Im|I am|i'm|i am)|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"
    rf"|\b(?:[Tt]hanks|[Tt]hank you|[Cc]heers|[Rr]egards|[Bb]est wishes|[Ll]ove),?(?=\s*[A-Z][a-z]+\W*$))"
    rf"\s+([A-Z][A-Za-z'’-]*)((?:\s+[A-Z][A-Za-z'’-]*)?)"
)


def _is_name_word(word: str) -> bool:
    w = word.lower().strip("'’-")
    return bool(w) and w not in COMMON_WORDS and not (word.isupper() and len(word) > 1)


def _find_names(text: str) -> list[tuple[str, Span]]:
    found: list[tuple[str, Span]] = []
    for pattern, first_needs_capital in ((_NAME_STRONG, False), (_NAME_WEAK, True)):
        for m in pattern.finditer(text):
            first, rest = m.group(1), m.group(2)
            if not _is_name_word(first) or (first_needs_capital and not first[0].isupper()):
                continue
            end = m.end(1)
            surname = rest.strip()
            if surname and surname[0].isupper() and _is_name_word(surname):
                end = m.end(2)
            while text[m.start(1) : end].lower().endswith(("'s", "’s")):
                end -= 2
            found.append(("name", (m.start(1), end)))
    return found


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def find_personal_data(text: str) -> list[tuple[str, Span]]:
    """Every piece of personal data in ``text`` as ``(kind, (start, end))``, sorted, never overlapping."""
    if not text:
        return []
    cands: list[tuple[str, Span]] = [("email", m.span()) for m in _EMAIL.finditer(text)]
    for m in _PHONE.finditer(text):
        if _digits(m.group()).lstrip("0") not in PUBLIC_NUMBERS and _digits(m.group()) not in PUBLIC_NUMBERS:
            cands.append(("phone", m.span()))
    for m in _PHONE_CUE.finditer(text):
        if _digits(m.group(1)) not in PUBLIC_NUMBERS:
            cands.append(("phone", m.span(1)))
    cands += [("nhs number", m.span(1)) for m in _NHS_CUE.finditer(text)]
    cands += [("nhs number", m.span()) for m in _NHS.finditer(text)]
    cands += [("postcode", m.span()) for m in _POSTCODE.finditer(text)]
    cands += [("postcode", m.span(1)) for m in _OUTWARD_CUE.finditer(text)]
    cands += [
        ("postcode", m.span())
        for m in _OUTWARD.finditer(text)
        if m.group() not in _OUTWARD_SAFE
        and (m.group()[:2] in POSTCODE_AREAS or m.group()[:1] in POSTCODE_AREAS)
    ]
    for pattern in _DATES:
        cands += [("date", m.span()) for m in pattern.finditer(text)]
    cands += [("date of birth", m.span(1)) for m in _BIRTH_CUE.finditer(text)]
    for m in _ADDRESS.finditer(text):
        if all(w.lower().strip("'’-") not in FUNCTION_WORDS for w in m.group(1).split()):
            cands.append(("address", m.span()))
    cands += [("address", m.span()) for m in _FLAT.finditer(text)]
    cands += [("address", m.span(1)) for m in _ADDRESS_CUE.finditer(text)]
    cands += _find_names(text)
    # Longest match wins; earlier start breaks ties.
    cands.sort(key=lambda c: (-(c[1][1] - c[1][0]), c[1][0]))
    chosen: list[tuple[str, Span]] = []
    for kind, (s, e) in cands:
        if all(e <= cs or s >= ce for _, (cs, ce) in chosen):
            chosen.append((kind, (s, e)))
    chosen = [
        (
            "date of birth" if kind == "date" and _BIRTH_BEFORE.search(text[max(0, s - 30) : s]) else kind,
            (s, e),
        )
        for kind, (s, e) in chosen
    ]
    return sorted(chosen, key=lambda c: c[1])


def redact(text: str, *, keep: Iterable[str] = ()) -> str:
    """``text`` with personal data replaced by ``[kind]`` tags. ``keep`` names kinds to leave alone."""
    if not isinstance(text, str) or not text:
        return text
    keep = set(keep)
    out, last = [], 0
    for kind, (s, e) in find_personal_data(text):
        if kind in keep:
            continue
        out.append(text[last:s])
        out.append(TAGS.get(kind, f"[{kind}]"))
        last = e
    out.append(text[last:])
    return "".join(out)


def personal_data_strings(text: str) -> list[tuple[str, str]]:
    """``(kind, literal)`` for each piece of personal data: used to scrub echoes from bot messages."""
    return [(kind, text[s:e]) for kind, (s, e) in find_personal_data(text or "")]


def remove_echoes(text: str, echoes: Iterable[tuple[str, str]], *, keep: Iterable[str] = ()) -> str:
    """Replace literal occurrences of earlier personal data (longest first) in ``text``."""
    if not isinstance(text, str) or not text:
        return text
    keep = set(keep)
    for kind, literal in sorted(set(echoes), key=lambda e: -len(e[1])):
        if len(literal) >= 2 and kind not in keep:
            text = re.sub(rf"(?<!\w){re.escape(literal)}(?!\w)", TAGS.get(kind, f"[{kind}]"), text)
    return text


def redact_value(
    value: object, *, echoes: Iterable[tuple[str, str]] = (), keep: Iterable[str] = ()
) -> object:
    """Redact every string inside nested dicts/lists (keys untouched)."""
    echoes, keep = list(echoes), tuple(keep)
    if isinstance(value, str):
        return remove_echoes(redact(value, keep=keep), echoes, keep=keep)
    if isinstance(value, dict):
        return {k: redact_value(v, echoes=echoes, keep=keep) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, echoes=echoes, keep=keep) for v in value]
    return value
