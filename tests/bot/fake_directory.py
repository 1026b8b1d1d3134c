"""A fake directory API for the action unit tests: canned JSON in the shapes of docs/architecture.md,
served through httpx.MockTransport. Entries are made by small factories; tests change them freely."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx


def make_service(name: str, **overrides: Any) -> dict[str, Any]:
    service = {
        "id": f"id-{name.lower().replace(' ', '-')}",
        "name": name,
        "description": f"{name} is a service in the Local Offer. It helps families.",
        "eligibility_description": "Children and young people with SEND.",
        "application_process": "Ask the service.",
        "url": f"https://example.org/{name.lower().replace(' ', '-')}",
        "phones": [],
        "minimum_age": 0,
        "maximum_age": 25,
        "x_key": f"sefton-{name.lower().replace(' ', '-')}",
        "x_council": "sefton",
        "x_referral": "self",
        "x_easy_read": f"{name} helps you.",
        "x_last_reviewed": "2025-03-01",
        "x_contact_missing": False,
    }
    service.update(overrides)
    return service


def make_waiting_row(service_name: str, area: str, value: float, **overrides: Any) -> dict[str, Any]:
    row = {
        "service_key": "sefton-" + service_name.lower().replace(" ", "-"),
        "service_name": service_name,
        "council": "sefton",
        "area": area,
        "measure": "Average wait from referral to first contact",
        "value": value,
        "unit": "weeks",
        "period": "2018/19",
        "as_of": "2019-03-31",
        "target_text": "18 weeks",
        "note": None,
        "latest": True,
        "source": {"document": "003", "lines": "3018-3038", "date": "2020-05-28"},
    }
    row.update(overrides)
    return row


def default_services() -> list[dict[str, Any]]:
    return [
        make_service(
            "Alchemy",
            description="Aiming High youth club for autistic young people aged 11 to 25.",
            eligibility_description="Young people aged 11-25 with autism.",
            application_process="You need a referral to the Aiming High Team.",
            minimum_age=11,
            maximum_age=25,
            x_referral="professional",
        ),
        make_service(
            "Phoenix Social Group",
            description="Social group for autistic young people.",
            eligibility_description="Young people aged 11-19 with autism.",
            application_process="You need a referral to the Aiming High Team.",
            minimum_age=11,
            maximum_age=19,
            x_referral="professional",
        ),
        make_service(
            "Aiming High Specialist After-School Club",
            minimum_age=6,
            maximum_age=11,
            application_process="You need a referral to the Aiming High Team.",
            phones=[{"number": "0151 000 0000"}],
        ),
    ]


@dataclass
class FakeDirectory:
    services: list[dict[str, Any]] = field(default_factory=default_services)
    waiting: list[dict[str, Any]] = field(
        default_factory=lambda: [
            make_waiting_row("Speech and Language Therapy", "South Sefton", 24.8),
            make_waiting_row("Speech and Language Therapy", "Southport and Formby", 26.1),
            make_waiting_row("Occupational Therapy", "South Sefton", 15.9),
        ]
    )
    ehcp: dict[str, Any] = field(
        default_factory=lambda: {
            "statutory_steps": [
                {
                    "key": "decide_to_assess",
                    "order": 1,
                    "title": "The council decides whether to assess",
                    "timescale": {"value": 6, "unit": "weeks", "from": "request"},
                    "description": "The council must decide within 6 weeks.",
                    "easy_read": "The council says yes or no.",
                    "if_missed": "Write to the SEND Team.",
                    "legal_source": "CFA 2014 s36",
                },
                {
                    "key": "final_plan",
                    "order": 5,
                    "title": "The final plan is issued",
                    "timescale": {"value": 20, "unit": "weeks", "from": "request"},
                    "description": "The whole process takes no more than 20 weeks.",
                    "easy_read": "20 weeks in all.",
                    "if_missed": "You can make a complaint.",
                    "legal_source": "SEND Regs 2014 r13",
                },
                {
                    "key": "annual_review",
                    "order": 6,
                    "title": "The plan is reviewed every year",
                    "timescale": {"value": 12, "unit": "months", "from": "last_review"},
                    "description": "At least once every 12 months.",
                    "easy_read": "Once a year.",
                    "if_missed": "Ask the school.",
                    "legal_source": "CFA 2014 s44",
                },
            ],
            "local_performance": [],
            "facts": [
                {
                    "key": "contact_within_six_weeks",
                    "topic": "contact",
                    "text": "In 2020 Sefton committed to contact every parent within the first 6 weeks.",
                    "easy_read": "The council should call you in 6 weeks.",
                    "source": {"document": "003", "lines": "1302", "date": "2020-05-28"},
                },
                {
                    "key": "health_advice_six_weeks",
                    "topic": "timescales",
                    "text": "Health services must send their advice within 6 weeks.",
                    "easy_read": "Health staff have 6 weeks.",
                    "source": {"document": "003", "lines": "1273", "date": "2020-05-28"},
                },
                {
                    "key": "personal_transport_budget",
                    "topic": "personal_budget",
                    "text": "A Personal Transport Budget is money to get a child to school.",
                    "easy_read": "Money to take your child to school.",
                    "source": {"document": "003", "lines": "2948", "date": "2020-05-28"},
                },
                {
                    "key": "personal_health_budgets",
                    "topic": "personal_budget",
                    "text": "Personal health budgets can be part of a plan.",
                    "easy_read": "Health money.",
                    "source": {"document": "003", "lines": "1308", "date": "2020-05-28"},
                },
            ],
        }
    )
    safeguarding_contact: str | None = None
    down: bool = False
    status: int = 200
    requests: list[httpx.Request] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)

    def help_card(self, council: str) -> dict[str, Any]:
        names = {
            "sefton": ("Sefton Council", "Sefton SEND Local Offer", "https://www.seftondirectory.com/lo"),
            "knowsley": ("Knowsley Council", "Knowsley Local Offer", "https://www.knowsleyinfo.co.uk"),
        }
        name, lo_name, lo_url = names[council]
        sendiass = make_service(
            f"{council.capitalize()} SENDIASS", url=f"https://example.org/{council}-sendiass"
        )
        forum = make_service(
            f"{council.capitalize()} Parent Carer Forum", url=f"https://example.org/{council}-pcf"
        )
        return {
            "council": council,
            "name": name,
            "local_offer": {"name": lo_name, "url": lo_url},
            "sendiass": sendiass,
            "parent_forum": forum,
            "safeguarding_contact": self.safeguarding_contact,
            "emergency": [],
        }

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("directory is down", request=request)
        if self.status != 200:
            return httpx.Response(self.status, json={"detail": "boom"})
        path, params = request.url.path, request.url.params
        if path == "/api/services":
            found = list(self.services)
            age = params.get("age")
            if age:
                found = [s for s in found if s["minimum_age"] <= int(age) <= s["maximum_age"]]
            return httpx.Response(200, json={"total_items": len(found), "contents": found})
        if path == "/api/waiting-times":
            return httpx.Response(200, json=self.waiting)
        if path == "/api/ehcp/steps":
            return httpx.Response(200, json=self.ehcp)
        if path.startswith("/api/councils/") and path.endswith("/help"):
            council = path.split("/")[3]
            if council not in {"sefton", "knowsley"}:
                return httpx.Response(404, json={"detail": "no such council"})
            return httpx.Response(200, json=self.help_card(council))
        if path == "/api/gaps" and request.method == "POST":
            self.gaps.append(json.loads(request.content))
            return httpx.Response(201, json={"ok": True})
        return httpx.Response(404, json={"detail": "not found"})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]
