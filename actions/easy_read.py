"""Easy-read mode and the council, set from the widget's metadata or from what the user asks.

`action_read_settings` is the custom slot mapping of the slots easy_read and council, so Rasa runs it
after every user message (action_extract_slots), before it chooses what to say.
Metadata is applied when it changes, so "I live in Knowsley" is not undone by the next message's
metadata unless the widget itself changes.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common, formatting

TRUE_WORDS = {"true", "1", "yes", "on"}


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str) and value.strip():
        return value.strip().lower() in TRUE_WORDS
    return None


def chosen_council(tracker: Tracker) -> str | None:
    """The council the user says they live in ("we live in Knowsley not Sefton" -> knowsley)."""
    message = common.text(tracker).lower()
    values = [
        str(e.get("value")).strip().lower()
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") == "council" and e.get("value")
    ]
    values = [v for v in dict.fromkeys(values) if common.KNOWN_COUNCIL.match(v)]
    kept = [v for v in values if not re.search(rf"\bnot\s+(?:in\s+|from\s+)?{re.escape(v)}\b", message)]
    if not values:  # a town names its council: "we moved to Kirkby"
        area = formatting.health_area(common.entity(tracker, "area"))
        kept = ["knowsley"] if area == "Knowsley" else ["sefton"] if area else []
    return (kept or values or [None])[0]


def settings_events(tracker: Tracker) -> list[EventType]:
    events: list[EventType] = []
    metadata = tracker.latest_message.get("metadata") or {}
    if not isinstance(metadata, dict):
        metadata = {}
    intent = common.intent(tracker)

    easy = _as_bool(metadata.get("easy_read"))
    if easy is not None and easy != tracker.get_slot("metadata_easy_read"):
        events += [SlotSet("metadata_easy_read", easy), SlotSet("easy_read", easy)]
    council = metadata.get("council")
    if isinstance(council, str):
        council = council.strip().lower()
        if common.KNOWN_COUNCIL.match(council) and council != tracker.get_slot("metadata_council"):
            events += [SlotSet("metadata_council", council), SlotSet("council", council)]

    shown = metadata.get("emergency_card") is True  # for this message only (utter_emergency_contacts)
    if shown != bool(tracker.get_slot("emergency_card_shown")):
        events.append(SlotSet("emergency_card_shown", shown))

    if intent == "easy_read_on":
        events.append(SlotSet("easy_read", True))
    elif intent == "easy_read_off":
        events.append(SlotSet("easy_read", False))
    elif intent == "skip":
        events.append(SlotSet("search_needs_age", False))

    said = chosen_council(tracker)  # "we live in Knowsley", or a council named in any question
    if said and said != tracker.get_slot("council"):
        events.append(SlotSet("council", said))

    if intent != "nlu_fallback" and tracker.get_slot("fallback_count"):
        events.append(SlotSet("fallback_count", 0.0))
    return events


class ActionReadSettings(Action):
    def name(self) -> str:
        return "action_read_settings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return settings_events(tracker)
