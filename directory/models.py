"""Tables: Open Referral UK 3.0 / HSDS 3.0 entities (this module) and the product's own records
(``directory.product_models``, re-exported here so ``from directory.models import WaitingTime`` works).

Portable SQLAlchemy 2 only (no SQLite- or PostgreSQL-specific types), UUID strings as ids.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from directory.modelbase import Base, fk, id_column, new_id, utcnow
from directory.product_models import (
    CorpusRevision,
    EhcpFact,
    EhcpLocalFigure,
    EhcpStep,
    Feedback,
    UnansweredQuestion,
    WaitingTime,
)

__all__ = [
    "Base",
    "new_id",
    "utcnow",
    "Organization",
    "Council",
    "Service",
    "Contact",
    "Phone",
    "Location",
    "Address",
    "ServiceAtLocation",
    "Schedule",
    "CostOption",
    "ServiceArea",
    "Taxonomy",
    "TaxonomyTerm",
    "Attribute",
    "WaitingTime",
    "EhcpStep",
    "EhcpLocalFigure",
    "EhcpFact",
    "CorpusRevision",
    "UnansweredQuestion",
    "Feedback",
]


# --- Open Referral UK / HSDS 3.0 -------------------------------------------------------------------------


class Organization(Base):
    __tablename__ = "organization"
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None]
    website: Mapped[str | None] = mapped_column(String(500))
    services: Mapped[list[Service]] = relationship(back_populates="organization")


class Council(Base):
    __tablename__ = "council"
    id: Mapped[str] = id_column()
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str]
    local_offer_name: Mapped[str | None]
    local_offer_url: Mapped[str | None] = mapped_column(String(500))
    sendiass_key: Mapped[str | None] = mapped_column(String(120))
    parent_forum_key: Mapped[str | None] = mapped_column(String(120))
    areas: Mapped[list[str]] = mapped_column(default=list)
    health_areas: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Service(Base):
    __tablename__ = "service"
    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = fk("organization.id", nullable=False, ondelete="RESTRICT")
    # ORUK 3.0 service fields
    name: Mapped[str]
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None]
    status: Mapped[str] = mapped_column(String(32), default="active")
    minimum_age: Mapped[int | None]
    maximum_age: Mapped[int | None]
    assured_date: Mapped[date | None]
    last_modified: Mapped[datetime] = mapped_column(default=utcnow)
    # HSDS 3.0 fields the UK profile drops, kept as declared extensions
    eligibility_description: Mapped[str | None] = mapped_column(Text)
    application_process: Mapped[str | None] = mapped_column(Text)
    fees_description: Mapped[str | None] = mapped_column(Text)
    # product fields (exposed as x_...)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    council: Mapped[str] = mapped_column(String(40), ForeignKey("council.key"), index=True)
    referral: Mapped[str] = mapped_column(String(20), default="either")
    easy_read: Mapped[str | None] = mapped_column(Text)
    also_known_as: Mapped[list[str]] = mapped_column(default=list)
    source_document: Mapped[str | None] = mapped_column(String(200))
    source_lines: Mapped[str | None] = mapped_column(String(200))
    source_date: Mapped[date | None]
    last_reviewed: Mapped[date | None]
    review_due: Mapped[date | None]
    publication_status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version}

    organization: Mapped[Organization] = relationship(back_populates="services", lazy="joined")
    phones: Mapped[list[Phone]] = relationship(cascade="all, delete-orphan", order_by="Phone.number")
    contacts: Mapped[list[Contact]] = relationship(cascade="all, delete-orphan")
    service_areas: Mapped[list[ServiceArea]] = relationship(
        cascade="all, delete-orphan", order_by="ServiceArea.name"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(cascade="all, delete-orphan")
    schedules: Mapped[list[Schedule]] = relationship(cascade="all, delete-orphan")
    cost_options: Mapped[list[CostOption]] = relationship(cascade="all, delete-orphan")
    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin=lambda: and_(Service.id == foreign(Attribute.link_id), Attribute.link_type == "service"),
        cascade="all, delete-orphan",
    )

    @property
    def contact_missing(self) -> bool:
        return not (self.url or self.email or self.phones)

    def terms(self, taxonomy_name: str) -> list[str]:
        return sorted(
            a.taxonomy_term.code for a in self.attributes if a.taxonomy_term.taxonomy.name == taxonomy_name
        )


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    name: Mapped[str | None]
    title: Mapped[str | None]
    phones: Mapped[list[Phone]] = relationship(cascade="all, delete-orphan")


class Phone(Base):
    __tablename__ = "phone"
    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    contact_id: Mapped[str | None] = fk("contact.id")
    number: Mapped[str] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)


class Location(Base):
    __tablename__ = "location"
    id: Mapped[str] = id_column()
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    name: Mapped[str | None]
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    addresses: Mapped[list[Address]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Address(Base):
    __tablename__ = "address"
    id: Mapped[str] = id_column()
    location_id: Mapped[str | None] = fk("location.id")
    attention: Mapped[str | None]
    address_1: Mapped[str] = mapped_column(default="")
    city: Mapped[str] = mapped_column(default="")
    region: Mapped[str | None]
    state_province: Mapped[str] = mapped_column(default="")
    postal_code: Mapped[str] = mapped_column(String(12), default="", index=True)
    country: Mapped[str] = mapped_column(String(2), default="GB")
    address_type: Mapped[str] = mapped_column(String(20), default="physical")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"
    id: Mapped[str] = id_column()
    service_id: Mapped[str] = fk("service.id", nullable=False)
    location_id: Mapped[str] = fk("location.id", nullable=False)
    location: Mapped[Location] = relationship(lazy="joined")


class Schedule(Base):
    __tablename__ = "schedule"
    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = fk("service.id")
    service_at_location_id: Mapped[str | None] = fk("service_at_location.id")
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    dtstart: Mapped[date | None]
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None]
    byday: Mapped[str | None] = mapped_column(String(40))
    bymonthday: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[str | None] = mapped_column(String(8))
    closes_at: Mapped[str | None] = mapped_column(String(8))
    schedule_link: Mapped[str | None] = mapped_column(String(500))
    attending_type: Mapped[str | None] = mapped_column(String(40))
    notes: Mapped[str | None] = mapped_column(Text)


class CostOption(Base):
    __tablename__ = "cost_option"
    id: Mapped[str] = id_column()
    service_id: Mapped[str] = fk("service.id", nullable=False)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    option: Mapped[str | None]
    amount: Mapped[float | None]
    amount_description: Mapped[str | None] = mapped_column(Text)


class ServiceArea(Base):
    __tablename__ = "service_area"
    id: Mapped[str] = id_column()
    service_id: Mapped[str] = fk("service.id", nullable=False)
    name: Mapped[str] = mapped_column(String(120), index=True)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(String(40))
    uri: Mapped[str | None] = mapped_column(String(500))


class Taxonomy(Base):
    __tablename__ = "taxonomy"
    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(20))


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"
    __table_args__ = (UniqueConstraint("taxonomy_id", "code", name="uq_taxonomy_term_taxonomy_code"),)
    id: Mapped[str] = id_column()
    taxonomy_id: Mapped[str] = fk("taxonomy.id", nullable=False)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str]
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str | None] = fk("taxonomy_term.id", ondelete="SET NULL")
    term_uri: Mapped[str | None] = mapped_column(String(500))
    taxonomy: Mapped[Taxonomy] = relationship(lazy="joined")


class Attribute(Base):
    """Links a taxonomy term to an entity (here: services), as HSDS 3.0 intends."""

    __tablename__ = "attribute"
    __table_args__ = (Index("ix_attribute_link", "link_type", "link_id"),)
    id: Mapped[str] = id_column()
    link_id: Mapped[str] = mapped_column(String(36))
    link_type: Mapped[str] = mapped_column(String(40), default="service")
    taxonomy_term_id: Mapped[str] = fk("taxonomy_term.id", nullable=False)
    taxonomy_term: Mapped[TaxonomyTerm] = relationship(lazy="joined")
