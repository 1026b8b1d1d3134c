"""Hand-over to SENDIASS (free, impartial, confidential advice) with a copyable, redacted summary."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common, formatting
from actions.directory_client import DirectoryError, get_client
from send_common.redaction import redact

# Someone asking who their own person is; "the SEND team" alone (a complaint, a delay) is not that question.
CASEWORKER = re.compile(r"\b(case ?worker|co-?ordinator|send officer)\b", re.IGNORECASE)
FORUM_INTENTS = {"parent_struggling", "contact_sendiass"}


def user_messages(tracker: Tracker) -> list[str]:
    return [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]


def summary_lines(tracker: Tracker) -> str:
    """The family's messages with personal details removed (the last 'yes please' left out)."""
    texts = user_messages(tracker)
    if texts and common.intent(tracker) == "affirm":
        texts = texts[:-1]
    meaningful = [t for t in texts if len(t.split()) >= 3 and not common.is_payload(t)]
    return formatting.conversation_summary(redact(t) for t in meaningful)


async def say_sendiass(dispatcher: CollectingDispatcher, tracker: Tracker, *, with_forum: bool) -> None:
    try:
        card = await get_client().council_help(common.council(tracker))
    except DirectoryError:
        common.say(dispatcher, "utter_directory_down")
        return
    sendiass = card.get("sendiass")
    if sendiass:
        contact = formatting.contact_text(sendiass) or (card.get("local_offer") or {}).get("url", "")
        common.say(dispatcher, "utter_sendiass", name=sendiass.get("name"), contact=contact)
    else:
        common.say(dispatcher, "utter_sendiass_unknown")
    forum = card.get("parent_forum")
    if with_forum and forum and formatting.contact_text(forum):
        common.say(
            dispatcher, "utter_parent_forum", name=forum.get("name"), contact=formatting.contact_text(forum)
        )


class ActionEscalateSendiass(Action):
    def name(self) -> str:
        return "action_escalate_sendiass"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if CASEWORKER.search(common.text(tracker)):
            common.say(dispatcher, "utter_caseworker")
        await say_sendiass(dispatcher, tracker, with_forum=common.intent(tracker) in FORUM_INTENTS)
        if summary_lines(tracker):
            common.say(dispatcher, "utter_offer_summary")
        return []


class ActionConversationSummary(Action):
    def name(self) -> str:
        return "action_conversation_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        summary = summary_lines(tracker)
        if summary:
            common.say(dispatcher, "utter_summary", summary=summary)
        else:
            common.say(dispatcher, "utter_summary_empty")
        return []
