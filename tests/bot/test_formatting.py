from datetime import date

import pytest

from actions import formatting, parsing

TODAY = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("value", "age"),
    [
        ("8", 8),
        ("eight", 8),
        ("14 years old", 14),
        ("teenager", 15),
        ("toddler", 2),
        (None, None),
        ("lots", None),
        ("40", None),
    ],
)
def test_parse_age(value, age):
    assert parsing.parse_age(value) == age


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("after school club for my 8 yr old", 8),
        ("a youth club for autistic teenagers", 15),
        ("my baby has additional needs", 1),
        ("football for disabled kids", None),
    ],
)
def test_age_from_text(text, age):
    assert parsing.age_from_text(text) == age


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we asked 10 weeks ago", date(2025, 4, 21)),
        ("it has been 14 months and nothing", date(2024, 4, 30)),
        ("about three weeks ago", date(2025, 6, 9)),
        ("March 2025", date(2025, 3, 1)),
        ("in september", date(2024, 9, 1)),
        ("3 March 2025", date(2025, 3, 3)),
        ("12/02/2025", date(2025, 2, 12)),
        ("2025-01-06", date(2025, 1, 6)),
        ("over a year", date(2024, 6, 30)),
    ],
)
def test_parse_request_date(text, expected):
    assert parsing.parse_request_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["no idea", "yes", "he is in year 9", "may i ask something"])
def test_parse_request_date_refuses_what_is_not_a_date(text):
    assert parsing.parse_request_date(text, TODAY) is None


def test_health_area_maps_towns_to_the_nhs_areas():
    assert formatting.health_area("Bootle") == "South Sefton"
    assert formatting.health_area("southport") == "Southport and Formby"
    assert formatting.health_area("Huyton") == "Knowsley"
    assert formatting.health_area("Narnia") is None


def test_pick_waiting_rows_prefers_the_requested_area_then_one_per_area():
    rows = [
        {"area": "South Sefton", "measure": "m", "as_of": "2019-03-31"},
        {"area": "Southport and Formby", "measure": "m", "as_of": "2019-03-31"},
        {"area": "Sefton", "measure": "k", "as_of": "2019-11-30"},
        {"area": "South Sefton", "measure": "m", "as_of": "2018-03-31"},
    ]
    chosen = formatting.pick_waiting_rows(rows, "Southport and Formby")
    assert [r["area"] for r in chosen] == ["Southport and Formby", "Sefton"]
    everywhere = formatting.pick_waiting_rows(rows, None)
    assert sorted(r["area"] for r in everywhere) == ["Sefton", "South Sefton", "Southport and Formby"]
    assert all(r["as_of"] != "2018-03-31" for r in everywhere)


def test_contact_text_uses_only_what_is_recorded():
    assert (
        formatting.contact_text({"phones": [{"number": "0151 000 0000"}], "email": "a@b.org"})
        == "0151 000 0000 | a@b.org"
    )
    assert formatting.contact_text({"phones": []}) == ""


def test_age_would_change_answer_only_when_the_ages_differ():
    assert formatting.age_would_change_answer(
        [{"minimum_age": 11, "maximum_age": 25}, {"minimum_age": 6, "maximum_age": 11}]
    )
    assert not formatting.age_would_change_answer(
        [{"minimum_age": 0, "maximum_age": 25}, {"minimum_age": 0, "maximum_age": 25}]
    )
    assert not formatting.age_would_change_answer([{"name": "no ages"}])


def test_dates_and_numbers():
    assert formatting.month_year("2020-05-28") == "May 2020"
    assert formatting.day_month_year("2025-01-06") == "6 January 2025"
    assert formatting.format_number(24.8) == "24.8"
    assert formatting.format_number(9.0) == "9"
    assert formatting.timescale_text({"value": 1, "unit": "months"}) == "1 month"
    assert parsing.add_timescale(date(2025, 1, 6), 20, "weeks") == date(2025, 5, 26)


def test_conversation_summary_keeps_the_latest_lines_and_drops_payloads():
    summary = formatting.conversation_summary(["/greet", "first", "second", "third"], limit=2)
    assert summary == "- second\n- third"


def test_fragment_reads_the_easy_read_variant_from_the_domain(domain):
    standard = formatting.fragment(domain, "utter_fragment_not_recorded", False)
    easy = formatting.fragment(domain, "utter_fragment_not_recorded", True)
    assert standard and easy and standard != easy


def test_planned_figures_give_way_to_actual_ones():
    rows = [
        {
            "area": "Southport and Formby",
            "measure": "Planned average weeks",
            "period": "2019/20 plan",
            "as_of": "2020-03-31",
        },
        {
            "area": "Southport and Formby",
            "measure": "Average weeks",
            "period": "2018/19",
            "as_of": "2019-03-31",
        },
    ]
    assert [r["period"] for r in formatting.pick_waiting_rows(rows, "Southport and Formby")] == ["2018/19"]


def test_the_measure_that_fits_the_question_comes_first():
    rows = [
        {
            "area": "South Sefton",
            "measure": "Eating disorder referrals seen within 4 weeks",
            "as_of": "2019-06-30",
        },
        {"area": "South Sefton", "measure": "Referrals assessed within 10 weeks", "as_of": "2019-03-31"},
    ]
    chosen = formatting.pick_waiting_rows(rows, "South Sefton", message="how long does camhs take to assess")
    assert chosen[0]["measure"] == "Referrals assessed within 10 weeks"
