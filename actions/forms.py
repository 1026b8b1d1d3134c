"""Validation of the EHCP deadline form: when did the family ask for the assessment?

The date can come with the first message ("we asked 10 weeks ago and heard nothing"), in which case the
form does not ask. "skip" (or two answers we cannot read) runs the check without a date. A message about
something else is left alone, so the form is interrupted and that message is answered, and a
risk-of-harm message is never taken as an answer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common, parsing

UNKNOWN = "unknown"
INVALID = "invalid"
ANSWER_INTENTS = {"inform", "affirm", "deny", "ehcp_delay", "nlu_fallback", None}


class ValidateEhcpDeadlineForm(FormValidationAction):
    def name(self) -> str:
        return "validate_ehcp_deadline_form"

    def today(self) -> date:
        return date.today()

    async def extract_request_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = common.intent(tracker)
        if intent == "risk_of_harm":
            return {}
        asked = tracker.get_slot("requested_slot") == "request_date"
        if not asked and intent != "ehcp_delay":
            return {}
        if asked and intent == "skip":
            return {"request_date": UNKNOWN}
        found = parsing.parse_request_date(common.text(tracker), self.today())
        if found:
            return {"request_date": found.isoformat()}
        if asked and intent in ANSWER_INTENTS:
            return {"request_date": INVALID}
        return {}

    async def validate_request_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value != INVALID:
            return {"request_date": value}
        attempts = int(tracker.get_slot("date_attempts") or 0) + 1
        if attempts >= 2:
            return {"request_date": UNKNOWN, "date_attempts": 0.0}
        common.say(dispatcher, "utter_request_date_not_understood")
        return {"request_date": None, "date_attempts": float(attempts)}
