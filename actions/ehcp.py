"""EHC plans: dated facts from the directory, the statutory steps and time limits, and the deadline check.

The general explanation for each question is a response said by the rules (bot/domain.yml); these actions
add what the directory holds: the law's steps and timescales, and local dated facts with their source.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import common, formatting, parsing
from actions.directory_client import DirectoryError, get_client

TOPICS = {
    "ehcp_what_is": ["what_is_ehcp"],
    "ehcp_request": ["request", "contact"],
    "annual_review": ["annual_review", "transition_review"],
    "preparing_for_adulthood": ["year9_review"],
    "personal_budget": ["personal_budget"],
    "diagnosis_needed": ["diagnosis"],
    "disagreement": ["refusal_appeal", "mediation"],
    "complaint": ["complaints"],
    "ehcp_timescales": ["timescales"],
    "ehcp_delay": ["contact", "timescales"],
}
# Which statutory steps answer which question (by the event each timescale counts from).
STEPS_FOR = {
    "review": {"last_review", "meeting"},
    "appeal": {"decision", "mediation_certificate"},
    "assessment": {"request", "draft"},
}
WORD = re.compile(r"[a-z0-9]+")
STOP = set(
    "the a an and or of to in on for is it my our we i do does can how what when who with be "
    "have has get this that there".split()
)


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP and len(w) > 1}


def relevant_facts(
    facts: list[dict[str, Any]], intent: str | None, message: str, limit: int = 2
) -> list[dict[str, Any]]:
    topics = TOPICS.get(intent or "", [])
    wanted = words(message)
    candidates = [f for f in facts if f.get("topic") in topics]
    candidates.sort(
        key=lambda f: (
            -len(wanted & words(f"{f.get('text', '')} {f.get('key', '')}")),
            topics.index(f.get("topic")),
        )
    )
    return candidates[:limit]


def say_fact(dispatcher: CollectingDispatcher, tracker: Tracker, fact: dict[str, Any]) -> None:
    text = (fact.get("easy_read") if common.easy(tracker) else None) or fact.get("text") or ""
    source = formatting.month_year((fact.get("source") or {}).get("date"))
    common.say(dispatcher, "utter_ehcp_fact", fact=" ".join(text.split()), source=source)


def steps_for(message: str, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lowered = message.lower()
    if re.search(r"\breview", lowered):
        kind = "review"
    elif re.search(r"appeal|tribunal|mediation", lowered):
        kind = "appeal"
    else:
        kind = "assessment"
    chosen = [s for s in steps if (s.get("timescale") or {}).get("from") in STEPS_FOR[kind]]
    return sorted(chosen or steps, key=lambda s: s.get("order") or 0)


def say_step(dispatcher: CollectingDispatcher, tracker: Tracker, number: int, step: dict[str, Any]) -> None:
    description = (step.get("easy_read") if common.easy(tracker) else None) or step.get("description") or ""
    common.say(
        dispatcher,
        "utter_ehcp_step",
        order=number,
        title=step.get("title"),
        timescale=formatting.timescale_text(step.get("timescale") or {}),
        description=" ".join(description.split()),
    )


class ActionEhcpFacts(Action):
    def name(self) -> str:
        return "action_ehcp_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            data = await get_client().ehcp(common.council(tracker))
        except DirectoryError:
            return []  # the general answer has been said already; nothing dated to add
        for fact in relevant_facts(data.get("facts") or [], common.intent(tracker), common.text(tracker)):
            say_fact(dispatcher, tracker, fact)
        return []


class ActionEhcpTimescales(Action):
    def name(self) -> str:
        return "action_ehcp_timescales"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        try:
            data = await get_client().ehcp(common.council(tracker))
        except DirectoryError:
            common.say(dispatcher, "utter_ehcp_steps_missing")
            return []
        steps = steps_for(common.text(tracker), data.get("statutory_steps") or [])
        if not steps:
            common.say(dispatcher, "utter_ehcp_steps_missing")
            return []
        for number, step in enumerate(steps, start=1):
            say_step(dispatcher, tracker, number, step)
        for fact in relevant_facts(data.get("facts") or [], "ehcp_timescales", common.text(tracker), limit=1):
            say_fact(dispatcher, tracker, fact)
        return []


class ActionDeadlineCheck(Action):
    """Runs when the deadline form is complete: which time limits have passed since the request."""

    def name(self) -> str:
        return "action_deadline_check"

    def today(self) -> date:
        return date.today()

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reset = [SlotSet("request_date", None), SlotSet("date_attempts", 0.0)]
        try:
            data = await get_client().ehcp(common.council(tracker))
        except DirectoryError:
            common.say(dispatcher, "utter_ehcp_steps_missing")
            return reset
        steps = sorted(
            [
                s
                for s in data.get("statutory_steps") or []
                if (s.get("timescale") or {}).get("from") == "request"
            ],
            key=lambda s: s.get("order") or 0,
        )
        raw = tracker.get_slot("request_date")
        try:
            requested = date.fromisoformat(str(raw))
        except ValueError:
            requested = None
        if requested is None or not steps:
            common.say(dispatcher, "utter_deadline_no_date")
            for number, step in enumerate(steps_for("", data.get("statutory_steps") or []), start=1):
                say_step(dispatcher, tracker, number, step)
            return reset
        today = self.today()
        common.say(
            dispatcher,
            "utter_deadline_elapsed",
            weeks=parsing.weeks_between(requested, today),
            date=formatting.day_month_year(requested),
        )
        passed_any = False
        for step in steps:
            timescale = step.get("timescale") or {}
            due = parsing.add_timescale(
                requested, float(timescale.get("value") or 0), str(timescale.get("unit"))
            )
            variables = {
                "title": step.get("title"),
                "timescale": formatting.timescale_text(timescale),
                "due_date": formatting.day_month_year(due),
                "due_week": formatting.format_number(round((due - requested).days / 7, 1)),
                "if_missed": " ".join(str(step.get("if_missed") or "").split()),
            }
            if due <= today:
                passed_any = True
                common.say(dispatcher, "utter_deadline_passed", **variables)
            else:
                common.say(dispatcher, "utter_deadline_upcoming", **variables)
        for fact in relevant_facts(data.get("facts") or [], "ehcp_delay", "contact within 6 weeks", limit=1):
            if fact.get("topic") == "contact" and common.council(tracker) == "sefton":
                say_fact(dispatcher, tracker, fact)
        if passed_any:
            common.say(dispatcher, "utter_deadline_next_steps")
        return reset
