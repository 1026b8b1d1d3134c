"""Groups similar questions by token Jaccard similarity: cheap, deterministic and good enough for a gap report."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

STOPWORDS = frozenset(
    """
a an and are at be can could do does for from get got have how i if in is it me my of on or our please
should so that the there to us we what when where which who why will with would you your any about am
""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> frozenset[str]:
    words = _TOKEN.findall((text or "").lower())
    out = set()
    for word in words:
        if word in STOPWORDS or len(word) < 2:
            continue
        # crude plural folding so "breaks"/"break" and "therapies"/"therapy" meet
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        out.add(word)
    return frozenset(out)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def week_of(when: datetime | date) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Group:
    label: str
    tokens: frozenset[str]
    kind: str
    count: int = 0
    examples: Counter = field(default_factory=Counter)
    weeks: Counter = field(default_factory=Counter)


def group_questions(rows: list[tuple[str, str, datetime]], threshold: float = 0.5) -> list[Group]:
    """``rows`` are (text, kind, when). Returns groups, the largest first, each with counts per ISO week."""
    by_text: dict[tuple[str, str], list[datetime]] = {}
    for text, kind, when in rows:
        key = (" ".join((text or "").split()).lower(), kind)
        by_text.setdefault(key, []).append(when)
    groups: list[Group] = []
    # Most frequent wording first, so it becomes the group's label.
    for (text, kind), whens in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        toks = tokens(text)
        best, best_score = None, 0.0
        for group in groups:
            if group.kind != kind:
                continue
            score = jaccard(toks, group.tokens)
            if score > best_score:
                best, best_score = group, score
        if best is None or best_score < threshold:
            best = Group(label=text, tokens=toks, kind=kind)
            groups.append(best)
        best.count += len(whens)
        best.examples[text] += len(whens)
        for when in whens:
            best.weeks[week_of(when)] += 1
    groups.sort(key=lambda g: (-g.count, g.label))
    return groups
