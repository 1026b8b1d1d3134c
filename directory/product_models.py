"""The product's own dated records: waiting times, the EHCP journey, corpus revision, gaps and feedback."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.modelbase import Base, Sourced, fk, id_column, utcnow


class WaitingTime(Sourced, Base):
    __tablename__ = "waiting_time"
    __table_args__ = (
        UniqueConstraint("service_id", "area", "measure", "period", name="uq_waiting_time_figure"),
    )
    id: Mapped[str] = id_column()
    service_id: Mapped[str] = fk("service.id", nullable=False)
    area: Mapped[str] = mapped_column(String(120))
    measure: Mapped[str]
    value: Mapped[float | None]
    unit: Mapped[str] = mapped_column(String(40), default="weeks")
    period: Mapped[str] = mapped_column(String(60))
    as_of: Mapped[date | None]
    target: Mapped[float | None]
    target_text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    service: Mapped[Service] = relationship(lazy="joined")  # noqa: F821


class EhcpStep(Base):
    """A statutory step of the EHC needs assessment and plan process (the law, not local performance)."""

    __tablename__ = "ehcp_step"
    id: Mapped[str] = id_column()
    key: Mapped[str] = mapped_column(String(120), unique=True)
    order: Mapped[int] = mapped_column("step_order")
    title: Mapped[str]
    timescale_value: Mapped[float | None]
    timescale_unit: Mapped[str | None] = mapped_column(String(40))
    timescale_from: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    easy_read: Mapped[str | None] = mapped_column(Text)
    if_missed: Mapped[str | None] = mapped_column(Text)
    legal_source: Mapped[str | None] = mapped_column(Text)


class EhcpLocalFigure(Sourced, Base):
    __tablename__ = "ehcp_local_figure"
    __table_args__ = (UniqueConstraint("council", "measure", "period", name="uq_ehcp_local_figure"),)
    id: Mapped[str] = id_column()
    council: Mapped[str] = mapped_column(String(40), ForeignKey("council.key"), index=True)
    measure: Mapped[str]
    value: Mapped[float | None]
    unit: Mapped[str | None] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(60))
    as_of: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)


class EhcpFact(Sourced, Base):
    __tablename__ = "ehcp_fact"
    id: Mapped[str] = id_column()
    key: Mapped[str] = mapped_column(String(120), unique=True)
    topic: Mapped[str] = mapped_column(String(120), index=True)
    text: Mapped[str] = mapped_column(Text)
    easy_read: Mapped[str | None] = mapped_column(Text)


class CorpusRevision(Base):
    """One row, bumped on every service write, so every replica's search index knows when it is stale."""

    __tablename__ = "corpus_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnansweredQuestion(Base):
    __tablename__ = "unanswered_question"
    id: Mapped[str] = id_column()
    text: Mapped[str] = mapped_column(Text)  # already redacted
    intent: Mapped[str | None] = mapped_column(String(120))
    confidence: Mapped[float | None]
    council: Mapped[str | None] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="chat")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[str] = id_column()
    answer_type: Mapped[str] = mapped_column(String(120))
    helpful: Mapped[bool]
    council: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
