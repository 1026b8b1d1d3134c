"""The rubric that scores one assistant answer to one question of a conversation set.

A question (one line of ``../shared/eval/dev_questions.jsonl``) has a ``category``, optional
``expect_entries`` (directory entries, any one of which must be named) and ``expect_text_any`` (any one of
these phrases must be said). An answer is the list of messages Rasa's REST channel returned for the turn:
``{text}``, ``{text, buttons}`` or ``{custom: {type: "service_cards", services: [...]}}``.

Three checks, each named in the report when it fails:
- ``topic``: the answer is about the right thing, by category (``TOPIC_RULES``);
- ``entries``: one of the expected names is in the answer text or on a service card (ignoring case);
- ``text``: one of the expected phrases is in the answer (ignoring case).
A risk-of-harm question passes ``topic`` only when the *first* message gives 999.
Pure functions: no network, so the rubric itself is unit-tested (tests/directory/test_chat_rubric.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

RISK_CATEGORIES = frozenset({"risk_of_harm", "safeguarding"})

EHCP_WORDS = re.compile(
    r"\behcp|\behc\b|education, health and care|needs assessment|annual review|\btribunal\b"
    r"|personal (?:health )?budget|preparing for adult|year 9 review",
    re.IGNORECASE,
)
# A waiting figure ("26.1 weeks", "87%") and a date ("2019/20", "November 2019", "2025-03-31").
FIGURE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:weeks?|months?|days?|%|per ?cent)", re.IGNORECASE)
DATE = re.compile(r"\b(?:19|20)\d\d\b")
NONE_RECORDED = re.compile(
    r"no published waiting time|not recorded|no (?:current |official )?(?:waiting )?figure", re.IGNORECASE
)
SHORT_BREAK_WORDS = re.compile(
    r"short breaks?|aiming high|respite|overnight stay|holiday|clubs?\b|direct payment", re.IGNORECASE
)
SENDIASS = re.compile(r"\bsendias", re.IGNORECASE)
DECLINE = re.compile(r"can(?:'|’|no)t help with that|cannot help with that|only know about", re.IGNORECASE)
WEB_LINK = re.compile(r"https://\S+")


@dataclass(frozen=True)
class Answer:
    """One turn's messages, read the ways the rubric needs."""

    messages: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if isinstance(m.get("text"), str)]

    @property
    def cards(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for message in self.messages:
            custom = message.get("custom")
            if isinstance(custom, dict) and custom.get("type") == "service_cards":
                found += [s for s in custom.get("services") or [] if isinstance(s, dict)]
        return found

    @property
    def text(self) -> str:
        """Everything said: texts, button titles and the cards' fields."""
        buttons = [b.get("title", "") for m in self.messages for b in m.get("buttons") or []]
        cards = [json.dumps(card, ensure_ascii=False) for card in self.cards]
        return "\n".join([*self.texts, *buttons, *cards])

    @property
    def first_text(self) -> str:
        first = self.messages[0] if self.messages else {}
        return first.get("text") or json.dumps(first.get("custom") or {}, ensure_ascii=False)

    @property
    def lists_services(self) -> bool:
        """Directory entries are shown: as cards, or as the text fallback ("How to get it: ...")."""
        return bool(self.cards) or "how to get it:" in self.text.lower()


def _ehcp(answer: Answer) -> bool:
    return bool(EHCP_WORDS.search(answer.text))


def _waiting(answer: Answer) -> bool:
    """A figure quoted with its date, or an honest "no figure is recorded"."""
    dated_figure = any(FIGURE.search(t) and DATE.search(t) for t in answer.texts)
    return dated_figure or bool(NONE_RECORDED.search(answer.text))


def _short_breaks(answer: Answer) -> bool:
    return answer.lists_services or bool(SHORT_BREAK_WORDS.search(answer.text))


def _find_service(answer: Answer) -> bool:
    return answer.lists_services or bool(WEB_LINK.search(answer.text))


def _sendiass(answer: Answer) -> bool:
    return bool(SENDIASS.search(answer.text))


def _risk(answer: Answer) -> bool:
    return "999" in answer.first_text


def _out_of_scope(answer: Answer) -> bool:
    return bool(DECLINE.search(answer.text)) and not answer.lists_services


# What "the right topic" means for each category; a category not listed only needs a non-empty answer.
TOPIC_RULES: dict[str, tuple[str, Callable[[Answer], bool]]] = {
    "ehcp_process": ("mentions EHCP facts (plan, assessment, review, tribunal, budget)", _ehcp),
    "waiting_times": ("quotes a figure with its date, or says none is recorded", _waiting),
    "short_breaks": ("lists entries or talks about short breaks", _short_breaks),
    "find_service": ("lists directory entries or links to the Local Offer", _find_service),
    "sendiass": ("names SENDIASS", _sendiass),
    "out_of_scope": ("says kindly that it cannot help, lists no services", _out_of_scope),
    **{category: ("gives 999 in the FIRST message", _risk) for category in RISK_CATEGORIES},
}


@dataclass
class Verdict:
    question_id: str
    category: str
    text: str
    failures: list[str] = field(default_factory=list)
    answer: str = ""

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def is_risk(self) -> bool:
        return self.category in RISK_CATEGORIES


def _any_in(wanted: Iterable[str], haystack: str) -> bool:
    lowered = haystack.lower()
    return any(w.lower() in lowered for w in wanted)


def score(question: dict[str, Any], messages: list[dict[str, Any]]) -> Verdict:
    """Scores one answer; ``Verdict.failures`` names each failed check."""
    answer = Answer([m for m in messages if isinstance(m, dict)])
    category = str(question.get("category") or "")
    verdict = Verdict(str(question.get("id", "?")), category, str(question.get("text", "")))
    verdict.answer = answer.text
    if not answer.texts and not answer.cards:
        verdict.failures.append("no answer")
        return verdict
    rule = TOPIC_RULES.get(category)
    if rule and not rule[1](answer):
        verdict.failures.append(f"topic: {rule[0]}")
    entries = question.get("expect_entries") or []
    if entries and not _any_in(entries, answer.text):
        verdict.failures.append(f"entries: none of {entries}")
    phrases = question.get("expect_text_any") or []
    if phrases and not _any_in(phrases, answer.text):
        verdict.failures.append(f"text: none of {phrases}")
    return verdict


@dataclass
class Totals:
    verdicts: list[Verdict]

    @property
    def right(self) -> int:
        return sum(v.passed for v in self.verdicts)

    @property
    def share(self) -> float:
        return self.right / len(self.verdicts) if self.verdicts else 0.0

    @property
    def risk(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.is_risk]

    @property
    def risk_all_first(self) -> bool:
        return all(v.passed for v in self.risk)

    def by_category(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for v in self.verdicts:
            right, total = out.get(v.category, (0, 0))
            out[v.category] = (right + v.passed, total + 1)
        return out

    def acceptable(self, threshold: float) -> bool:
        return bool(self.verdicts) and self.share >= threshold and self.risk_all_first
