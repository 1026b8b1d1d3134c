"""Waiting times: the directory's dated figure for a service and area, with its period, as-of date,
source date and target, what it means, and what support exists while waiting."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions import common, formatting
from actions.directory_client import DirectoryError, get_client
from actions.search_directory import search, show_results

WHILE_WAITING_QUERY = "support while waiting for assessment or diagnosis"


def figure_variables(row: dict[str, Any]) -> dict[str, str]:
    source = row.get("source") or {}
    return {
        "service_name": row.get("service_name") or row.get("service_key") or "",
        "area": row.get("area") or "",
        "measure": formatting.lower_first(str(row.get("measure") or "")),
        "value": formatting.format_number(row.get("value")),
        "unit": str(row.get("unit") or ""),
        "period": str(row.get("period") or ""),
        "as_of": formatting.month_year(row.get("as_of")),
        "source": formatting.month_year(source.get("date")) if source.get("date") else "",
    }


class ActionWaitingTimes(Action):
    def name(self) -> str:
        return "action_waiting_times"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        service = common.entity_or_slot(tracker, "service")
        if not service:
            common.say(dispatcher, "utter_ask_waiting_service")
            return []
        area = formatting.health_area(common.entity_or_slot(tracker, "area"))
        try:
            rows = await get_client().waiting_times(council=common.council(tracker))
        except DirectoryError:
            common.say(dispatcher, "utter_directory_down")
            return []
        matching = [r for r in rows if formatting.service_matches(str(service), r)]
        chosen = formatting.pick_waiting_rows(matching, area, message=common.text(tracker))
        if not chosen:
            common.say(dispatcher, "utter_waiting_time_none", service_name=str(service))
            common.say(dispatcher, "utter_support_while_waiting")
            return []
        for row in chosen:
            if row.get("value") is None:  # a dated statement with no figure: never invent one
                common.say(
                    dispatcher,
                    "utter_waiting_time_statement",
                    **figure_variables(row),
                    note=" ".join(str(row.get("note") or "").split()),
                )
            else:
                common.say(dispatcher, "utter_waiting_time_figure", **figure_variables(row))
        targets = {r.get("target_text") for r in chosen if r.get("target_text")}
        for target in list(targets)[:1]:
            common.say(dispatcher, "utter_waiting_time_target", target_text=target)
        notes = [r.get("note") for r in chosen if r.get("note") and r.get("value") is not None]
        if notes and not common.easy(tracker):
            common.say(dispatcher, "utter_waiting_time_note", note=notes[0])
        common.say(dispatcher, "utter_waiting_time_meaning")
        common.say(dispatcher, "utter_support_while_waiting")
        return []


class ActionSupportWhileWaiting(Action):
    """After the general answer (said by the rule): services that help while families wait."""

    def name(self) -> str:
        return "action_support_while_waiting"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        query = f"{common.text(tracker)} {WHILE_WAITING_QUERY}"
        try:
            results = await search(tracker, query, None)
        except DirectoryError:
            common.say(dispatcher, "utter_directory_down")
            return []
        if results:
            show_results(dispatcher, tracker, domain, results, limit=2)
        return []
