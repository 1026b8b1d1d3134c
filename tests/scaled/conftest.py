"""Fixtures for the scale-out tests: throw-away PostgreSQL databases and Redis databases on 127.0.0.1.

Every test here is marked ``postgres``. PostgreSQL (trust auth, user postgres) and Redis must be running;
when they are not, the tests fail with a message saying so (they are the subject, so never skipped).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from scripts.stack_scaled import ensure_database

PG_ADMIN = os.environ.get("SEND_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
# Redis databases 0 and 1 belong to `make run-scaled`; the tests use 13 (rate limits) and 14 (Rasa locks),
# see scripts/stack_scaled.throwaway; the load benchmark uses 12 and 11.


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/scaled/" in str(item.fspath):
            item.add_marker(pytest.mark.postgres)


def _server_url(database: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + database


def drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def new_database(prefix: str) -> str:
    """Creates an empty database and returns its libpq URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        ensure_database(_server_url(name))
    except Exception as exc:  # psycopg.OperationalError and friends
        pytest.fail(f"PostgreSQL on 127.0.0.1:5432 is needed for the scale-out tests: {exc}")
    return _server_url(name)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """One empty directory database for the session, as a ``postgresql+psycopg://`` URL."""
    url = new_database("send_test_dir")
    yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    drop_database(url.rsplit("/", 1)[1])
