"""The audit trail: who changed what, when, field by field, with the full snapshot of every version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.staff.diffing import diff
from directory.staff.tables import AuditEvent, StaffUser


def record(
    *,
    session: Session,
    action: str,
    actor: StaffUser | None,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    entity_type: str = "service",
    note: str | None = None,
) -> AuditEvent:
    """Adds one event (inside the caller's transaction: the change and its record commit together)."""
    current = after or before or {}
    changes = diff(before, after)
    if note:
        changes = {**changes, "_note": [None, note]}
    event = AuditEvent(
        entity_type=entity_type,
        entity_id=entity_id,
        entity_key=current.get("key"),
        entity_name=current.get("name"),
        version=current.get("version"),
        action=action,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "system",
        changes=changes,
        snapshot=after,
    )
    session.add(event)
    return event


def history(*, session: Session, entity_id: str, entity_type: str = "service") -> list[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.version.desc())
    )
    return list(session.scalars(stmt))


def recent(
    *,
    session: Session,
    page: int = 1,
    per_page: int = 50,
    actor: str | None = None,
    entity_type: str | None = None,
) -> tuple[int, list[AuditEvent]]:
    stmt = select(AuditEvent)
    if actor:
        stmt = stmt.where(AuditEvent.actor_email == actor.strip().lower())
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AuditEvent.at.desc()).offset((page - 1) * per_page).limit(per_page))
    return total, list(rows)


def get_event(*, session: Session, event_id: str) -> AuditEvent | None:
    return session.get(AuditEvent, event_id)
