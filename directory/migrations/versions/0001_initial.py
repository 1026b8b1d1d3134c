"""Initial schema: every table of the directory

Revision ID: 0001
Revises:
Create Date: 2026-11-22 21:58:22.035384
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corpus_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_revision")),
    )
    # The single counter row every replica reads; services bump it on each write.
    op.bulk_insert(
        sa.table(
            "corpus_revision",
            sa.column("id", sa.Integer),
            sa.column("revision", sa.Integer),
            sa.column("updated_at", sa.DateTime(timezone=True)),
        ),
        [{"id": 1, "revision": 0, "updated_at": datetime.now(UTC)}],
    )
    op.create_table(
        "council",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("local_offer_name", sa.String(length=255), nullable=True),
        sa.Column("local_offer_url", sa.String(length=500), nullable=True),
        sa.Column("sendiass_key", sa.String(length=120), nullable=True),
        sa.Column("parent_forum_key", sa.String(length=120), nullable=True),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("health_areas", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council")),
        sa.UniqueConstraint("key", name=op.f("uq_council_key")),
    )
    op.create_table(
        "ehcp_fact",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("easy_read", sa.Text(), nullable=True),
        sa.Column("source_document", sa.String(length=200), nullable=True),
        sa.Column("source_lines", sa.String(length=200), nullable=True),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcp_fact")),
        sa.UniqueConstraint("key", name=op.f("uq_ehcp_fact_key")),
    )
    op.create_index(op.f("ix_ehcp_fact_topic"), "ehcp_fact", ["topic"], unique=False)

    op.create_table(
        "ehcp_step",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("step_order", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("timescale_value", sa.Double(), nullable=True),
        sa.Column("timescale_unit", sa.String(length=40), nullable=True),
        sa.Column("timescale_from", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("easy_read", sa.Text(), nullable=True),
        sa.Column("if_missed", sa.Text(), nullable=True),
        sa.Column("legal_source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcp_step")),
        sa.UniqueConstraint("key", name=op.f("uq_ehcp_step_key")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("answer_type", sa.String(length=120), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("council", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_council"), "feedback", ["council"], unique=False)
    op.create_index(op.f("ix_feedback_created_at"), "feedback", ["created_at"], unique=False)

    op.create_table(
        "location",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("location_type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location")),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("name", name=op.f("uq_organization_name")),
    )
    op.create_table(
        "taxonomy",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.Column("version", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy")),
        sa.UniqueConstraint("name", name=op.f("uq_taxonomy_name")),
    )
    op.create_table(
        "unanswered_question",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(length=120), nullable=True),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column("council", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered_question")),
    )
    op.create_index(op.f("ix_unanswered_question_council"), "unanswered_question", ["council"], unique=False)
    op.create_index(
        op.f("ix_unanswered_question_created_at"), "unanswered_question", ["created_at"], unique=False
    )

    op.create_table(
        "address",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=True),
        sa.Column("attention", sa.String(length=255), nullable=True),
        sa.Column("address_1", sa.String(length=255), nullable=False),
        sa.Column("city", sa.String(length=255), nullable=False),
        sa.Column("region", sa.String(length=255), nullable=True),
        sa.Column("state_province", sa.String(length=255), nullable=False),
        sa.Column("postal_code", sa.String(length=12), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("address_type", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_address_location_id_location"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address")),
    )
    op.create_index(op.f("ix_address_location_id"), "address", ["location_id"], unique=False)
    op.create_index(op.f("ix_address_postal_code"), "address", ["postal_code"], unique=False)

    op.create_table(
        "ehcp_local_figure",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("council", sa.String(length=40), nullable=False),
        sa.Column("measure", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=True),
        sa.Column("period", sa.String(length=60), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source_document", sa.String(length=200), nullable=True),
        sa.Column("source_lines", sa.String(length=200), nullable=True),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["council"], ["council.key"], name=op.f("fk_ehcp_local_figure_council_council")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ehcp_local_figure")),
        sa.UniqueConstraint("council", "measure", "period", name="uq_ehcp_local_figure"),
    )
    op.create_index(op.f("ix_ehcp_local_figure_council"), "ehcp_local_figure", ["council"], unique=False)

    op.create_table(
        "service",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("assured_date", sa.Date(), nullable=True),
        sa.Column("last_modified", sa.DateTime(timezone=True), nullable=False),
        sa.Column("eligibility_description", sa.Text(), nullable=True),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("fees_description", sa.Text(), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("council", sa.String(length=40), nullable=False),
        sa.Column("referral", sa.String(length=20), nullable=False),
        sa.Column("easy_read", sa.Text(), nullable=True),
        sa.Column("also_known_as", sa.JSON(), nullable=False),
        sa.Column("source_document", sa.String(length=200), nullable=True),
        sa.Column("source_lines", sa.String(length=200), nullable=True),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("last_reviewed", sa.Date(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("publication_status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["council"], ["council.key"], name=op.f("fk_service_council_council")),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_service_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service")),
        sa.UniqueConstraint("key", name=op.f("uq_service_key")),
    )
    op.create_index(op.f("ix_service_council"), "service", ["council"], unique=False)
    op.create_index(op.f("ix_service_organization_id"), "service", ["organization_id"], unique=False)
    op.create_index(op.f("ix_service_publication_status"), "service", ["publication_status"], unique=False)

    op.create_table(
        "taxonomy_term",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("taxonomy_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("term_uri", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["taxonomy_term.id"],
            name=op.f("fk_taxonomy_term_parent_id_taxonomy_term"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["taxonomy_id"],
            ["taxonomy.id"],
            name=op.f("fk_taxonomy_term_taxonomy_id_taxonomy"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_taxonomy_term")),
        sa.UniqueConstraint("taxonomy_id", "code", name="uq_taxonomy_term_taxonomy_code"),
    )
    op.create_index(op.f("ix_taxonomy_term_parent_id"), "taxonomy_term", ["parent_id"], unique=False)
    op.create_index(op.f("ix_taxonomy_term_taxonomy_id"), "taxonomy_term", ["taxonomy_id"], unique=False)

    op.create_table(
        "attribute",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("link_id", sa.String(length=36), nullable=False),
        sa.Column("link_type", sa.String(length=40), nullable=False),
        sa.Column("taxonomy_term_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["taxonomy_term_id"],
            ["taxonomy_term.id"],
            name=op.f("fk_attribute_taxonomy_term_id_taxonomy_term"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute")),
    )
    op.create_index("ix_attribute_link", "attribute", ["link_type", "link_id"], unique=False)
    op.create_index(op.f("ix_attribute_taxonomy_term_id"), "attribute", ["taxonomy_term_id"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_contact_service_id_service"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    op.create_index(op.f("ix_contact_service_id"), "contact", ["service_id"], unique=False)

    op.create_table(
        "cost_option",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("option", sa.String(length=255), nullable=True),
        sa.Column("amount", sa.Double(), nullable=True),
        sa.Column("amount_description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_cost_option_service_id_service"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_option")),
    )
    op.create_index(op.f("ix_cost_option_service_id"), "cost_option", ["service_id"], unique=False)

    op.create_table(
        "service_area",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("extent", sa.Text(), nullable=True),
        sa.Column("extent_type", sa.String(length=40), nullable=True),
        sa.Column("uri", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_area_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_area")),
    )
    op.create_index(op.f("ix_service_area_name"), "service_area", ["name"], unique=False)
    op.create_index(op.f("ix_service_area_service_id"), "service_area", ["service_id"], unique=False)

    op.create_table(
        "service_at_location",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["location.id"],
            name=op.f("fk_service_at_location_location_id_location"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_service_at_location_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_at_location")),
    )
    op.create_index(
        op.f("ix_service_at_location_location_id"), "service_at_location", ["location_id"], unique=False
    )
    op.create_index(
        op.f("ix_service_at_location_service_id"), "service_at_location", ["service_id"], unique=False
    )

    op.create_table(
        "waiting_time",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=False),
        sa.Column("measure", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=60), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("target", sa.Double(), nullable=True),
        sa.Column("target_text", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_document", sa.String(length=200), nullable=True),
        sa.Column("source_lines", sa.String(length=200), nullable=True),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["service.id"],
            name=op.f("fk_waiting_time_service_id_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_time")),
        sa.UniqueConstraint("service_id", "area", "measure", "period", name="uq_waiting_time_figure"),
    )
    op.create_index(op.f("ix_waiting_time_service_id"), "waiting_time", ["service_id"], unique=False)

    op.create_table(
        "phone",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("contact_id", sa.String(length=36), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_phone_contact_id_contact"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_phone_service_id_service"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone")),
    )
    op.create_index(op.f("ix_phone_contact_id"), "phone", ["contact_id"], unique=False)
    op.create_index(op.f("ix_phone_service_id"), "phone", ["service_id"], unique=False)

    op.create_table(
        "schedule",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.String(length=36), nullable=True),
        sa.Column("service_at_location_id", sa.String(length=36), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("dtstart", sa.Date(), nullable=True),
        sa.Column("freq", sa.String(length=10), nullable=True),
        sa.Column("interval", sa.Integer(), nullable=True),
        sa.Column("byday", sa.String(length=40), nullable=True),
        sa.Column("bymonthday", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("opens_at", sa.String(length=8), nullable=True),
        sa.Column("closes_at", sa.String(length=8), nullable=True),
        sa.Column("schedule_link", sa.String(length=500), nullable=True),
        sa.Column("attending_type", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_at_location_id"],
            ["service_at_location.id"],
            name=op.f("fk_schedule_service_at_location_id_service_at_location"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_schedule_service_id_service"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule")),
    )
    op.create_index(
        op.f("ix_schedule_service_at_location_id"), "schedule", ["service_at_location_id"], unique=False
    )
    op.create_index(op.f("ix_schedule_service_id"), "schedule", ["service_id"], unique=False)


def downgrade() -> None:
    for table in (
        "schedule",
        "phone",
        "waiting_time",
        "service_at_location",
        "service_area",
        "cost_option",
        "contact",
        "attribute",
        "taxonomy_term",
        "service",
        "ehcp_local_figure",
        "address",
        "unanswered_question",
        "taxonomy",
        "organization",
        "location",
        "feedback",
        "ehcp_step",
        "ehcp_fact",
        "council",
        "corpus_revision",
    ):
        op.drop_table(table)
