"""Migrations build every table on an empty database, and the tables match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from directory import migrations, store
from directory.db import Database


def test_migrations_on_an_empty_database_match_the_models(db_url):
    db = Database(db_url)
    migrations.downgrade(db.engine, "base")
    assert "service" not in inspect(db.engine).get_table_names()

    migrations.upgrade(db.engine)

    assert migrations.is_up_to_date(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "organization",
        "service",
        "location",
        "address",
        "service_at_location",
        "contact",
        "phone",
        "schedule",
        "cost_option",
        "service_area",
        "taxonomy",
        "taxonomy_term",
        "attribute",
        "council",
        "waiting_time",
        "ehcp_step",
        "ehcp_local_figure",
        "ehcp_fact",
        "corpus_revision",
        "unanswered_question",
        "feedback",
    } <= tables
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, migrations.target_metadata()) == []
    with db.session() as session:
        assert store.corpus_revision(session) == "0"
    db.dispose()


def test_upgrade_twice_is_harmless(db):
    migrations.upgrade(db.engine)
    migrations.upgrade(db.engine)
    assert migrations.current_revision(db.engine) == migrations.head_revision()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_postgres_urls_use_psycopg_3():
    from directory.db import normalise_url

    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
