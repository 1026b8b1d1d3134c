"""Gap report: similar unanswered questions grouped with weekly counts; feedback totals per answer type."""

from __future__ import annotations

from datetime import datetime, timedelta

from bs4 import BeautifulSoup

from directory.models import Feedback, UnansweredQuestion, utcnow
from directory.staff.grouping import group_questions, tokens


def test_grouping_puts_rewordings_together_and_keeps_different_questions_apart():
    monday = datetime(2026, 3, 2, 10)
    rows = [
        ("Is there a sensory swimming session in Formby?", "chat", monday),
        ("sensory swimming sessions formby", "chat", monday + timedelta(days=1)),
        ("Is there a sensory swimming session in Formby?", "chat", monday + timedelta(days=8)),
        ("How do I get a blue badge?", "chat", monday),
        ("sensory swimming formby", "search", monday),
    ]
    groups = group_questions(rows)
    chat = [g for g in groups if g.kind == "chat"]
    assert [(g.label, g.count) for g in chat] == [
        ("is there a sensory swimming session in formby?", 3),
        ("how do i get a blue badge?", 1),
    ]
    assert dict(chat[0].weeks) == {"2026-W10": 2, "2026-W11": 1}
    assert [g.count for g in groups if g.kind == "search"] == [1]
    assert tokens("Short breaks for teenagers") == tokens("short break for teenager")


def test_gap_report_page_and_feedback_totals(client, signed_in, council, db):
    now = utcnow()
    for text in (
        "autism parent support group Southport",
        "Autism parent support groups in Southport?",
        "wheelchair accessible trampoline park",
    ):
        db.add(UnansweredQuestion(text=text, council="sefton", kind="chat", created_at=now))
    db.add(UnansweredQuestion(text="trampoline", council="sefton", kind="search", created_at=now))
    db.add(
        UnansweredQuestion(
            text="too old to count", council="sefton", kind="chat", created_at=now - timedelta(weeks=60)
        )
    )
    for helpful in (True, True, False):
        db.add(Feedback(answer_type="waiting_times", helpful=helpful, council="sefton"))
    db.add(Feedback(answer_type="ehcp_steps", helpful=False, council="sefton"))
    db.commit()
    signed_in("viewer")
    soup = BeautifulSoup(client.get("/staff/gaps").text, "html.parser")
    tables = soup.select("table.staff-table")
    chat_rows = [(tr.th.text, tr.select("td")[0].text) for tr in tables[0].select("tbody tr")]
    assert chat_rows == [
        ("autism parent support group southport", "2"),
        ("wheelchair accessible trampoline park", "1"),
    ]
    assert [tr.th.text for tr in tables[1].select("tbody tr")] == ["trampoline"]
    feedback = [[tr.th.text] + [td.text for td in tr.select("td")] for tr in tables[2].select("tbody tr")]
    assert feedback == [["ehcp_steps", "0", "1", "0"], ["waiting_times", "2", "1", "67"]]
