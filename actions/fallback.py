"""When the assistant is not sure: try a directory search with the raw text before giving up; record
what could not be answered (personal details removed) for the staff gap report; after two misses in a
row, offer SENDIASS."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.directory_client import DirectoryError, get_client
from actions.escalation import say_sendiass
from actions.search_directory import search, show_results
from send_common.redaction import redact

WORD = re.compile(r"[a-z]{3,}")
STOP = set(
    "the and for you are can what how who with this that have has was his her him she they them "
    "from about any there just not but our your yes".split()
)


def searchable(text: str) -> bool:
    """Worth a directory search: at least two real words."""
    return len([w for w in WORD.findall(text.lower()) if w not in STOP]) >= 2


async def record_gap(tracker: Tracker) -> None:
    text = common.text(tracker)
    if not text or common.is_payload(text):
        return
    await get_client().record_gap(
        text=redact(text),
        intent=common.intent(tracker),
        confidence=common.confidence(tracker),
        council=common.council(tracker),
    )


class ActionFallbackSearch(Action):
    def name(self) -> str:
        return "action_fallback_search"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = common.text(tracker)
        misses = int(tracker.get_slot("fallback_count") or 0) + 1
        results: list[dict[str, Any]] = []
        if searchable(text):
            try:
                results = await search(tracker, text, None)
            except DirectoryError:
                results = []
        if results:
            show_results(dispatcher, tracker, domain, results, intro="utter_search_fallback_intro", limit=2)
            common.say(dispatcher, "utter_topic_buttons")
        else:
            common.say(dispatcher, "utter_default")
        await record_gap(tracker)
        if misses >= 2:
            await say_sendiass(dispatcher, tracker, with_forum=False)
            misses = 0
        return [SlotSet("fallback_count", float(misses))]


class ActionRecordGap(Action):
    def name(self) -> str:
        return "action_record_gap"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        await record_gap(tracker)
        return []
