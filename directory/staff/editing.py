"""Create, edit, publish, archive and restore entries, with optimistic locking on ``service.version``.

Every operation validates first, writes the change and its audit event in one transaction, bumps the corpus
revision and commits; the caller then calls ``sync.refresh_search``. A save based on an older version is
refused with ``Conflict`` (both versions attached): nothing is silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from directory import store
from directory.models import Service, utcnow
from directory.staff import audit, diffing, entries
from directory.staff.tables import StaffUser


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Conflict(Exception):
    """Someone saved a newer version since this form was opened."""

    def __init__(self, mine: dict[str, Any], theirs: dict[str, Any], by: str | None, at: Any) -> None:
        super().__init__(f"entry changed by {by} since you opened it")
        self.mine, self.theirs, self.by, self.at = mine, theirs, by, at

    @property
    def differences(self) -> list[tuple[str, Any, Any]]:
        """(field, mine, theirs) for every field where the two versions differ."""

        def pick(data: dict[str, Any]) -> dict[str, Any]:
            return {
                k: v
                for k, v in data.items()
                if k in entries.LABELS and k not in ("key", "publication_status")
            }

        return [
            (field, pair[0], pair[1])
            for field, pair in diffing.diff(pick(self.mine), pick(self.theirs)).items()
        ]


class NeedsAdmin(Exception):
    """A published entry changes what families see: only an admin may change it."""


@dataclass
class Result:
    service: Service
    changed: bool


def _finish(
    session: Session,
    service: Service,
    action: str,
    actor: StaffUser,
    before: dict | None,
    note: str | None = None,
    commit: bool = True,
) -> Result:
    service.last_modified = utcnow()
    try:
        session.flush()
    except StaleDataError as error:  # another transaction bumped the version between our read and write
        session.rollback()
        latest = session.get(Service, service.id)
        raise Conflict({}, entries.snapshot(latest) if latest else {}, None, None) from error
    after = entries.snapshot(service)
    audit.record(
        session=session,
        action=action,
        actor=actor,
        entity_id=service.id,
        before=before,
        after=after,
        note=note,
    )
    if commit:  # an import commits once, after its last row
        store.bump_revision(session=session)
        session.commit()
    return Result(service, before is None or bool(diffing.diff(before, after)))


def _check_version(service: Service, expected: int | None, data: dict[str, Any], session: Session) -> None:
    if expected is not None and int(expected) != service.version:
        last = audit.history(session=session, entity_id=service.id)
        raise Conflict(
            data,
            entries.snapshot(service),
            last[0].actor_email if last else None,
            last[0].at if last else service.last_modified,
        )


def create(
    *, session: Session, data: dict[str, Any], actor: StaffUser, commit: bool = True, action: str = "created"
) -> Result:
    """A new entry; a draft unless an admin imports it as published (then the publishing rules apply)."""
    status = data.get("publication_status") if actor.can("admin") else "draft"
    data = {**data, "publication_status": status if status in entries.PUBLICATION else "draft"}
    errors = entries.validate(data, session=session, publishing=data["publication_status"] == "published")
    if errors:
        raise Invalid(errors)
    service = entries.apply(Service(), data, session=session)
    return _finish(session, service, action, actor, None, commit=commit)


def update(
    *,
    session: Session,
    service: Service,
    data: dict[str, Any],
    expected_version: int | None,
    actor: StaffUser,
    action: str = "edited",
    note: str | None = None,
    commit: bool = True,
    keep_status: bool = True,
) -> Result:
    if service.publication_status == "published" and not actor.can("admin"):
        raise NeedsAdmin()
    _check_version(service, expected_version, data, session)
    status = (
        service.publication_status
        if keep_status or data.get("publication_status") not in entries.PUBLICATION
        else data["publication_status"]
    )
    published = status == "published"
    data = {**data, "publication_status": status, "key": service.key}
    errors = entries.validate(data, session=session, publishing=published)
    if errors:
        raise Invalid(errors)
    before = entries.snapshot(service)
    entries.apply(service, data, session=session)
    return _finish(session, service, action, actor, before, note, commit=commit)


def set_publication(
    *, session: Session, service: Service, status: str, expected_version: int | None, actor: StaffUser
) -> Result:
    """publish / archive / back to draft: admin only (the route checks the role, this double-checks)."""
    if not actor.can("admin"):
        raise NeedsAdmin()
    before = entries.snapshot(service)
    _check_version(service, expected_version, before, session)
    if status == "published":
        errors = entries.validate(before, session=session, publishing=True)
        if errors:
            raise Invalid(errors)
    service.publication_status = status
    action = {"published": "published", "archived": "archived", "draft": "returned to draft"}[status]
    return _finish(session, service, action, actor, before)


def restore(
    *, session: Session, service: Service, event_id: str, expected_version: int | None, actor: StaffUser
) -> Result:
    """Puts back the content of an earlier version (as a new version; the history keeps everything)."""
    event = audit.get_event(session=session, event_id=event_id)
    if event is None or event.entity_id != service.id or not event.snapshot:
        raise Invalid({"version": "That version of this entry no longer exists"})
    data = {k: v for k, v in event.snapshot.items() if k not in ("id", "version", "publication_status")}
    return update(
        session=session,
        service=service,
        data=data,
        expected_version=expected_version,
        actor=actor,
        action="restored",
        note=f"restored version {event.version} of {event.at:%d %b %Y %H:%M}",
    )


def mark_reviewed(
    *, session: Session, service: Service, actor: StaffUser, next_review_months: int = 12
) -> Result:
    """Editors confirm an entry is still right (checked with the provider): assured today, next review in a year."""
    from datetime import date

    before = entries.snapshot(service)
    today = date.today()
    service.last_reviewed = today
    service.assured_date = today
    year, month = divmod(today.month - 1 + next_review_months, 12)
    service.review_due = today.replace(year=today.year + year, month=month + 1, day=min(today.day, 28))
    return _finish(session, service, "reviewed", actor, before)
