"""The curated YAML files in ``directory/data/``: their schema (pydantic) and reading them.

Typos in field values fail loudly with the file and entry named; unknown keys only warn.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from directory import vocab

# The allowed values come from ``directory.vocab`` (one list for the loader, the API and the staff pages).
Category = Literal[tuple(vocab.CATEGORIES)]  # type: ignore[valid-type]
Need = Literal[tuple(vocab.NEEDS)]  # type: ignore[valid-type]
Referral = Literal[vocab.REFERRALS]  # type: ignore[valid-type]
PublicationStatus = Literal[vocab.PUBLICATION_STATUSES]  # type: ignore[valid-type]
ServiceStatus = Literal[vocab.SERVICE_STATUSES]  # type: ignore[valid-type]

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster


class DataFileError(ValueError):
    """A data file cannot be loaded; the message says which file and entry, and why."""


def _text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


# YAML reads 2019 or 4412 as numbers and an unquoted 003 as the integer 3: accept them as text.
Text = Annotated[str, BeforeValidator(_text)]
DocumentId = Annotated[str, BeforeValidator(lambda v: f"{v:03d}" if isinstance(v, int) else v)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    def unknown_keys(self) -> list[str]:
        return sorted((self.model_extra or {}).keys())


class Source(Entry):
    document: DocumentId | None = None
    lines: Text | None = None
    date: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value: Any) -> Any:
        return {"document": value} if isinstance(value, str) else value


class Phone(Entry):
    number: str
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_number(cls, value: Any) -> Any:
        return {"number": str(value)} if isinstance(value, str | int) else value


class Organization(Entry):
    name: str
    description: str | None = None
    url: str | None = None
    email: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class ServiceEntry(Entry):
    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=120)
    name: str = Field(min_length=1, max_length=255)
    organization: Organization | None = None
    description: str = ""
    eligibility_description: str | None = None
    application_process: str | None = None
    referral: Referral
    categories: list[Category] = Field(default_factory=list)
    needs: list[Need] = Field(default_factory=list)
    minimum_age: int | None = Field(None, ge=0, le=120)
    maximum_age: int | None = Field(None, ge=0, le=120)
    areas: list[str] = Field(default_factory=list)
    postcode: str | None = Field(None, max_length=12)
    url: str | None = Field(None, max_length=500)
    email: str | None = None
    phones: list[Phone] = Field(default_factory=list)
    fees_description: str | None = None
    also_known_as: list[str] = Field(default_factory=list)
    easy_read: str | None = None
    source: Source = Field(default_factory=Source)
    status: PublicationStatus = "published"
    service_status: ServiceStatus = "active"

    @field_validator("also_known_as", "areas", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return [] if value is None else [str(v) for v in value]

    @field_validator("phones", "categories", "needs", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_validator(mode="after")
    def _ages_in_order(self) -> ServiceEntry:
        if (
            self.minimum_age is not None
            and self.maximum_age is not None
            and self.minimum_age > self.maximum_age
        ):
            raise ValueError("minimum_age is above maximum_age")
        return self


class Document(Entry):
    title: str | None = None
    date: dt.date | None = None


class ServicesFile(Entry):
    council: str
    documents: dict[str, Document] = Field(default_factory=dict)
    services: list[ServiceEntry] = Field(default_factory=list)

    @field_validator("documents", mode="before")
    @classmethod
    def _keys_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {(f"{k:03d}" if isinstance(k, int) else str(k)): v for k, v in value.items()}
        return value


class CouncilEntry(Entry):
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    local_offer_name: str | None = None
    local_offer_url: str | None = None
    sendiass_key: str | None = None
    parent_forum_key: str | None = None
    areas: list[str] = Field(default_factory=list)
    health_areas: dict[str, list[str]] = Field(default_factory=dict)
    source: Source | None = None


class WaitingTimeEntry(Entry):
    service_key: str
    area: str
    measure: str
    value: float | None = None
    unit: str = "weeks"
    period: Text
    as_of: dt.date | None = None
    target: float | str | None = None
    target_text: str | None = None
    source: Source = Field(default_factory=Source)
    note: str | None = None


class Timescale(Entry):
    value: float | None = None
    unit: str | None = None
    from_: str | None = Field(None, alias="from")


class EhcpStepEntry(Entry):
    key: str
    order: int
    title: str
    timescale: Timescale | None = None
    description: str = ""
    easy_read: str | None = None
    if_missed: str | None = None
    legal_source: str | None = None

    @field_validator("legal_source", mode="before")
    @classmethod
    def _join(cls, value: Any) -> Any:
        return "; ".join(map(str, value)) if isinstance(value, list) else value


class LocalFigureEntry(Entry):
    council: str
    measure: str
    value: float | None = None
    unit: str | None = None
    period: Text
    as_of: dt.date | None = None
    source: Source = Field(default_factory=Source)
    note: str | None = None


class FactEntry(Entry):
    key: str
    topic: str
    text: str
    easy_read: str | None = None
    source: Source = Field(default_factory=Source)


class EhcpFile(Entry):
    statutory_steps: list[EhcpStepEntry] = Field(default_factory=list)
    local_performance: list[LocalFigureEntry] = Field(default_factory=list)
    facts: list[FactEntry] = Field(default_factory=list)


class CouncilsFile(Entry):
    councils: list[CouncilEntry] = Field(default_factory=list)


class WaitingTimesFile(Entry):
    waiting_times: list[WaitingTimeEntry] = Field(default_factory=list)


def _describe(error: ValidationError, raw: Any) -> str:
    lines = []
    for item in error.errors():
        location = list(item["loc"])
        label = ".".join(str(part) for part in location)
        # Name the entry by its key when the error sits inside a list of keyed entries.
        if len(location) >= 2 and isinstance(location[1], int) and isinstance(raw, dict):
            entries = raw.get(str(location[0])) or []
            if location[1] < len(entries) and isinstance(entries[location[1]], dict):
                key = entries[location[1]].get("key") or entries[location[1]].get("service_key")
                label = f"{label} ({key})" if key else label
        lines.append(f"  {label}: {item['msg']}")
    return "\n".join(lines)


def read(path: Path, model: type[Entry]) -> Entry:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{path}: {exc.error_count()} problem(s):\n{_describe(exc, raw)}") from exc


def service_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "services"
    return (
        sorted(p for p in folder.glob("*.y*ml") if re.fullmatch(r".+\.ya?ml", p.name))
        if folder.exists()
        else []
    )
