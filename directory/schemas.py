"""Shapes of the public JSON API: request bodies (validated) and responses (documented in /docs).

Responses are built by ``directory.oruk`` and returned with ``response_model_exclude_unset`` so that, as
ORUK compliance asks, optional fields without a value are left out rather than sent as null.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- requests ---------------------------------------------------------------------------------------------


class GapIn(BaseModel):
    """A question the assistant could not answer. ``text`` is redacted again before it is stored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=2000)
    intent: str | None = Field(None, max_length=120)
    confidence: float | None = Field(None, ge=0, le=1)
    council: str | None = Field(None, max_length=40)
    kind: Literal["chat", "search"] = "chat"


class FeedbackIn(BaseModel):
    """An answer to "was this helpful?"."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    answer_type: str = Field(min_length=1, max_length=120)
    helpful: bool
    council: str | None = Field(None, max_length=40)


class Recorded(BaseModel):
    id: str
    status: Literal["recorded"] = "recorded"


# --- responses --------------------------------------------------------------------------------------------


class ApiInfo(BaseModel):
    version: str
    profile: str
    openapi_url: str


class SourceOut(BaseModel):
    document: str | None = None
    lines: str | None = None
    date: dt.date | None = None


class PhoneOut(Open):
    id: str
    number: str
    description: str | None = None


class ServiceOut(Open):
    """An ORUK 3.0 service plus HSDS 3.0 extension fields and the product's ``x_`` fields."""

    id: str
    organization_id: str
    name: str
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: str
    minimum_age: int | None = None
    maximum_age: int | None = None
    assured_date: dt.date | None = None
    last_modified: dt.datetime | None = None
    eligibility_description: str | None = None
    application_process: str | None = None
    fees_description: str | None = None
    phones: list[PhoneOut] | None = None
    x_key: str
    x_council: str
    x_categories: list[str] | None = None
    x_needs: list[str] | None = None
    x_areas: list[str] | None = None
    x_referral: Literal["self", "professional", "either", "none"] | None = None
    x_easy_read: str | None = None
    x_also_known_as: list[str] | None = None
    x_source: SourceOut | None = None
    x_last_reviewed: dt.date | None = None
    x_review_due: dt.date | None = None
    x_contact_missing: bool
    x_score: float | None = None


class ServicePage(BaseModel):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[ServiceOut]


class TaxonomyOut(Open):
    id: str
    name: str
    description: str


class TaxonomyTermOut(Open):
    id: str
    name: str
    description: str
    code: str | None = None
    taxonomy: str | None = None
    taxonomy_id: str | None = None


class TaxonomyPage(ServicePage):
    contents: list[TaxonomyOut]  # type: ignore[assignment]


class TaxonomyTermPage(ServicePage):
    contents: list[TaxonomyTermOut]  # type: ignore[assignment]


class WaitingTimeOut(BaseModel):
    service_id: str
    service_key: str
    service_name: str
    council: str
    area: str
    measure: str
    value: float | None
    unit: str
    period: str
    as_of: dt.date | None
    target: float | None
    target_text: str | None
    note: str | None
    latest: bool = Field(description="True for the newest figure of its (service, area, measure).")
    source: SourceOut | None


class WaitingTimes(BaseModel):
    contents: list[WaitingTimeOut]


class EhcpSteps(BaseModel):
    statutory_steps: list[dict[str, Any]]
    local_performance: list[dict[str, Any]]
    facts: list[dict[str, Any]]


class EmergencyContact(Open):
    name: str
    kind: Literal["phone", "text"]
    number: str
    contact: str
    description: str


class HelpCardOut(BaseModel):
    council: str
    name: str
    local_offer: dict[str, str | None]
    sendiass: ServiceOut | None
    parent_forum: ServiceOut | None
    safeguarding_contact: str | None
    emergency: list[EmergencyContact]


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    index: dict[str, Any]
