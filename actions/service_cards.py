"""Directory entries as the widget's result cards: the custom payload
`{"type": "service_cards", "services": [{name, summary, easy_read, who_for, how_to_get, contact, url,
last_reviewed}]}` (docs/architecture.md, web_widget/send-chat.js `ServiceCards.render`).

The cards carry the same values as the text results (`utter_service_result`); the card labels ("Who it
is for", ...) are the widget's. A client that renders cards says so with `metadata.service_cards: true`
(the chat gateway does, for the widget) and then gets the short intro and the cards, without the list
again as text. Other clients get the text list and the cards (docs/widget.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Tracker

from actions import formatting

CARDS_TYPE = "service_cards"


def renders_cards(tracker: Tracker) -> bool:
    """The client said it shows service cards, so the text list would repeat them."""
    metadata = tracker.latest_message.get("metadata") or {}
    return isinstance(metadata, Mapping) and metadata.get(CARDS_TYPE) is True


def card(service: Mapping[str, Any], shown: Mapping[str, str]) -> dict[str, str]:
    """One card: `shown` are the text result's variables (`result_variables`), so both say the same.

    The contact is left empty when none is recorded: the widget then says so in its own words."""
    values = {
        "name": shown.get("name", ""),
        "summary": shown.get("summary", ""),
        "easy_read": str(service.get("x_easy_read") or ""),
        "who_for": shown.get("who", ""),
        "how_to_get": shown.get("how", ""),
        "contact": formatting.contact_text(service),
        "url": str(service.get("url") or ""),
        "last_reviewed": formatting.month_year(service.get("x_last_reviewed")),
    }
    return {key: value for key, value in values.items() if value}


def cards_payload(cards: list[dict[str, str]]) -> dict[str, Any]:
    return {"type": CARDS_TYPE, "services": cards}
