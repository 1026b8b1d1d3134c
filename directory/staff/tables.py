"""The staff area's own tables: accounts, sessions, API tokens, the audit trail and comments on the Local Offer.

They share the directory's declarative ``Base`` (so ``Base.metadata.create_all`` and Alembic see them); the
migration is ``directory/migrations/versions/*_staff_tables.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.modelbase import Base, id_column, utcnow

ROLES = ("viewer", "editor", "admin")  # each role can do everything the one before it can


def aware(when: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; every time here is UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


class StaffUser(Base):
    __tablename__ = "staff_user"
    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="editor")
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in: Mapped[datetime | None]

    def can(self, role: str) -> bool:
        return self.active and ROLES.index(self.role) >= ROLES.index(role)


class StaffSession(Base):
    """A signed-in browser. The cookie holds a signed random token; only its SHA-256 is stored."""

    __tablename__ = "staff_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    user: Mapped[StaffUser] = relationship(lazy="joined")


class StaffApiToken(Base):
    """A bearer token for systems that sync through the staff API. Only its SHA-256 is stored."""

    __tablename__ = "staff_api_token"
    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user: Mapped[StaffUser] = relationship(lazy="joined")


class AuditEvent(Base):
    """One change to an entry (or another record): who, when, what changed field by field, and the full snapshot."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)
    id: Mapped[str] = id_column()
    entity_type: Mapped[str] = mapped_column(String(40), default="service")
    entity_id: Mapped[str] = mapped_column(String(36))
    entity_key: Mapped[str | None] = mapped_column(String(120))
    entity_name: Mapped[str | None]
    version: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    actor_email: Mapped[str | None] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LocalOfferComment(Base):
    """A comment on the Local Offer (SEND Code of Practice 4.2x): personal data removed on arrival."""

    __tablename__ = "local_offer_comment"
    id: Mapped[str] = id_column()
    council: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(20), default="site")
    topic: Mapped[str] = mapped_column(String(40), default="content")
    text: Mapped[str] = mapped_column(Text)  # redacted on arrival, never the raw words
    public_text: Mapped[str | None] = mapped_column(Text)  # the moderated wording that gets published
    response: Mapped[str | None] = mapped_column(Text)  # "we did" / what the council will do
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    moderated_at: Mapped[datetime | None]
    moderated_by: Mapped[str | None] = mapped_column(String(254))
    published_at: Mapped[datetime | None]
