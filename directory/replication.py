"""Keeps every directory replica's search index fresh when staff edit a service through any replica.

Scale-out mode only (PostgreSQL). Three pieces:

- **Publisher** (`install_publisher`): SQLAlchemy session events collect the ids of services touched by
  a flush (service rows and their child rows: phones, areas, taxonomy links, ...) and, just before the
  transaction commits, send ``NOTIFY send_directory_changes, '{"ids": [...], "revision": N}'`` inside
  that same transaction. PostgreSQL delivers a notification only when its transaction commits, and
  delivers them in commit order; a rolled-back edit notifies nobody and a committed one cannot be
  committed without its notification being queued.
- **Listener** (`Listener`): one thread per replica holding a dedicated connection with
  ``LISTEN send_directory_changes``. Each notification triggers a refresh (below), normally within a
  few tens of milliseconds of the commit. After (re)connecting it refreshes once, which covers
  anything sent while it was not listening.
- **Catch-up** (`ReplicaSync.ensure_fresh`): before a replica serves a search it compares its index
  revision with the database's corpus revision (one indexed single-row read) and, when they differ,
  refreshes. So a replica that missed notifications (listener down, database failover) is correct at
  its next search anyway; the notifications only make that happen sooner and off the request path.

A refresh diffs the database's search documents against the documents this replica last indexed and
upserts only those that changed (one embedding each) and removes those that are gone; it never
re-embeds the whole corpus unless the index itself is behind (then ``load_or_build``).

Why PostgreSQL LISTEN/NOTIFY rather than Redis pub/sub: the notification is part of the write's own
transaction (no window where the edit is committed but the message was never sent, or sent for an edit
that then rolled back), the replicas already share PostgreSQL, and the directory keeps working with
Redis down (Redis only holds rate-limit counters, which fail open). The cost: the listener needs a
direct connection (not through a transaction-pooling PgBouncer), see docs/deployment.md.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

CHANNEL = "send_directory_changes"
MAX_IDS_PER_NOTIFICATION = 100  # NOTIFY payloads must stay under 8000 bytes; more ids -> "check everything"
_PENDING = "send_replication_ids"
_REVISION_BUMPED = "send_replication_revision_bumped"


# --- publisher ---------------------------------------------------------------------------------------------


def _service_id_of(obj: Any) -> str | None:
    table = getattr(obj, "__tablename__", None)
    if table == "service":
        return getattr(obj, "id", None)
    if table == "attribute":
        return obj.link_id if getattr(obj, "link_type", None) == "service" else None
    return getattr(obj, "service_id", None)


def _collect(session: Session, _flush_context: Any) -> None:
    """after_flush: new/dirty/deleted still show what this flush wrote."""
    pending: set[str] = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if getattr(obj, "__tablename__", None) == "corpus_revision":
            session.info[_REVISION_BUMPED] = True
        service_id = _service_id_of(obj)
        if service_id:
            pending.add(str(service_id))


def _watch_statements(state: Any) -> None:
    """do_orm_execute: ``store.bump_revision`` is a bulk UPDATE, which flush events do not see."""
    if state.is_update or state.is_insert:
        mapper = state.bind_mapper
        if mapper is not None and getattr(mapper.local_table, "name", None) == "corpus_revision":
            state.session.info[_REVISION_BUMPED] = True


def _notify_before_commit(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":  # NOTIFY is PostgreSQL's; SQLite has one process
        _forget(session)
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook; flush now so the ids are complete
    ids = sorted(session.info.get(_PENDING, ()))
    if ids or session.info.get(_REVISION_BUMPED):
        publish(session, ids)
    _forget(session)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_REVISION_BUMPED, None)


def publish(session: Session, service_ids: Iterable[str]) -> None:
    """Queues the change notification in the session's transaction (sent by PostgreSQL at commit).

    Write paths that change search documents without touching service rows can call this directly.
    """
    from directory import store

    ids = sorted({str(i) for i in service_ids})
    payload = {
        "ids": ids if len(ids) <= MAX_IDS_PER_NOTIFICATION else None,
        "revision": _jsonable(store.corpus_revision(session=session)),
    }
    session.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": json.dumps(payload)}
    )


def install_publisher(sessions: sessionmaker) -> None:
    """Makes every commit through this session factory notify the other replicas (PostgreSQL only)."""
    if getattr(sessions, "_send_replication_installed", False):
        return
    event.listen(sessions, "after_flush", _collect)
    event.listen(sessions, "do_orm_execute", _watch_statements)
    event.listen(sessions, "before_commit", _notify_before_commit)
    event.listen(sessions, "after_rollback", _forget)
    sessions._send_replication_installed = True  # type: ignore[attr-defined]


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (int, str, float)) or value is None else str(value)


# --- catch-up ----------------------------------------------------------------------------------------------


class Index(Protocol):
    """What replication needs from ``directory.search.service.SearchService``."""

    @property
    def revision(self) -> str: ...
    def document(self, doc_id: str) -> Any | None: ...
    def upsert(self, doc: Any, revision: str) -> None: ...
    def remove(self, doc_id: str, revision: str) -> None: ...
    def load_or_build(self, docs: list[Any], revision: str) -> None: ...


@dataclass
class RefreshResult:
    revision: str
    upserted: list[str]
    removed: list[str]
    rebuilt: bool = False


class ReplicaSync:
    """Brings one replica's search index up to the database's corpus revision."""

    def __init__(
        self,
        search: Index,
        sessions: Callable[[], Session],
        documents: Callable[[Session], list[Any]] | None = None,
        revision: Callable[[Session], str] | None = None,
    ) -> None:
        from directory import store

        self.search = search
        self.sessions = sessions
        self._documents = documents or (lambda session: store.search_documents(session=session))
        self._revision = revision or (lambda session: store.corpus_revision(session=session))
        self._lock = threading.Lock()
        self._known_ids: set[str] | None = None  # ids indexed at the last refresh (removal candidates)
        self.revision: str | None = None  # the corpus revision this replica's index reflects
        self.refreshes = 0

    def db_revision(self) -> str:
        with self.sessions() as session:
            return self._revision(session)

    def ensure_fresh(self) -> RefreshResult | None:
        """Called before serving a search: refreshes only when the database has moved on."""
        if self.revision is not None and self.db_revision() == self.revision:
            return None
        return self.refresh()

    def refresh(self, hint_ids: list[str] | None = None) -> RefreshResult:
        """Diffs the database's search documents against the index; embeds only what changed."""
        with self._lock:
            with self.sessions() as session:
                revision = self._revision(session)
                documents = {str(d.id): d for d in self._documents(session)}
            if self._known_ids is None:
                return self._adopt(documents, revision)
            upserted = [i for i, d in documents.items() if self.search.document(i) != d]
            candidates = self._known_ids | set(hint_ids or ())
            removed = sorted(
                i for i in candidates if i not in documents and self.search.document(i) is not None
            )
            for doc_id in upserted:
                self.search.upsert(documents[doc_id], revision)
            for doc_id in removed:
                self.search.remove(doc_id, revision)
            self._known_ids = set(documents)
            self._set_revision(revision)
            if upserted or removed:
                log.info(
                    "search index now at corpus revision %s (upserted %d, removed %d)",
                    revision,
                    len(upserted),
                    len(removed),
                )
            return RefreshResult(revision, upserted, removed)

    def _adopt(self, documents: dict[str, Any], revision: str) -> RefreshResult:
        """First refresh: trust an index already built at this revision, otherwise load or build it."""
        rebuilt = self.search.revision != revision
        if rebuilt:
            self.search.load_or_build(list(documents.values()), revision)
        self._known_ids = set(documents)
        self._set_revision(revision)
        return RefreshResult(revision, list(documents) if rebuilt else [], [], rebuilt)

    def _set_revision(self, revision: str) -> None:
        self.revision = revision
        self.refreshes += 1
        # Nothing to embed but the counter moved (e.g. a waiting-time edit): record it in the index too,
        # so /health and the saved index's metadata show the current revision.
        setter = getattr(self.search, "set_revision", None)
        if callable(setter) and self.search.revision != revision:
            setter(revision)


# --- listener ----------------------------------------------------------------------------------------------


def libpq_url(database_url: str) -> str:
    """``postgresql+psycopg://u:p@h/db`` -> ``postgresql://u:p@h/db`` for a raw psycopg connection."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """A daemon thread that LISTENs on the channel and calls ``on_change(payload)`` for each notification."""

    def __init__(
        self,
        database_url: str,
        on_change: Callable[[dict], None],
        on_connect: Callable[[], None] | None = None,
        channel: str = CHANNEL,
        poll_seconds: float = 0.5,
    ) -> None:
        self.conninfo = libpq_url(database_url)
        self.on_change = on_change
        self.on_connect = on_connect
        self.channel = channel
        self.poll_seconds = poll_seconds
        self.connected = threading.Event()
        self.received = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Listener:
        self._thread = threading.Thread(target=self._run, name="replica-listener", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg
        from psycopg import sql

        backoff = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    self.connected.set()
                    backoff = 0.5
                    self._call(self.on_connect)  # catch up on anything sent before LISTEN took effect
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=self.poll_seconds):
                            self.received += 1
                            self._call(self.on_change, _parse(note.payload))
            except Exception as exc:  # connection lost: keep retrying, searches catch up meanwhile
                self.connected.clear()
                if self._stop.is_set():
                    break
                log.warning("replica listener disconnected (%s); retrying in %.1f s", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
        self.connected.clear()

    @staticmethod
    def _call(callback: Callable[..., Any] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # a failed refresh must not kill the listener; the next search retries it
            log.exception("replica refresh failed")


def _parse(payload: str) -> dict:
    try:
        value = json.loads(payload)
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {}


# --- wiring ------------------------------------------------------------------------------------------------


class Replica:
    """What ``create_app`` keeps in ``app.state.replica``: the sync and, on PostgreSQL, its listener."""

    def __init__(self, sync: ReplicaSync, listener: Listener | None) -> None:
        self.sync = sync
        self.listener = listener

    def ensure_fresh(self) -> None:
        try:
            self.sync.ensure_fresh()
        except Exception:  # never fail a search because the freshness check failed; serve what we have
            log.exception("search index freshness check failed")

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()

    def wait_until_listening(self, timeout: float = 10.0) -> bool:
        return self.listener is None or self.listener.connected.wait(timeout)


def start_replica(database: Any, search: Index, *, listen: bool | None = None) -> Replica:
    """Brings ``search`` to the database's corpus revision now, then keeps it fresh.

    ``database`` is a ``directory.db.Database``. The first refresh loads or builds the index (synchronously,
    so the app is ready when its lifespan finishes). On PostgreSQL it then installs the publisher on the
    session factory and starts the listener thread; on SQLite only the per-search revision check runs
    (one process, nothing else to listen to).
    """
    sync = ReplicaSync(search, database.sessions)
    sync.refresh()
    postgres = database.engine.dialect.name == "postgresql"
    listener = None
    if postgres:
        install_publisher(database.sessions)
    if listen if listen is not None else postgres:

        def on_change(payload: dict) -> None:
            started = time.monotonic()
            result = sync.refresh(payload.get("ids") or None)
            log.debug(
                "notification %s applied in %.0f ms: %s", payload, 1000 * (time.monotonic() - started), result
            )

        listener = Listener(database.url, on_change=on_change, on_connect=sync.refresh).start()
    return Replica(sync, listener)
