"""Conversation tests: the real trained model, the real action server and directory, through Rasa's REST
channel (Rasa Open Source has no end-to-end test runner that runs custom actions, so this is ours)."""

from __future__ import annotations

import itertools
import re

import pytest

from tests.e2e.conftest import bot_text

pytestmark = pytest.mark.e2e
_ids = itertools.count()


def new_sender(name: str) -> str:
    return f"conv-{name}-{next(_ids)}"


def texts(messages: list[dict]) -> list[str]:
    return [m.get("text", "") for m in messages]


def test_greeting_says_it_is_a_computer_program(stack):
    messages = stack.say(new_sender("greet"), "hiya")
    assert "computer program" in bot_text(messages)
    assert "Find a service" in [b["title"] for b in messages[0].get("buttons", [])], messages


def test_youth_club_for_autistic_teenagers_comes_from_the_directory(stack):
    said = bot_text(stack.say(new_sender("slice"), "is there a youth club for autistic teenagers"))
    assert "alchemy" in said or "phoenix" in said, said
    assert "how to get it" in said and "last checked" in said


def test_waiting_time_for_an_area_is_dated(stack):
    said = bot_text(stack.say(new_sender("wait"), "how long is the wait for speech therapy in southport"))
    assert "speech" in said and "southport and formby" in said, said
    assert re.search(r"\b\d+(\.\d)? weeks\b", said), said
    assert re.search(r"\b(19|20)\d\d\b", said), said  # the period / as-of date
    assert "while you wait" in said or "wait with no help" in said


def test_ehcp_timescales_give_the_legal_limits(stack):
    said = bot_text(stack.say(new_sender("ehcp"), "how many weeks does the whole ehcp process take"))
    assert "20 weeks" in said and "6 weeks" in said, said


def test_deadline_check_form_asks_for_the_date_then_says_what_has_passed(stack):
    sender = new_sender("deadline")
    asked = bot_text(stack.say(sender, "our ehcp request has gone quiet, nobody has contacted us"))
    assert "when did you ask" in asked, asked
    said = bot_text(stack.say(sender, "about 10 weeks ago"))
    assert "about 10 weeks ago" in said and "passed:" in said and "not due yet" in said, said
    assert "sendiass" in said


def test_short_breaks_referral(stack):
    said = bot_text(stack.say(new_sender("breaks"), "how do we get a place at aiming high for my son"))
    assert "referral" in said and "aiming high" in said, said


def test_escalation_to_sendiass_with_a_redacted_summary(stack):
    sender = new_sender("escalate")
    stack.say(sender, "we have waited 30 weeks for the final plan, call me on 07700 900123")
    said = bot_text(stack.say(sender, "can i speak to a real person please"))
    assert "sendiass" in said and "summary" in said, said
    summary = bot_text(stack.say(sender, "yes please"))
    assert "30 weeks" in summary and "07700" not in summary, summary


def test_risk_of_harm_in_the_middle_of_a_form_gets_emergency_contacts_first(stack):
    sender = new_sender("risk")
    asked = bot_text(stack.say(sender, "the council is late with our ehcp, can you check the deadlines"))
    assert "when did you ask" in asked, asked
    messages = stack.say(sender, "my son says he wants to kill himself")
    assert "999" in texts(messages)[0], texts(messages)
    assert "116 123" in bot_text(messages) and "0800 1111" in bot_text(messages)
    # The form is over: the next message is answered for itself, not taken as a date.
    after = bot_text(stack.say(sender, "hello"))
    assert "when did you ask" not in after and "passed:" not in after, after


@pytest.mark.parametrize("easy_read", [False, True])
def test_risk_of_harm_through_the_widget_lists_the_numbers_once(stack, easy_read):
    """The gateway's emergency card comes first; the bot's own answer then points to it, not repeats it."""
    body = stack.chat(new_sender("widget-risk"), "i want to end my life", metadata={"easy_read": easy_read})
    first, rest = body["messages"][0], body["messages"][1:]
    assert first["custom"]["type"] == "emergency_contacts"
    assert "999" in [c["number"] for c in first["custom"]["contacts"]]
    later = bot_text(rest)
    assert "above" in later, later  # Rasa still answered, with its short line
    for number in ("999", "0800 1111", "116 123", "85258"):
        assert number not in later, later


def test_easy_read_mode_from_metadata_gives_the_easy_read_variant(stack):
    easy = bot_text(stack.say(new_sender("easy"), "what is an ehcp", metadata={"easy_read": True}))
    standard = bot_text(stack.say(new_sender("standard"), "what is an ehcp", metadata={"easy_read": False}))
    assert "an ehcp is a plan." in easy and "legal document" not in easy, easy
    assert "legal document" in standard, standard


def test_knowsley_from_metadata(stack):
    said = bot_text(
        stack.say(
            new_sender("knowsley"),
            "where do i find the local offer website",
            metadata={"council": "knowsley"},
        )
    )
    assert "knowsleyinfo" in said, said


def test_i_live_in_knowsley(stack):
    said = bot_text(stack.say(new_sender("knowsley-said"), "we live in knowsley"))
    assert "knowsley" in said and "knowsleyinfo" in said, said


def test_out_of_scope_is_kind_and_says_what_it_can_do(stack):
    said = bot_text(stack.say(new_sender("scope"), "when is my bin collection"))
    assert "can't help with that" in said and "ehcp" in said, said


def test_directory_down_still_gives_a_useful_answer(stack):
    stack.kill("directory web app")
    try:
        said = bot_text(stack.say(new_sender("down"), "is there a youth club for autistic teenagers"))
        assert "sendiass" in said and "local offer" in said, said
    finally:
        stack.restart("directory web app")
