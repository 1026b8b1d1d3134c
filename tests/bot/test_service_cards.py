"""Directory results as service cards (actions/service_cards.py): sent beside the text results, and
instead of them when the client renders cards (metadata.service_cards, set by the chat gateway)."""

from __future__ import annotations

from actions.fallback import ActionFallbackSearch
from actions.search_directory import ActionSearchDirectory
from actions.short_breaks import ActionShortBreaks
from tests.bot.conftest import make_tracker, responses, run_action

QUESTION = "is there a youth club for autistic teenagers"


def cards_in(messages: list[dict]) -> list[dict]:
    payloads = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "service_cards"]
    assert len(payloads) <= 1, "one card list per answer"
    return payloads[0]["services"] if payloads else []


def test_a_plain_rest_client_gets_the_text_list_and_the_same_entries_as_cards(directory, domain):
    messages, _ = run_action(ActionSearchDirectory(), make_tracker(QUESTION, intent="find_service"), domain)
    texts = [m for m in messages if m.get("response") == "utter_service_result"]
    cards = cards_in(messages)
    assert [c["name"] for c in cards] == [t["name"] for t in texts] == ["Alchemy", "Phoenix Social Group"]
    first = cards[0]
    assert first["who_for"] == texts[0]["who"] == "Young people aged 11-25 with autism."
    assert first["how_to_get"] == "You need a referral to the Aiming High Team."
    assert first["last_reviewed"] == "March 2025"
    assert first["contact"] == first["url"] == "https://example.org/alchemy"
    assert (
        first["summary"].startswith("Aiming High youth club") and first["easy_read"] == "Alchemy helps you."
    )
    assert responses(messages)[0] == "utter_service_results_intro"


def test_a_client_that_renders_cards_gets_the_intro_and_the_cards_only(directory, domain):
    tracker = make_tracker(QUESTION, intent="find_service", metadata={"service_cards": True})
    messages, _ = run_action(ActionSearchDirectory(), tracker, domain)
    assert "utter_service_result" not in responses(messages)
    assert responses(messages)[0] == "utter_service_results_intro"
    assert [c["name"] for c in cards_in(messages)] == ["Alchemy", "Phoenix Social Group"]


def test_only_a_true_flag_drops_the_text_list(directory, domain):
    tracker = make_tracker(QUESTION, intent="find_service", metadata={"service_cards": "yes"})
    messages, _ = run_action(ActionSearchDirectory(), tracker, domain)
    assert "utter_service_result" in responses(messages)


def test_a_card_leaves_out_what_the_directory_does_not_record(directory, domain):
    for service in directory.services:
        service.update(url=None, x_last_reviewed=None, x_easy_read=None)
    messages, _ = run_action(ActionSearchDirectory(), make_tracker(QUESTION, intent="find_service"), domain)
    card = cards_in(messages)[0]
    assert "contact" not in card and "url" not in card and "last_reviewed" not in card
    assert "easy_read" not in card
    text = [m for m in messages if m.get("response") == "utter_service_result"][0]
    assert text["contact"].startswith("not recorded in the directory")  # the text says so in domain.yml words


def test_short_breaks_and_the_fallback_search_send_cards_too(directory, domain):
    breaks, _ = run_action(
        ActionShortBreaks(), make_tracker("what is aiming high", intent="short_breaks"), domain
    )
    assert cards_in(breaks)
    fallback, _ = run_action(
        ActionFallbackSearch(), make_tracker("autistic youth club teenagers", intent="nlu_fallback"), domain
    )
    assert [c["name"] for c in cards_in(fallback)][:1] == ["Alchemy"]


def test_no_results_send_no_cards(directory, domain):
    directory.services = []
    messages, _ = run_action(ActionSearchDirectory(), make_tracker(QUESTION, intent="find_service"), domain)
    assert cards_in(messages) == [] and "utter_no_results" in responses(messages)
