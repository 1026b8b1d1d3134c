"""Small helpers shared by the actions: reading the tracker and saying domain responses."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import formatting

KNOWN_COUNCIL = re.compile(r"^[a-z][a-z-]{1,40}$")


def easy(tracker: Tracker) -> bool:
    return tracker.get_slot("easy_read") is True


def council(tracker: Tracker) -> str:
    value = tracker.get_slot("council")
    return value if isinstance(value, str) and KNOWN_COUNCIL.match(value) else "sefton"


def intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def confidence(tracker: Tracker) -> float | None:
    return (tracker.latest_message.get("intent") or {}).get("confidence")


def text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def entity(tracker: Tracker, name: str) -> Any:
    """The value of an entity in the latest message (last one wins, as slots do)."""
    values = [e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name]
    return values[-1] if values else None


def entity_or_slot(tracker: Tracker, name: str) -> Any:
    value = entity(tracker, name)
    return value if value is not None else tracker.get_slot(name)


RESERVED = {"text", "image", "json_message", "attachment", "buttons", "elements", "response"}


def say(dispatcher: CollectingDispatcher, response: str, **variables: Any) -> None:
    """Says a domain response; `variables` fill its {placeholders} (never utter_message's own arguments)."""
    clash = RESERVED & variables.keys()
    if clash:
        raise ValueError(f"{response}: placeholder names {sorted(clash)} clash with utter_message arguments")
    dispatcher.utter_message(response=response, **{k: "" if v is None else v for k, v in variables.items()})


def fragment(domain: dict[str, Any], tracker: Tracker, name: str) -> str:
    return formatting.fragment(domain, name, easy(tracker))


def is_payload(message: str) -> bool:
    return message.startswith("/")
