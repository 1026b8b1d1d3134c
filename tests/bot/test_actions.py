"""The custom actions against a fake directory: what they say (response names and variables) and set."""

from __future__ import annotations

import asyncio
from datetime import date

from rasa_sdk.executor import CollectingDispatcher

from actions.council import ActionCouncilInfo
from actions.easy_read import ActionReadSettings
from actions.ehcp import ActionDeadlineCheck, ActionEhcpFacts, ActionEhcpTimescales
from actions.escalation import ActionConversationSummary, ActionEscalateSendiass
from actions.fallback import ActionFallbackSearch, ActionRecordGap
from actions.forms import ValidateEhcpDeadlineForm
from actions.safety import ActionSafeguardingContacts
from actions.search_directory import ActionSearchDirectory
from actions.short_breaks import ActionShortBreaks
from actions.waiting_times import ActionWaitingTimes
from tests.bot.conftest import (
    action_classes,
    declared_actions,
    make_tracker,
    responses,
    run_action,
    slot_events,
)
from tests.bot.fake_directory import make_waiting_row


def said(messages, response):
    return [m for m in messages if m.get("response") == response]


# ---------------------------------------------------------------- find a service
def test_youth_club_slice_shows_alchemy_and_phoenix_with_who_and_how(directory, domain):
    tracker = make_tracker(
        "is there a youth club for autistic teenagers",
        intent="find_service",
        entities=[{"entity": "need", "value": "autism"}],
    )
    messages, events = run_action(ActionSearchDirectory(), tracker, domain)
    results = said(messages, "utter_service_result")
    names = [m["name"] for m in results]
    assert names[:2] == ["Alchemy", "Phoenix Social Group"]
    assert "referral" in results[0]["how"] and "11-25" in results[0]["who"]
    assert results[0]["reviewed"] == "March 2025"
    assert "utter_ask_age_to_narrow" not in responses(messages)  # "teenagers" gives the age
    search = [r for r in directory.requests if r.url.path == "/api/services"][0]
    assert search.url.params["age"] == "15" and search.url.params["council"] == "sefton"
    assert slot_events(events)["last_query"] == "is there a youth club for autistic teenagers"


def test_age_is_asked_only_when_it_would_change_the_answer(directory, domain):
    tracker = make_tracker("clubs for disabled children", intent="find_service")
    messages, events = run_action(ActionSearchDirectory(), tracker, domain)
    assert responses(messages)[-1] == "utter_ask_age_to_narrow"
    assert slot_events(events)["search_needs_age"] is True
    for service in directory.services:
        service.update(minimum_age=0, maximum_age=25)
    messages, _ = run_action(ActionSearchDirectory(), tracker, domain)
    assert "utter_ask_age_to_narrow" not in responses(messages)


def test_an_age_given_later_narrows_the_previous_search(directory, domain):
    tracker = make_tracker(
        "he is 8",
        intent="inform",
        entities=[{"entity": "age", "value": "8"}],
        slots={"last_query": "clubs for disabled children", "search_needs_age": True},
    )
    messages, _ = run_action(ActionSearchDirectory(), tracker, domain)
    assert [m["name"] for m in said(messages, "utter_service_result")] == [
        "Aiming High Specialist After-School Club"
    ]
    assert said(messages, "utter_service_result")[0]["contact"].startswith("0151 000 0000")


def test_easy_read_uses_the_entries_easy_read_summary(directory, domain):
    tracker = make_tracker(
        "youth club for autistic teenagers", intent="find_service", slots={"easy_read": True}
    )
    messages, _ = run_action(ActionSearchDirectory(), tracker, domain)
    assert said(messages, "utter_service_result")[0]["summary"] == "Alchemy helps you."


def test_knowsley_searches_knowsley(directory, domain):
    tracker = make_tracker("youth club for teenagers", intent="find_service", slots={"council": "knowsley"})
    run_action(ActionSearchDirectory(), tracker, domain)
    assert directory.requests[0].url.params["council"] == "knowsley"


def test_directory_down_gives_the_useful_fallback(directory, domain):
    directory.down = True
    messages, _ = run_action(
        ActionSearchDirectory(), make_tracker("youth club", intent="find_service"), domain
    )
    assert responses(messages) == ["utter_directory_down"]


def test_a_button_payload_asks_what_service(directory, domain):
    messages, _ = run_action(
        ActionSearchDirectory(), make_tracker("/find_service", intent="find_service"), domain
    )
    assert responses(messages) == ["utter_ask_what_service"]
    assert directory.requests == []


def test_short_breaks_shows_entries(directory, domain):
    messages, _ = run_action(
        ActionShortBreaks(), make_tracker("what is aiming high", intent="short_breaks"), domain
    )
    assert said(messages, "utter_service_result")


# ---------------------------------------------------------------- waiting times
def test_waiting_time_for_an_area_gives_figure_period_dates_and_target(directory, domain):
    tracker = make_tracker(
        "how long is the wait for speech therapy in southport",
        intent="waiting_time",
        entities=[
            {"entity": "service", "value": "speech and language therapy"},
            {"entity": "area", "value": "southport"},
        ],
    )
    messages, _ = run_action(ActionWaitingTimes(), tracker, domain)
    figure = said(messages, "utter_waiting_time_figure")[0]
    assert (figure["area"], figure["value"], figure["period"]) == ("Southport and Formby", "26.1", "2018/19")
    assert figure["as_of"] == "March 2019" and figure["source"] == "May 2020"
    assert said(messages, "utter_waiting_time_target")[0]["target_text"] == "18 weeks"
    assert responses(messages)[-2:] == ["utter_waiting_time_meaning", "utter_support_while_waiting"]


def test_waiting_time_without_an_area_shows_each_area(directory, domain):
    tracker = make_tracker(
        "speech therapy wait",
        intent="waiting_time",
        entities=[{"entity": "service", "value": "speech and language therapy"}],
    )
    messages, _ = run_action(ActionWaitingTimes(), tracker, domain)
    assert {m["area"] for m in said(messages, "utter_waiting_time_figure")} == {
        "South Sefton",
        "Southport and Formby",
    }


def test_waiting_time_with_no_figure_says_so_and_never_invents_one(directory, domain):
    tracker = make_tracker(
        "paediatrician wait",
        intent="waiting_time",
        entities=[{"entity": "service", "value": "community paediatrics"}],
    )
    messages, _ = run_action(ActionWaitingTimes(), tracker, domain)
    assert responses(messages) == ["utter_waiting_time_none", "utter_support_while_waiting"]


def test_waiting_time_without_a_service_asks_which(directory, domain):
    messages, _ = run_action(
        ActionWaitingTimes(), make_tracker("waiting times", intent="waiting_time"), domain
    )
    assert responses(messages) == ["utter_ask_waiting_service"]


# ---------------------------------------------------------------- EHCP
def test_timescales_list_the_assessment_steps_in_order(directory, domain):
    messages, _ = run_action(
        ActionEhcpTimescales(), make_tracker("how long does an ehcp take", intent="ehcp_timescales"), domain
    )
    steps = said(messages, "utter_ehcp_step")
    assert [(s["order"], s["timescale"]) for s in steps] == [(1, "6 weeks"), (2, "20 weeks")]


def test_facts_pick_the_best_fact_for_the_question(directory, domain):
    tracker = make_tracker("can we get money instead of school transport", intent="personal_budget")
    messages, _ = run_action(ActionEhcpFacts(), tracker, domain)
    facts = said(messages, "utter_ehcp_fact")
    assert "Transport" in facts[0]["fact"] and facts[0]["source"] == "May 2020"


class FixedDeadlineCheck(ActionDeadlineCheck):
    def today(self) -> date:
        return date(2025, 3, 3)


def test_deadline_check_says_which_limits_have_passed(directory, domain):
    tracker = make_tracker("10 weeks ago", intent="inform", slots={"request_date": "2024-12-23"})
    messages, events = run_action(FixedDeadlineCheck(), tracker, domain)
    assert said(messages, "utter_deadline_elapsed")[0]["weeks"] == 10
    assert said(messages, "utter_deadline_passed")[0]["title"] == "The council decides whether to assess"
    assert said(messages, "utter_deadline_upcoming")[0]["due_date"] == "12 May 2025"
    assert "utter_deadline_next_steps" in responses(messages)
    assert slot_events(events)["request_date"] is None


def test_deadline_check_without_a_date_lists_the_limits(directory, domain):
    messages, _ = run_action(
        FixedDeadlineCheck(), make_tracker("skip", intent="skip", slots={"request_date": "unknown"}), domain
    )
    assert responses(messages)[0] == "utter_deadline_no_date"
    assert said(messages, "utter_ehcp_step")


def extract(text, intent, *, requested=True, attempts=0):
    form = ValidateEhcpDeadlineForm()
    form.today = lambda: date(2025, 3, 3)
    slots = {"requested_slot": "request_date" if requested else None, "date_attempts": attempts}
    tracker = make_tracker(text, intent=intent, slots=slots)
    dispatcher = CollectingDispatcher()
    found = asyncio.run(form.extract_request_date(dispatcher, tracker, {}))
    return found, tracker, dispatcher


def test_the_form_takes_the_date_from_the_first_message():
    found, _, _ = extract("we asked 10 weeks ago and heard nothing", "ehcp_delay", requested=False)
    assert found == {"request_date": "2024-12-23"}


def test_the_form_never_takes_a_risk_of_harm_message_as_an_answer():
    found, _, _ = extract("he hurt himself 3 weeks ago", "risk_of_harm")
    assert found == {}


def test_the_form_lets_other_questions_interrupt_it():
    found, _, _ = extract("what is an ehcp", "ehcp_what_is")
    assert found == {}


def test_the_form_asks_again_then_gives_up_on_an_unreadable_date():
    form = ValidateEhcpDeadlineForm()
    found, tracker, dispatcher = extract("dunno, a while", "inform")
    assert found == {"request_date": "invalid"}
    first = asyncio.run(form.validate_request_date("invalid", dispatcher, tracker, {}))
    assert first == {"request_date": None, "date_attempts": 1.0}
    assert responses(dispatcher.messages) == ["utter_request_date_not_understood"]
    _, tracker, dispatcher = extract("dunno", "inform", attempts=1)
    second = asyncio.run(form.validate_request_date("invalid", dispatcher, tracker, {}))
    assert second["request_date"] == "unknown"


# ---------------------------------------------------------------- escalation, safety, settings, fallback
def test_escalation_names_sendiass_from_the_directory_and_offers_a_summary(directory, domain):
    tracker = make_tracker("i need someone independent to help with a tribunal", intent="contact_sendiass")
    messages, _ = run_action(ActionEscalateSendiass(), tracker, domain)
    sendiass = said(messages, "utter_sendiass")[0]
    assert sendiass["name"] == "Sefton SENDIASS" and "sefton-sendiass" in sendiass["contact"]
    assert said(messages, "utter_parent_forum")
    assert responses(messages)[-1] == "utter_offer_summary"


def test_only_a_question_about_a_caseworker_gets_the_caseworker_answer(directory, domain):
    asked = make_tracker("who is my caseworker", intent="contact_sendiass")
    assert "utter_caseworker" in responses(run_action(ActionEscalateSendiass(), asked, domain)[0])
    complaint = make_tracker("I want to complain about how long the SEND team took", intent="complaint")
    assert "utter_caseworker" not in responses(run_action(ActionEscalateSendiass(), complaint, domain)[0])


def test_summary_removes_personal_details(directory, domain):
    tracker = make_tracker(
        "yes please",
        intent="affirm",
        history=[
            "my son is called Jack Smith and the ehcp is 30 weeks late",
            "ring me on 07700 900123 please, it is urgent",
        ],
    )
    messages, _ = run_action(ActionConversationSummary(), tracker, domain)
    summary = said(messages, "utter_summary")[0]["summary"]
    assert "30 weeks late" in summary
    assert "07700" not in summary and "Jack" not in summary and "yes please" not in summary


def test_safeguarding_contact_is_used_only_when_staff_set_one(directory, domain):
    messages, _ = run_action(ActionSafeguardingContacts(), make_tracker("x", intent="risk_of_harm"), domain)
    assert responses(messages) == ["utter_safeguarding_no_local"]
    directory.safeguarding_contact = "Children's social care front door: see the council website"
    messages, _ = run_action(ActionSafeguardingContacts(), make_tracker("x", intent="risk_of_harm"), domain)
    assert said(messages, "utter_safeguarding_contact")[0]["contact"].startswith("Children's social care")
    directory.down = True
    messages, _ = run_action(ActionSafeguardingContacts(), make_tracker("x", intent="risk_of_harm"), domain)
    assert responses(messages) == ["utter_safeguarding_no_local"]


def test_nothing_is_repeated_under_the_widgets_emergency_card(directory, domain):
    directory.safeguarding_contact = "Children's social care front door: see the council website"
    shown = make_tracker("x", intent="risk_of_harm", slots={"emergency_card_shown": True})
    messages, _ = run_action(ActionSafeguardingContacts(), shown, domain)
    assert messages == []  # the card carries the same contact
    not_shown = make_tracker("x", intent="risk_of_harm", slots={"emergency_card_shown": False})
    messages, _ = run_action(ActionSafeguardingContacts(), not_shown, domain)
    assert responses(messages) == ["utter_safeguarding_contact"]


def test_the_emergency_card_flag_lasts_one_message(domain):
    _, events = run_action(
        ActionReadSettings(), make_tracker("I want to die", metadata={"emergency_card": True}), domain
    )
    assert slot_events(events) == {"emergency_card_shown": True}
    _, events = run_action(
        ActionReadSettings(),
        make_tracker(
            "what is an ehcp", metadata={"emergency_card": False}, slots={"emergency_card_shown": True}
        ),
        domain,
    )
    assert slot_events(events) == {"emergency_card_shown": False}
    _, events = run_action(
        ActionReadSettings(), make_tracker("hello", metadata={"emergency_card": "yes"}), domain
    )
    assert "emergency_card_shown" not in slot_events(events)  # only the gateway's boolean counts


def test_settings_come_from_metadata_and_from_what_the_user_asks(domain):
    _, events = run_action(
        ActionReadSettings(), make_tracker("hi", metadata={"easy_read": True, "council": "knowsley"}), domain
    )
    assert slot_events(events) == {
        "metadata_easy_read": True,
        "easy_read": True,
        "metadata_council": "knowsley",
        "council": "knowsley",
    }
    # Unchanged metadata does not undo what the user asked for.
    _, events = run_action(
        ActionReadSettings(),
        make_tracker(
            "i live in knowsley",
            intent="set_council",
            entities=[{"entity": "council", "value": "knowsley"}],
            metadata={"council": "sefton"},
            slots={"metadata_council": "sefton", "council": "sefton"},
        ),
        domain,
    )
    assert slot_events(events) == {"council": "knowsley"}
    _, events = run_action(
        ActionReadSettings(),
        make_tracker("normal words please", intent="easy_read_off", slots={"easy_read": True}),
        domain,
    )
    assert slot_events(events) == {"easy_read": False}


def test_council_info_confirms_the_council_and_gives_its_local_offer(directory, domain):
    tracker = make_tracker("we live in knowsley", intent="set_council", slots={"council": "knowsley"})
    messages, _ = run_action(ActionCouncilInfo(), tracker, domain)
    assert said(messages, "utter_council_set")[0]["council_name"] == "Knowsley Council"
    assert said(messages, "utter_local_offer")[0]["local_offer_url"] == "https://www.knowsleyinfo.co.uk"


def test_fallback_tries_a_search_then_records_the_gap_redacted(directory, domain):
    tracker = make_tracker(
        "my boy needs help with his wobbly walking, call 07700 900123", intent="nlu_fallback", confidence=0.3
    )
    messages, events = run_action(ActionFallbackSearch(), tracker, domain)
    assert responses(messages)[0] == "utter_search_fallback_intro"
    assert responses(messages)[-1] == "utter_topic_buttons"
    assert "07700" not in directory.gaps[0]["text"] and directory.gaps[0]["intent"] == "nlu_fallback"
    assert slot_events(events)["fallback_count"] == 1.0


def test_second_miss_in_a_row_offers_sendiass(directory, domain):
    tracker = make_tracker("xyz", intent="nlu_fallback", confidence=0.2, slots={"fallback_count": 1.0})
    messages, events = run_action(ActionFallbackSearch(), tracker, domain)
    assert responses(messages)[0] == "utter_default" and "utter_sendiass" in responses(messages)
    assert slot_events(events)["fallback_count"] == 0.0


def test_out_of_scope_is_recorded(directory, domain):
    run_action(ActionRecordGap(), make_tracker("when is my bin day", intent="out_of_scope"), domain)
    assert directory.gaps[0]["text"] == "when is my bin day"


def test_a_council_said_with_not_is_not_chosen(domain):
    tracker = make_tracker(
        "We live in Knowsley not Sefton",
        intent="set_council",
        entities=[{"entity": "council", "value": "knowsley"}, {"entity": "council", "value": "sefton"}],
    )
    _, events = run_action(ActionReadSettings(), tracker, domain)
    assert slot_events(events)["council"] == "knowsley"
    tracker = make_tracker(
        "i'm not in sefton i'm in knowsley",
        intent="set_council",
        entities=[{"entity": "council", "value": "sefton"}, {"entity": "council", "value": "knowsley"}],
    )
    _, events = run_action(ActionReadSettings(), tracker, domain)
    assert slot_events(events)["council"] == "knowsley"


def test_a_waiting_time_without_a_figure_is_given_as_the_dated_statement(directory, domain):
    directory.waiting = [
        make_waiting_row(
            "Neurodevelopmental pathway", "Sefton", None, note="No average waiting time is published."
        )
    ]
    tracker = make_tracker(
        "autism assessment wait",
        intent="waiting_time",
        entities=[{"entity": "service", "value": "autism and adhd pathway"}],
    )
    messages, _ = run_action(ActionWaitingTimes(), tracker, domain)
    assert (
        said(messages, "utter_waiting_time_statement")[0]["note"] == "No average waiting time is published."
    )
    assert "utter_waiting_time_figure" not in responses(messages)


def test_a_town_names_its_council(domain):
    tracker = make_tracker(
        "we moved to kirkby, what's available",
        intent="ask_local_offer",
        entities=[{"entity": "area", "value": "Kirkby"}],
    )
    _, events = run_action(ActionReadSettings(), tracker, domain)
    assert slot_events(events)["council"] == "knowsley"


def test_a_long_message_with_an_age_is_a_new_search(directory, domain):
    tracker = make_tracker(
        "my lad is 9 and has adhd, any clubs in bootle",
        intent="inform",
        entities=[{"entity": "age", "value": "9"}],
        slots={"last_query": "old search"},
    )
    run_action(ActionSearchDirectory(), tracker, domain)
    assert directory.requests[0].url.params["search"] == "my lad is 9 and has adhd, any clubs in bootle"
    assert directory.requests[0].url.params["age"] == "9"


# ---------------------------------------------------------------- which actions get the domain
TRACKERS_FOR_EVERY_ACTION = [
    dict(
        text="speech therapy waiting times in bootle",
        intent="waiting_time",
        entities=[
            {"entity": "service", "value": "speech and language therapy"},
            {"entity": "area", "value": "Bootle"},
        ],
    ),
    dict(
        text="youth club for autistic teenagers",
        intent="find_service",
        entities=[{"entity": "need", "value": "autism"}],
    ),
    dict(
        text="we asked for an assessment on 6 January 2025",
        intent="ehcp_delay",
        slots={"request_date": "2025-01-06"},
    ),
    dict(text="my name is Jo Bloggs, I live in Knowsley", intent="set_council", metadata={"easy_read": True}),
]


class DomainSpy(dict):
    """The domain, noting every key an action reads from it."""

    def __init__(self, domain) -> None:
        super().__init__(domain)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


def test_only_actions_marked_send_domain_read_the_domain(directory, domain):
    """enable_selective_domain: Rasa sends the domain only to actions marked send_domain, so no other
    action may read it. Each is run on several conversations with a domain that notes what is read."""
    plain = declared_actions(domain, with_domain=False)
    classes = action_classes()
    assert set(plain) <= set(classes) and "action_read_settings" in plain
    for name in plain:
        for kwargs in TRACKERS_FOR_EVERY_ACTION:
            spy = DomainSpy(domain)
            run_action(classes[name](), make_tracker(**kwargs), spy)
            assert not spy.read, (name, kwargs["text"], spy.read)
    # and the spy does see a reader: the directory results use two short responses as fragments
    spy = DomainSpy(domain)
    run_action(classes["action_search_directory"](), make_tracker(**TRACKERS_FOR_EVERY_ACTION[1]), spy)
    assert "responses" in spy.read
