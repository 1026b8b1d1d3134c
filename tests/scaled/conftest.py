"""Fixtures for the scale-out tests: the real topology on throw-away PostgreSQL and Redis databases.

Every test here is marked ``postgres`` and needs PostgreSQL (trust auth, user postgres) and Redis on
127.0.0.1; when either cannot be reached the tests are skipped saying which one.

The topology (two directory replicas, one action server, two Rasa replicas with the trained model) is
started once for the whole package (``scaled_stack``), all processes at once, and stopped after the
package's last test. Tests that need only the directory replicas (``directory_replicas``) run first,
while the Rasa replicas are still loading; the Rasa tests (``rasa_replicas``) next; the fault test
(``crashable_stack``) kills replicas, so it runs last. Database names carry a random tag, so parallel
runs do not collide, and they are dropped afterwards. Teardown checks that no started process is left.
"""

from __future__ import annotations

import os
import signal
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from scripts.stack_scaled import ROOT, ScaledStack, drop, ensure_database, throwaway

PG_ADMIN = os.environ.get("SEND_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = ("127.0.0.1", 6379)
# Redis databases 0 and 1 belong to `make run-scaled`; the tests use 13 (rate limits) and 14 (Rasa locks);
# the load benchmark uses 12 and 11. Keys in them are per conversation / per visitor, so runs can share.
MODEL = ROOT / "models" / "send-assistant.tar.gz"
VISITOR_LIMIT = 5  # chat messages per visitor per minute in the test topology (test_directory_replicas)
# Order of the tests of this package: by the stack fixture they use (stable otherwise).
ORDER = {"directory_replicas": 0, "rasa_replicas": 2, "crashable_stack": 3}


def pytest_collection_modifyitems(items):
    scaled = [i for i, item in enumerate(items) if "tests/scaled/" in str(item.fspath)]
    for i in scaled:
        items[i].add_marker(pytest.mark.postgres)

    def rank(item) -> int:
        names = getattr(item, "fixturenames", ())
        return max((ORDER[n] for n in names if n in ORDER), default=1)

    # Reorder only this package's tests, in the slots they already occupy (hooks see every item).
    ordered = sorted((items[i] for i in scaled), key=rank)
    for slot, item in zip(scaled, ordered, strict=True):
        items[slot] = item


def _unreachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        first_line = (str(exc).strip().splitlines() or [""])[0]
        return f"PostgreSQL at {PG_ADMIN} cannot be reached ({type(exc).__name__}: {first_line})"
    try:
        with socket.create_connection(REDIS, timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return f"Redis on {REDIS[0]}:{REDIS[1]} did not answer PING"
    except OSError as exc:
        return f"Redis on {REDIS[0]}:{REDIS[1]} cannot be reached ({exc})"
    return None


@pytest.fixture(scope="session")
def services() -> None:
    reason = _unreachable()
    if reason:
        pytest.skip(f"the scale-out tests need PostgreSQL and Redis on 127.0.0.1: {reason}")


def _server_url(database: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + database


def drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def pg_database(services) -> Iterator[str]:
    """One empty directory database for the session, as a ``postgresql+psycopg://`` URL."""
    name = f"send_test_dir_{uuid.uuid4().hex[:8]}"
    ensure_database(_server_url(name))
    yield _server_url(name).replace("postgresql://", "postgresql+psycopg://", 1)
    drop_database(name)


def _interrupt(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="package")
def scaled_stack(services, tmp_path_factory) -> Iterator[ScaledStack]:
    """The whole topology, launched (not yet healthy): use the fixtures below, which wait for their part."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (scripts/train.sh) before the scaled tests")
    tmp = tmp_path_factory.mktemp("scaled")
    stack = throwaway(
        tmp,
        prefix="send_test",
        server=urlsplit(PG_ADMIN).netloc,
        app_factory="tests.scaled.replica_app:create_app",
        env={
            "TICKET_LOCK_LIFETIME": "10",
            "SEND_RETENTION_DAYS": "30",
            "SEND_RATE_LIMIT_PER_MINUTE": str(VISITOR_LIMIT),
            "SEND_RATE_LIMIT_CLIENT_PER_MINUTE": "1000",
            # the rate-limit test chats while the Rasa replicas may still be loading
            "SEND_CHAT_TIMEOUT": "2",
        },
    )
    # The action server reaches the directory through the second replica: the fault test kills the first
    # (in production it goes through the load balancer, which drops a dead replica).
    stack.env["SEND_DIRECTORY_URL"] = stack.web_urls[1]
    # The processes run in their own sessions, so a SIGTERM to pytest's process group (a CI timeout) would
    # not reach them: turn it into KeyboardInterrupt, which runs this teardown.
    previous = signal.getsignal(signal.SIGTERM)
    if previous == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        stack.launch_prepared()
        yield stack
    finally:
        if previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stack.stop()
        left = stack.survivors()
        try:
            drop(stack)
        finally:
            assert not left, f"process groups still running after stop(): {left}"


@pytest.fixture(scope="package")
def directory_replicas(scaled_stack) -> ScaledStack:
    """The stack once both directory replicas answer (the Rasa replicas may still be loading)."""
    scaled_stack.wait([p.name for p in scaled_stack.processes if p.name.startswith("directory")], timeout=120)
    return scaled_stack


@pytest.fixture(scope="package")
def rasa_replicas(scaled_stack) -> ScaledStack:
    """The stack once every process answers its health check."""
    scaled_stack.wait(timeout=360)
    return scaled_stack


@pytest.fixture()
def crashable_stack(rasa_replicas) -> ScaledStack:
    """The healthy stack, for a test that kills replicas (ordered last in the package)."""
    return rasa_replicas
