"""Redaction of personal data: what goes, what must stay (durations, ages, school years, services, towns)."""

from __future__ import annotations

import pytest

from send_common.events import redact_event
from send_common.redaction import (
    find_personal_data,
    personal_data_strings,
    redact,
    redact_value,
    remove_echoes,
)

REDACTED = [
    # phones
    ("ring me on 07700 900123 please", "ring me on [phone] please"),
    ("my mobile is 07700900123", "my mobile is [phone]"),
    ("call +44 7700 900123", "call [phone]"),
    ("call +44 (0)151 934 2000", "call [phone]"),
    ("landline 0151-934-2000", "landline [phone]"),
    ("(0151) 934 2000 is best", "[phone] is best"),
    ("01704 533 133", "[phone]"),
    ("tel: 934 2000", "tel: [phone]"),
    # emails
    ("email amy.mum@example.co.uk", "email [email]"),
    ("j.smith+send@gmail.com is mine", "[email] is mine"),
    # postcodes
    ("we are at L20 3NJ", "we are at [postcode]"),
    ("postcode pr8 1da", "postcode [postcode]"),
    ("PR81DA", "[postcode]"),
    ("We live in L20.", "We live in [postcode]."),
    ("our postcode is l4", "our postcode is [postcode]"),
    ("anywhere near PR8?", "anywhere near [postcode]?"),
    # dates
    ("DOB 12/03/2015", "DOB [date]"),
    ("born 12-3-15", "born [date]"),
    ("born on 12 March 2015", "born on [date]"),
    ("requested on 2025-03-12", "requested on [date]"),
    ("March 12, 2015", "[date]"),
    ("the 3rd of May '24", "the [date]"),
    ("his birthday is 4th June", "his birthday is [date]"),
    # NHS numbers
    ("NHS number 943 476 5919", "NHS number [nhs number]"),
    ("9434765919", "[nhs number]"),
    ("nhs no: 943-476-5919", "nhs no: [nhs number]"),
    # names
    ("my son is called Jack", "my son is called [name]"),
    ("my son is called jack", "my son is called [name]"),
    ("my daughter Amy has ADHD", "my daughter [name] has ADHD"),
    ("I'm Sarah Smith", "I'm [name]"),
    ("Hi, I am Sarah", "Hi, I am [name]"),
    ("my name is Sarah Jones", "my name is [name]"),
    ("my name's sarah", "my name's [name]"),
    ("his name is Tom", "his name is [name]"),
    ("her name is Lily-May", "her name is [name]"),
    ("my son Jack's school", "my son [name]'s school"),
    ("Mrs Jones the SENCO said no", "Mrs [name] the SENCO said no"),
    ("Thanks, Emma", "Thanks, [name]"),
    ("my daughters name is Ava", "my daughters name is [name]"),
    ("he is called Noah", "he is called [name]"),
    # addresses
    ("12 Acacia Avenue", "[address]"),
    ("I live at 12 Acacia Avenue, Bootle", "I live at [address], Bootle"),
    ("flat 3, 5 High Street", "[address], [address]"),
    ("3a church road", "[address]"),
    ("our address is Rose Cottage, Formby", "our address is [address], Formby"),
]

KEPT = [
    "Its been 14 months and my daughters EHCP still isnt finished",
    "We asked for an EHC assessment 5 weeks ago",
    "after school club for my 8 yr old with complex needs?",
    "my son is 8 year old",
    "what should the year 9 review cover? my son is 13",
    "my son is yr 6 and goes to high school in september",
    "Year 9 review in 2019, Yr 6, Y6",
    "he was born in 2015 and is in Year 4",
    "March 2019",
    "can I self refer to Aiming High? I called Alder Hey and SENDIASS",
    "it's called Aiming High",
    "how long does camhs take to assess after a referral?",
    "I'm worried about my son",
    "I'm Not sure",
    "I'm in Bootle, we moved from Southport to Crosby, Formby, Maghull",
    "Childline 0800 1111, NSPCC 0808 800 5000, Samaritans 116 123, Shout 85258, call 999 or 111",
    "he needs B12; we drove the M62; KS2 SATs",
    "2 times round the park every day",
    "score of 12 out of 20",
    "is this 1/2 or 3/4 of the time?",
    "we have waited over 12 months for a paediatrician appt",
    "the 20 week deadline",
    "my daughter has autism",
    "my son is called a liar at school",
    "I called the council",
    "10 to 15 hours a week",
    "he is 0.5 mile away",
]


@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_redacts(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_keeps_meaningful_text(text):
    assert redact(text) == text, find_personal_data(text)


def test_everything_in_one_message():
    text = (
        "Hi I'm Sarah Smith, my son is called Jack, DOB 12/03/2015, NHS 943 476 5919. "
        "We live at 12 Acacia Avenue, Bootle L20 3NJ. Call 07700 900123 or sarah@example.com. "
        "It has been 14 months since we asked for an EHCP in Year 9."
    )
    out = redact(text)
    secrets = (
        "Sarah",
        "Smith",
        "Jack",
        "12/03/2015",
        "943 476 5919",
        "Acacia",
        "L20 3NJ",
        "07700",
        "example",
    )
    for secret in secrets:
        assert secret not in out
    for meaning in ("Bootle", "14 months", "Year 9", "EHCP"):
        assert meaning in out


def test_spans_are_sorted_and_disjoint():
    found = find_personal_data("ring 07700 900123, email a@b.co, my son is called Jack")
    assert [k for k, _ in found] == ["phone", "email", "name"]
    spans = [s for _, s in found]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_keep_kinds():
    out = redact("requested 12/03/2025, call 07700 900123", keep={"date"})
    assert out == "requested 12/03/2025, call [phone]"


def test_dates_of_birth_are_their_own_kind_but_tagged_as_dates():
    text = "DOB 12/03/2015, born on 12 March 2015, his birthday is 4th June; we asked on 3 March 2025"
    kinds = [k for k, _ in find_personal_data(text)]
    assert kinds == ["date of birth", "date of birth", "date of birth", "date"]
    assert redact(text) == "DOB [date], born on [date], his birthday is [date]; we asked on [date]"
    kept = redact(text, keep={"date"})
    assert kept == "DOB [date], born on [date], his birthday is [date]; we asked on 3 March 2025"


def test_non_strings_and_empty():
    assert redact("") == ""
    assert redact(None) is None  # type: ignore[arg-type]
    nested = {"a": ["my son is called Jack", 3, None]}
    assert redact_value(nested) == {"a": ["my son is called [name]", 3, None]}


def test_echoes_only_touch_what_the_user_typed():
    echoes = personal_data_strings("my son is called Jack, ring 07700 900123")
    bot = "Thanks Jack. SENDIASS is on 0151 934 3334. We will not call 07700 900123."
    expected = "Thanks [name]. SENDIASS is on 0151 934 3334. We will not call [phone]."
    assert remove_echoes(bot, echoes) == expected
    assert remove_echoes("Jackson", [("name", "Jack")]) == "Jackson"


def make_user_event(text, entities=(), **extra):
    return {
        "event": "user",
        "timestamp": 1.0,
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": "find_service", "confidence": 0.9},
            "entities": list(entities),
            "intent_ranking": [],
        },
        "metadata": extra.get("metadata", {}),
        "input_channel": "rest",
        "message_id": "m1",
    }


def test_redact_user_event_text_parse_data_and_entities():
    text = "my daughter Amy lives at L20 3NJ, 5 year old"
    ents = [
        {"entity": "name", "value": "Amy", "start": 12, "end": 15},
        {"entity": "age", "value": "5", "start": 34, "end": 35},
    ]
    ev = redact_event(make_user_event(text, ents, metadata={"note": "ring 07700 900123", "easy_read": True}))
    assert ev["text"] == "my daughter [name] lives at [postcode], 5 year old"
    assert ev["parse_data"]["text"] == ev["text"]
    assert ev["parse_data"]["entities"][0]["value"] == "[name]"
    assert ev["parse_data"]["entities"][1]["value"] == "5"
    assert ev["parse_data"]["intent"]["name"] == "find_service"
    assert ev["metadata"] == {"note": "ring [phone]", "easy_read": True}


def test_redact_bot_and_slot_events():
    echoes = [("name", "Amy")]
    bot = redact_event(
        {
            "event": "bot",
            "text": "Hello Amy, call SENDIASS on 0151 934 3334",
            "data": {"buttons": [{"title": "Amy's plan", "payload": "/x"}]},
        },
        echoes=echoes,
    )
    assert bot["text"] == "Hello [name], call SENDIASS on 0151 934 3334"
    assert bot["data"]["buttons"][0]["title"] == "[name]'s plan"
    slot = redact_event({"event": "slot", "name": "child_name", "value": "Amy"}, echoes=echoes)
    assert slot["value"] == "[name]"
    slot_event = {"event": "slot", "name": "request_date", "value": "12/03/2025"}
    kept = redact_event(slot_event, keep_slots={"request_date"})
    assert kept["value"] == "12/03/2025"
    # ordinary dates in slots are the bot's own state (EHCP request date); dates of birth still go
    date_echo = [("date", "12/03/2025")]
    date_slot = {"event": "slot", "name": "d", "value": "12/03/2025"}
    assert redact_event(date_slot, echoes=date_echo)["value"] == "12/03/2025"
    assert redact_event({"event": "slot", "name": "q", "value": "born 12/03/2015"})["value"] == "born [date]"
