"""The slice that must work for real: three real processes, the trained model, the embedding model."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.e2e.conftest import bot_text

pytestmark = pytest.mark.e2e


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return json.loads(response.read())


def test_every_process_has_a_health_endpoint(stack):
    assert get_json(f"{stack.web_url}/health")["status"] == "ok"
    assert get_json(f"{stack.actions_url}/health")["status"] == "ok"
    with urllib.request.urlopen(f"{stack.rasa_url}/", timeout=10) as response:  # noqa: S310
        assert b"Rasa" in response.read()


def test_youth_club_question_is_answered_from_the_directory(stack):
    messages = stack.say("e2e-slice", "is there a youth club for autistic teenagers")
    said = bot_text(messages)
    # Entries found by semantic search through the custom action, each with who it is for and how to get a place.
    assert "alchemy" in said or "phoenix" in said, said
    assert "refer" in said, said


def test_directory_answer_matches_the_directory_api(stack):
    """The names the bot shows are the directory's own top results for the same words."""
    api = get_json(
        f"{stack.web_url}/api/services?search=youth+club+for+autistic+teenagers&council=sefton&per_page=5"
    )
    names = [service["name"].lower() for service in api["contents"]]
    said = bot_text(stack.say("e2e-slice-2", "is there a youth club for autistic teenagers"))
    assert any(name in said for name in names[:3]), (names, said)


def test_gateway_answers_usefully_within_5_seconds_when_the_action_server_is_down(stack):
    stack.kill("action server")
    try:
        started = time.monotonic()
        reply = stack.chat("e2e-down", "is there a youth club for autistic teenagers")
        elapsed = time.monotonic() - started
        said = bot_text(reply["messages"])
        assert elapsed < 5.0, elapsed
        assert reply["fallback"] is True
        assert "sendiass" in said and "local offer" in said, said
    finally:
        stack.restart("action server")
