"""The council's Local Offer: where it is, and confirming which council the family lives in."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.directory_client import DirectoryError, get_client


class ActionCouncilInfo(Action):
    def name(self) -> str:
        return "action_council_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            card = await get_client().council_help(common.council(tracker))
        except DirectoryError:
            common.say(dispatcher, "utter_directory_down")
            return []
        if common.intent(tracker) == "set_council":
            common.say(dispatcher, "utter_council_set", council_name=card.get("name") or card.get("council"))
        local_offer = card.get("local_offer") or {}
        if local_offer.get("url"):
            common.say(
                dispatcher,
                "utter_local_offer",
                local_offer_name=local_offer.get("name") or "",
                local_offer_url=local_offer["url"],
            )
        return []
