"""Cross-replica index freshness on a real PostgreSQL: NOTIFY at commit, listener, catch-up by revision.

Each "replica" here is its own ``Database`` (engine + session factory) and its own index, as in separate
processes; tests/scaled/test_directory_replicas.py does the same through two real uvicorn processes.
"""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select

from directory import replication, store
from directory.db import Database
from directory.models import Base, Council, Organization, Service
from directory.search.embedder import FakeEmbedder
from directory.search.service import SearchService


class CountingSearch(SearchService):
    """The real search engine (deterministic fake embedder); counts embeddings so re-embedding is visible."""

    def __init__(self) -> None:
        super().__init__(FakeEmbedder(), index_dir=None, model_name="fake")
        self.upserts = 0
        self.builds = 0

    def upsert(self, doc, revision: str) -> None:
        self.upserts += 1
        super().upsert(doc, revision)

    def load_or_build(self, docs, revision: str) -> None:
        self.builds += 1
        super().load_or_build(docs, revision)

    def names(self) -> set[str]:
        return {self.document(hit.id).name for hit in self.search("", k=1000)}

    @property
    def documents(self) -> dict:
        return {hit.id: self.document(hit.id) for hit in self.search("", k=1000)}


@pytest.fixture(scope="module")
def url(pg_database):
    db = Database(pg_database)
    Base.metadata.drop_all(db.engine)
    Base.metadata.create_all(db.engine)
    with db.session() as session:
        session.add(Council(key="sefton", name="Sefton"))
        session.add(Organization(name="Sefton Council"))
    db.dispose()
    return pg_database


@pytest.fixture()
def writer(url):
    """Replica A's write path: a Database whose session factory publishes (as create_app installs it)."""
    db = Database(url)
    replication.install_publisher(db.sessions)
    yield db
    db.dispose()


@pytest.fixture()
def replica_b(url):
    db = Database(url)
    index = CountingSearch()
    replica = replication.start_replica(db, index)
    assert replica.wait_until_listening(10), "the listener did not connect to PostgreSQL"
    yield replica, index
    replica.stop()
    db.dispose()


def add_service(db: Database, name: str, *, publish: bool = True) -> str:
    with db.session() as session:
        org = session.scalar(select(Organization).where(Organization.name == "Sefton Council"))
        service = Service(
            name=name,
            organization_id=org.id,
            council="sefton",
            key=f"test-{uuid.uuid4().hex[:10]}",
            description=f"{name} for families",
            publication_status="published" if publish else "draft",
        )
        session.add(service)
        store.bump_revision(session=session)
        session.flush()
        return service.id


def rename(db: Database, service_id: str, name: str) -> None:
    with db.session() as session:
        session.get(Service, service_id).name = name
        store.bump_revision(session=session)


def wait_for(predicate, seconds: float = 2.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"not true within {seconds} s")


def test_an_edit_committed_through_one_replica_reaches_the_other_within_two_seconds(writer, replica_b):
    replica, index = replica_b
    service_id = add_service(writer, "Riverside sensory play group")
    wait_for(lambda: "Riverside sensory play group" in index.names())

    rename(writer, service_id, "Riverside sensory play and music group")
    elapsed = wait_for(lambda: "Riverside sensory play and music group" in index.names())
    assert "Riverside sensory play group" not in index.names()
    assert elapsed < 2.0
    assert (
        index.document(index.search("music group", k=1)[0].id).name
        == "Riverside sensory play and music group"
    )
    # Only the edited entry was embedded again, not the corpus.
    assert index.builds <= 1 and replica.sync.revision == replica.sync.db_revision()


def test_unpublishing_removes_the_entry_from_the_other_replica(writer, replica_b):
    _, index = replica_b
    service_id = add_service(writer, "Lakeside holiday club")
    wait_for(lambda: service_id in index.documents)
    with writer.session() as session:
        session.get(Service, service_id).publication_status = "draft"
        store.bump_revision(session=session)
    wait_for(lambda: service_id not in index.documents)


def test_a_rolled_back_edit_notifies_nobody(writer, replica_b):
    replica, index = replica_b
    service_id = add_service(writer, "Hillside speech drop-in")
    wait_for(lambda: service_id in index.documents)
    received = replica.listener.received
    with pytest.raises(RuntimeError), writer.session() as session:
        session.get(Service, service_id).name = "never saved"
        store.bump_revision(session=session)
        session.flush()
        raise RuntimeError("staff pressed cancel")
    time.sleep(0.5)
    assert replica.listener.received == received
    assert index.documents[service_id].name == "Hillside speech drop-in"


def test_a_replica_that_missed_the_notification_catches_up_at_its_next_search(writer, replica_b):
    replica, index = replica_b
    replica.listener.stop()  # e.g. its connection dropped during a failover
    upserts = index.upserts
    service_id = add_service(writer, "Brookside autism parent course")
    time.sleep(0.3)
    assert service_id not in index.documents  # nothing told it
    replica.ensure_fresh()  # what the search path calls before it serves
    assert index.documents[service_id].name == "Brookside autism parent course"
    assert index.upserts == upserts + 1
    assert replica.sync.revision == replica.sync.db_revision()
    upserts = index.upserts
    replica.ensure_fresh()  # nothing changed: one revision read, no work
    assert index.upserts == upserts


def test_a_restarted_listener_catches_up_on_what_it_missed(url, writer):
    db = Database(url)
    index = CountingSearch()
    sync = replication.ReplicaSync(index, db.sessions)
    sync.refresh()
    service_id = add_service(writer, "Meadow wheelchair skills session")  # while nothing listens
    listener = replication.Listener(
        db.url, on_change=lambda _p: sync.refresh(), on_connect=sync.refresh
    ).start()
    try:
        assert listener.connected.wait(10)
        wait_for(lambda: service_id in index.documents)
    finally:
        listener.stop()
        db.dispose()


def test_the_payload_names_the_changed_service_and_the_new_revision(url, writer):
    import json

    import psycopg

    with psycopg.connect(replication.libpq_url(url), autocommit=True) as conn:
        conn.execute(f"LISTEN {replication.CHANNEL}")
        service_id = add_service(writer, "Orchard short breaks")
        notes = list(conn.notifies(timeout=2.0, stop_after=1))
    assert notes, "no notification arrived"
    payload = json.loads(notes[0].payload)
    assert service_id in payload["ids"]
    with writer.session() as session:
        assert payload["revision"] == store.corpus_revision(session=session)
