"""The conversation rubric (directory/chat_rubric.py, which `make eval-bot` runs over the whole development
set) over a sample of the development questions, against the real stack; and service cards end to end."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from directory.chat_rubric import Totals, score

pytestmark = pytest.mark.e2e
# Copied verbatim from ../shared/eval/dev_questions.jsonl (one question of each category, two risk of harm).
SAMPLE = Path(__file__).parent / "data" / "dev_questions_sample.jsonl"
QUESTIONS = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
_ids = itertools.count()


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_a_development_question_passes_the_rubric(stack, question):
    metadata = {"easy_read": True} if question["easy_read"] else None
    messages = stack.say(f"rubric-{question['id']}-{next(_ids)}", question["text"], metadata=metadata)
    verdict = score(question, messages)
    assert verdict.passed, f"{verdict.failures}\n{json.dumps(messages, indent=1)[:3000]}"


def test_the_rubric_fails_an_answer_to_another_question(stack):
    """The rubric can fail against real answers: a greeting is not an answer to a risk-of-harm question."""
    risk = next(q for q in QUESTIONS if q["category"] == "safeguarding")
    greeting = stack.say(f"rubric-wrong-{next(_ids)}", "hello")
    assert not Totals([score(risk, greeting)]).acceptable(0.9)


def cards_of(messages: list[dict]) -> list[dict]:
    return [
        s
        for m in messages
        if (m.get("custom") or {}).get("type") == "service_cards"
        for s in m["custom"]["services"]
    ]


def test_the_widget_gateway_gets_cards_and_no_list_as_text(stack):
    body = stack.chat(f"cards-widget-{next(_ids):04d}", "is there a youth club for autistic teenagers")
    messages = body["messages"]
    cards = cards_of(messages)
    assert body["fallback"] is False and cards, messages
    assert any("alchemy" in c["name"].lower() or "phoenix" in c["name"].lower() for c in cards), cards
    assert all(c.get("who_for") and c.get("how_to_get") and c.get("last_reviewed") for c in cards), cards
    texts = " ".join(m.get("text", "") for m in messages).lower()
    assert "how to get it" not in texts, texts  # the list is in the cards only
    assert "local offer" in texts  # the intro from domain.yml


def test_a_plain_rest_client_gets_the_list_as_text_and_as_cards(stack):
    messages = stack.say(f"cards-rest-{next(_ids)}", "is there a youth club for autistic teenagers")
    cards = cards_of(messages)
    texts = [m["text"] for m in messages if "text" in m]
    assert cards and all(any(c["name"] in t for t in texts) for c in cards), messages
