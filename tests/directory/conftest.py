"""Fixtures for the directory tests.

``db_url`` runs a test twice: on a throw-away SQLite file (a copy of one migrated template) and, marked
``postgres``, on a PostgreSQL database created on 127.0.0.1 for this test session (emptied before each
test, dropped at the end). Search uses the search engine with its deterministic fake embedder.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from directory import migrations
from directory.db import Database
from directory.settings import Settings, load_settings

PG_ADMIN = os.environ.get("SEND_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
FIXTURE_DATA = Path(__file__).parent / "data"


def _checkpointed(db: Database) -> None:
    if db.backend == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "directory.db"
    db = Database(f"sqlite:///{path}")
    migrations.upgrade(db.engine)
    _checkpointed(db)
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"send_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 (user postgres) is needed for the postgres tests: {exc}")
    url = "postgresql+psycopg://" + PG_ADMIN.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    db = Database(url)
    migrations.upgrade(db.engine)
    db.dispose()
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _empty_postgres(url: str) -> None:
    db = Database(url)
    tables = [t.name for t in migrations.target_metadata().sorted_tables]
    with db.engine.begin() as connection:  # DELETE: much faster than TRUNCATE on tables this small
        for table in reversed(tables):
            connection.execute(text(f"DELETE FROM {table}"))
        connection.execute(
            text("INSERT INTO corpus_revision (id, revision, updated_at) VALUES (1, 0, now())")
        )
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "directory.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.sessions() as s:
        yield s


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "DATABASE_URL": db_url,
            "SEND_ENV": "test",
            "SEND_INDEX_DIR": str(tmp_path / "index"),
            "SEND_DATA_DIR": str(FIXTURE_DATA),
            "SEND_SAFEGUARDING_CONTACTS": '{"sefton": "Test safeguarding line (made up for tests)"}',
        }
    )


@pytest.fixture
def loaded(db: Database):
    """The fixture data files loaded into the test database; returns the load report."""
    from directory.loader import load_data

    with db.session() as s:
        return load_data(FIXTURE_DATA, session=s)


def fake_search():
    from directory.search.embedder import FakeEmbedder
    from directory.search.service import SearchService

    return SearchService(FakeEmbedder(), None, "fake-hashing-64")


@pytest.fixture
def make_client(settings: Settings) -> Iterator[Callable[..., TestClient]]:
    """``make_client(**settings_overrides)``: the whole app (lifespan run) on the test database."""
    clients: list[TestClient] = []

    def make(search_service=None, **overrides) -> TestClient:
        from directory.app import create_app

        app_settings = settings.model_copy(update=overrides) if overrides else settings
        client = TestClient(create_app(app_settings, search_service=search_service or fake_search()))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(loaded, make_client) -> TestClient:
    return make_client()
