"""``python -m directory load``: migrate, then upsert the curated YAML files into the database.

Services upsert by key, waiting times by (service, area, measure, period), EHCP steps and facts by key,
local EHCP figures by (council, measure, period). Loading twice changes nothing and leaves the corpus
revision alone; an edited file updates its entry in place. Nothing is deleted: entries staff added in
the database stay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import datafiles as files
from directory import entries, migrations, store
from directory.db import Database
from directory.models import Council, EhcpFact, EhcpLocalFigure, EhcpStep, Service, WaitingTime


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)  # e.g. {"service created": 3, "service unchanged": 60}
    warnings: list[str] = field(default_factory=list)
    revision: str = "0"
    revision_bumped: bool = False

    def summary(self) -> str:
        parts = ", ".join(f"{n} {what}" for what, n in sorted(self.counts.items()))
        return f"Loaded: {parts or 'nothing'}. Corpus revision {self.revision}" + (
            " (changed)." if self.revision_bumped else " (unchanged)."
        )


def _sync(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for attr, value in values.items():
        if getattr(row, attr) != value:
            setattr(row, attr, value)
            changed = True
    return changed


def _source(
    source: files.Source | None, documents: dict[str, files.Document] | None = None
) -> dict[str, Any]:
    if source is None:
        return {"source_document": None, "source_lines": None, "source_date": None}
    day = source.date
    if day is None and documents and source.document in documents:
        day = documents[source.document].date
    return {"source_document": source.document, "source_lines": source.lines, "source_date": day}


COUNCIL_FIELDS = "name local_offer_name local_offer_url sendiass_key parent_forum_key areas health_areas"
SERVICE_FIELDS = (
    "description url email minimum_age maximum_age eligibility_description application_process "
    "fees_description referral easy_read also_known_as"
)


def load_councils(data: files.CouncilsFile, report: LoadReport, *, session: Session) -> bool:
    changed_any = False
    for entry in data.councils:
        row = session.scalar(select(Council).where(Council.key == entry.key))
        created = row is None
        if row is None:
            row = Council(key=entry.key)
            session.add(row)
        values = entry.model_dump(include=set(COUNCIL_FIELDS.split()))
        changed = _sync(row, values) or created
        changed_any |= changed
        report.counts[f"council {'created' if created else 'updated' if changed else 'unchanged'}"] += 1
    session.flush()
    return changed_any


def entry_values(
    entry: files.ServiceEntry, council: str, documents: dict[str, files.Document]
) -> entries.EntryValues:
    source = _source(entry.source, documents)
    day = source["source_date"]
    org = entry.organization or files.Organization(name=entry.name)
    return entries.EntryValues(
        key=entry.key,
        council=council,
        name=entry.name,
        organization=org.name,
        organization_url=org.url,
        organization_email=org.email,
        organization_description=org.description,
        scalars={
            **source,
            **entry.model_dump(include=set(SERVICE_FIELDS.split())),
            "status": entry.service_status,
            "assured_date": day,
            "last_reviewed": day,
            "review_due": entries.add_months(day, 12) if day else None,
        },
        categories=list(entry.categories),
        needs=list(entry.needs),
        areas=entry.areas,
        phones=[(p.number, p.description) for p in entry.phones],
        postcode=entry.postcode,
    )


def load_services(data: files.ServicesFile, path: Path, report: LoadReport, *, session: Session) -> bool:
    if store.council_by_key(data.council, session=session) is None:
        raise files.DataFileError(f"{path}: council {data.council!r} is not in councils.yaml")
    changed_any = False
    seen: set[str] = set()
    # Every entry with its children in a handful of queries, not a handful per entry.
    existing = {s.key: s for s in session.scalars(select(Service).options(*store.FULL_LOADING))}
    for entry in data.services:
        if entry.key in seen:
            raise files.DataFileError(f"{path}: the key {entry.key!r} is used twice")
        seen.add(entry.key)
        if entry.unknown_keys():
            report.warnings.append(f"{path.name} {entry.key}: ignored unknown fields {entry.unknown_keys()}")
        service = existing.get(entry.key)
        created = service is None
        if service is None:
            service = entries.new_service(entry.key, data.council)
            session.add(service)
        changed = entries.apply(service, entry_values(entry, data.council, data.documents), session=session)
        status = entry.status
        problems = store.publish_problems(service) if status == "published" else []
        if problems:
            report.warnings.append(f"{path.name} {entry.key}: kept as draft: {' '.join(problems)}")
            status = "draft"
        if service.publication_status != status:
            service.publication_status = status
            changed = True
        if not service.url and not service.email and not service.phones:
            report.counts["service with contact missing"] += 1
        changed = changed or created
        changed_any |= changed
        report.counts[f"service {'created' if created else 'updated' if changed else 'unchanged'}"] += 1
        session.flush()
    return changed_any


def load_waiting_times(data: files.WaitingTimesFile, report: LoadReport, *, session: Session) -> None:
    ids = dict(session.execute(select(Service.key, Service.id)).all())
    for entry in data.waiting_times:
        service_id = ids.get(entry.service_key)
        if service_id is None:
            report.warnings.append(f"waiting_times.yaml: no service with key {entry.service_key!r}; skipped")
            continue
        row = session.scalar(
            select(WaitingTime).where(
                WaitingTime.service_id == service_id,
                WaitingTime.area == entry.area,
                WaitingTime.measure == entry.measure,
                WaitingTime.period == entry.period,
            )
        )
        created = row is None
        if row is None:
            row = WaitingTime(
                service_id=service_id, area=entry.area, measure=entry.measure, period=entry.period
            )
            session.add(row)
        target_text = entry.target_text or (entry.target if isinstance(entry.target, str) else None)
        values = {
            "value": entry.value,
            "unit": entry.unit,
            "as_of": entry.as_of,
            "target": entry.target if isinstance(entry.target, float | int) else None,
            "target_text": target_text,
            "note": entry.note,
            **_source(entry.source),
        }
        changed = _sync(row, values)
        report.counts[f"waiting time {'created' if created else 'updated' if changed else 'unchanged'}"] += 1
    session.flush()


def _upsert(
    model: type,
    where: dict[str, Any],
    values: dict[str, Any],
    label: str,
    report: LoadReport,
    *,
    session: Session,
) -> None:
    row = session.scalar(select(model).filter_by(**where))
    created = row is None
    if row is None:
        row = model(**where)
        session.add(row)
    changed = _sync(row, values)
    report.counts[f"{label} {'created' if created else 'updated' if changed else 'unchanged'}"] += 1


def load_ehcp(data: files.EhcpFile, report: LoadReport, *, session: Session) -> None:
    for step in data.statutory_steps:
        timescale = step.timescale or files.Timescale()
        values = step.model_dump(
            include={"order", "title", "description", "easy_read", "if_missed", "legal_source"}
        )
        values |= {
            "timescale_value": timescale.value,
            "timescale_unit": timescale.unit,
            "timescale_from": timescale.from_,
        }
        _upsert(EhcpStep, {"key": step.key}, values, "EHCP step", report, session=session)
    councils = {c.key for c in store.councils(session)}
    for figure in data.local_performance:
        if figure.council not in councils:
            report.warnings.append(f"ehcp.yaml: council {figure.council!r} is not in councils.yaml; skipped")
            continue
        values = {
            "value": figure.value,
            "unit": figure.unit,
            "as_of": figure.as_of,
            "note": figure.note,
            **_source(figure.source),
        }
        where = {"council": figure.council, "measure": figure.measure, "period": figure.period}
        _upsert(EhcpLocalFigure, where, values, "EHCP local figure", report, session=session)
    for fact in data.facts:
        values = {"topic": fact.topic, "text": fact.text, "easy_read": fact.easy_read, **_source(fact.source)}
        _upsert(EhcpFact, {"key": fact.key}, values, "EHCP fact", report, session=session)
    session.flush()


def load_data(data_dir: Path, *, session: Session) -> LoadReport:
    """Load every data file found under ``data_dir`` in one transaction (the caller commits)."""
    report = LoadReport()
    store.ensure_taxonomies(session=session)
    changed = False
    councils_file = data_dir / "councils.yaml"
    if councils_file.exists():
        changed |= load_councils(files.read(councils_file, files.CouncilsFile), report, session=session)
    for path in files.service_files(data_dir):
        changed |= load_services(files.read(path, files.ServicesFile), path, report, session=session)
    if (data_dir / "waiting_times.yaml").exists():
        waiting = files.read(data_dir / "waiting_times.yaml", files.WaitingTimesFile)
        load_waiting_times(waiting, report, session=session)
    if (data_dir / "ehcp.yaml").exists():
        load_ehcp(files.read(data_dir / "ehcp.yaml", files.EhcpFile), report, session=session)
    if changed:
        report.revision = store.bump_revision(session=session)
        report.revision_bumped = True
    else:
        report.revision = store.corpus_revision(session=session)
    return report


def migrate_and_load(db: Database, data_dir: Path) -> LoadReport:
    migrations.upgrade(db.engine)
    with db.session() as session:
        return load_data(data_dir, session=session)
