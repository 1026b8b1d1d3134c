"""Find a service: search the directory with the family's words, age and council; show the top entries.

Each entry shows who it is for, how to get it, the contact details as recorded and when it was last
checked. When the top entries are for different ages and we do not know the child's age, we ask for it
(with a skip button) after showing them: the answer changes only then.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common, formatting, parsing, service_cards
from actions.directory_client import DirectoryError, get_client
from actions.settings import get_settings

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def short(text: str | None, sentences: int = 2) -> str:
    if not text:
        return ""
    parts = SENTENCE_END.split(" ".join(str(text).split()))
    return " ".join(parts[:sentences])


def result_variables(service: dict[str, Any], tracker: Tracker, domain: dict[str, Any]) -> dict[str, str]:
    not_recorded = common.fragment(domain, tracker, "utter_fragment_not_recorded")
    ask_service = common.fragment(domain, tracker, "utter_fragment_ask_service")
    summary = service.get("x_easy_read") if common.easy(tracker) else None
    return {
        "name": service.get("name") or "",
        "summary": short(summary or service.get("description"), 2 if common.easy(tracker) else 2),
        "who": short(service.get("eligibility_description"), 2) or ask_service,
        "how": short(service.get("application_process"), 2) or ask_service,
        "contact": formatting.contact_text(service) or not_recorded,
        "reviewed": formatting.month_year(service.get("x_last_reviewed")) or not_recorded,
    }


def show_results(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict[str, Any],
    results: list[dict[str, Any]],
    *,
    intro: str | None = "utter_service_results_intro",
    limit: int | None = None,
) -> None:
    """The intro, then the entries: as text (unless the client renders cards) and as service cards."""
    limit = limit or get_settings().max_results
    if intro:
        common.say(dispatcher, intro)
    as_text = not service_cards.renders_cards(tracker)
    cards = []
    for service in results[:limit]:
        shown = result_variables(service, tracker, domain)
        if as_text:
            common.say(dispatcher, "utter_service_result", **shown)
        cards.append(service_cards.card(service, shown))
    dispatcher.utter_message(json_message=service_cards.cards_payload(cards))


async def search(tracker: Tracker, query: str, age: int | None) -> list[dict[str, Any]]:
    """Searches with the age as a filter; when nothing fits that age, searches again without it."""
    client = get_client()
    results = await client.search_services(search=query, council=common.council(tracker), age=age)
    if not results and age is not None:
        results = await client.search_services(search=query, council=common.council(tracker))
    return results


def known_age(tracker: Tracker, query: str) -> tuple[int | None, bool]:
    """The child's age if we know it, and whether the family chose not to say."""
    for value in (common.entity(tracker, "age"), parsing.age_from_text(query), tracker.get_slot("age")):
        age = parsing.parse_age(value)
        if age is not None:
            return age, False
    return None, tracker.get_slot("search_needs_age") is False and tracker.get_slot("last_query") is not None


class ActionSearchDirectory(Action):
    def name(self) -> str:
        return "action_search_directory"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = common.intent(tracker)
        message = common.text(tracker)
        # A short answer ("he's 8", "Bootle") narrows the last search; a longer message is a new search.
        narrowing = intent == "inform" and bool(tracker.get_slot("last_query")) and len(message.split()) <= 6
        query = tracker.get_slot("last_query") if narrowing else message
        if not query or common.is_payload(query):
            common.say(dispatcher, "utter_ask_what_service")
            return []
        age, skipped = known_age(tracker, query)
        try:
            results = await search(tracker, query, age)
        except DirectoryError:
            common.say(dispatcher, "utter_directory_down")
            return [SlotSet("last_query", query)]
        feeling_low = intent == "emotional_support"
        if not results:
            if not feeling_low:
                common.say(dispatcher, "utter_no_results")
            return [SlotSet("last_query", query)]
        show_results(
            dispatcher,
            tracker,
            domain,
            results,
            intro=None if feeling_low else "utter_service_results_intro",
            limit=2 if feeling_low else None,
        )
        shown = results[: get_settings().max_results]
        ask_age = (
            not feeling_low
            and age is None
            and not skipped
            and not narrowing
            and formatting.age_would_change_answer(shown)
        )
        if ask_age:
            common.say(dispatcher, "utter_ask_age_to_narrow")
        return [SlotSet("last_query", query), SlotSet("search_needs_age", ask_age)]
