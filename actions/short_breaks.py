"""Short breaks: the entries that match (Aiming High clubs, Springbrook stays, ...) after the general
answer and the referral note said by the rules."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common, parsing
from actions.directory_client import DirectoryError
from actions.search_directory import search, show_results

# Added to very short or general questions so the search looks among short breaks.
CONTEXT = "short breaks respite clubs Aiming High"


class ActionShortBreaks(Action):
    def name(self) -> str:
        return "action_short_breaks"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = common.text(tracker)
        query = CONTEXT if common.is_payload(message) else message
        if len(query.split()) <= 4 and query != CONTEXT:
            query = f"{query} {CONTEXT}"
        age = parsing.parse_age(common.entity(tracker, "age")) or parsing.age_from_text(message)
        try:
            results = await search(tracker, query, age)
        except DirectoryError:
            common.say(dispatcher, "utter_directory_down")
            return []
        if results:
            show_results(dispatcher, tracker, domain, results)
        return [SlotSet("last_query", query)]
