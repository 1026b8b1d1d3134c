"""After the emergency contacts (a plain response, said first): the council's own safeguarding contact.

The contact is a setting staff fill in (GET /api/councils/{council}/help); it may be empty, and then
the family is pointed to 999 and a trusted adult. Never a made-up number. When the widget has already shown
its emergency card for this message (slot emergency_card_shown), this action says nothing.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common
from actions.directory_client import DirectoryError, get_client


class ActionSafeguardingContacts(Action):
    def name(self) -> str:
        return "action_safeguarding_contacts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("emergency_card_shown"):
            # The widget's emergency card above carries the council's contact, and the short variant of
            # utter_emergency_contacts already says to talk to a trusted adult.
            return []
        contact = None
        try:
            card = await get_client().council_help(common.council(tracker))
            contact = card.get("safeguarding_contact")
        except DirectoryError:
            pass
        if isinstance(contact, dict):
            contact = " | ".join(str(v) for v in contact.values() if v)
        if contact:
            common.say(dispatcher, "utter_safeguarding_contact", contact=contact)
        else:
            common.say(dispatcher, "utter_safeguarding_no_local")
        return []
