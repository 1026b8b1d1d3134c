"""SQL tracker store that never persists personal data and forgets conversations after a retention period.

``endpoints.yml``::

    tracker_store:
      type: rasa_addons.redacting_tracker_store.RedactingSQLTrackerStore
      dialect: sqlite            # or postgresql, with url, port, db, username, password
      db: var/rasa_tracker.db
      retention_days: 30         # default 30; conversations idle longer are deleted
      keep_slots: []             # slot names stored verbatim (nothing by default)

Rasa Open Source stores every message verbatim (its PII management is Rasa Pro only, anchors §2.7), so
``save`` is the parent's ``save`` with each serialised event passed through
``send_common.events.redact_event`` first: user text, ``parse_data`` text and entities, metadata, slot
values, and bot text that echoes what the user typed. Events streamed to an event broker are redacted
the same way. ``purge_expired()`` deletes every event of conversations whose latest event is older than
``retention_days``; it runs at start-up and from ``save`` at most once per ``purge_interval_seconds``
(default one hour). It is plain SQL over the ``events`` table, so it works on SQLite and PostgreSQL and
several replicas may run it at once.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_addons import action_validation
from send_common.events import redact_event
from send_common.redaction import personal_data_strings

logger = logging.getLogger(__name__)
action_validation.install()  # every Rasa server of this project stores conversations here

DEFAULT_RETENTION_DAYS = 30.0
DEFAULT_PURGE_INTERVAL_SECONDS = 3600.0


def use_wal_journal(engine: sa.engine.Engine) -> None:
    """SQLite only: write-ahead log with ``synchronous=NORMAL``, so saving a turn no longer waits for a
    full fsync of the database file (about 15 ms of every turn on the shared 2-core machine; docs/
    benchmarks.md, "Turn latency"). A crash of the process loses nothing; a power cut may lose the last
    turns, never the file. PostgreSQL (the scale-out mode) is left as it is."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()  # connections made while Rasa created the tables reconnect with the pragmas


def pooled_sqlite_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """SQLite only: the same database behind a pool that keeps its connections open.

    SQLAlchemy 1.4 gives a file database a ``NullPool``, so every read and every write of a turn opened the
    file again, set the journal up again and started with a cold page cache. Rasa calls the store from its
    event loop thread; ``check_same_thread=False`` lets the pool hand a connection to whichever thread asks.
    Other databases (PostgreSQL in the scale-out mode) keep Rasa's engine."""
    if engine.dialect.name != "sqlite":
        return engine
    engine.dispose()
    return sa.create_engine(
        engine.url,
        poolclass=sa.pool.QueuePool,
        pool_size=2,
        max_overflow=2,
        connect_args={"check_same_thread": False},
    )


class RedactingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that redacts events before they are written and purges old conversations."""

    def __init__(
        self,
        domain: Domain | None = None,
        *,
        retention_days: float | str | None = DEFAULT_RETENTION_DAYS,
        keep_slots: list[str] | str | None = None,
        purge_interval_seconds: float | str = DEFAULT_PURGE_INTERVAL_SECONDS,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, **kwargs)
        pooled = pooled_sqlite_engine(self.engine)
        if pooled is not self.engine:
            self.engine = pooled
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        use_wal_journal(self.engine)
        days = float(retention_days) if retention_days not in (None, "") else 0.0
        self.retention_seconds = days * 86400.0 if days > 0 else None
        if isinstance(keep_slots, str):
            keep_slots = [s.strip() for s in keep_slots.split(",") if s.strip()]
        self.keep_slots = frozenset(keep_slots or ())
        self.purge_interval_seconds = float(purge_interval_seconds)
        self._last_purge = float("-inf")
        if self.retention_seconds is None:
            logger.warning("retention_days is not set: conversations are kept for ever")
        self._maybe_purge()

    # --- redaction -----------------------------------------------------------------------------

    @staticmethod
    def _echoes(tracker: DialogueStateTracker) -> list[tuple[str, str]]:
        echoes: list[tuple[str, str]] = []
        for event in tracker.events:
            if isinstance(event, UserUttered) and event.text:
                echoes.extend(personal_data_strings(event.text))
        return echoes

    def redacted_dict(self, event: Event, echoes: list[tuple[str, str]]) -> dict[str, Any]:
        """The event as Rasa would store it, with personal data removed."""
        return redact_event(event.as_dict(), echoes=echoes, keep_slots=self.keep_slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Same as ``SQLTrackerStore.save`` (rasa 3.6.21) but each event is redacted before it is written."""
        await self.stream_events(tracker)
        echoes = self._echoes(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = self.redacted_dict(event, echoes)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        logger.debug("Tracker %s stored (redacted)", tracker.sender_id)
        self._maybe_purge()

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: list[Event], sender_id: str
    ) -> None:
        """Publish new events to the broker, redacted like the stored ones."""
        echoes: list[tuple[str, str]] = []
        for event in new_events:
            if isinstance(event, UserUttered) and event.text:
                echoes.extend(personal_data_strings(event.text))
        for event in new_events:
            body: dict[str, Any] = {"sender_id": sender_id}
            body.update(self.redacted_dict(event, echoes))
            event_broker.publish(body)

    # --- retention -----------------------------------------------------------------------------

    def _maybe_purge(self) -> None:
        if self.retention_seconds is None:
            return
        now = time.monotonic()
        if now - self._last_purge < self.purge_interval_seconds:
            return
        self._last_purge = now
        try:
            deleted = self.purge_expired()
        except sa.exc.SQLAlchemyError:  # never lose a turn because housekeeping failed
            logger.exception("Purging expired conversations failed")
            return
        if deleted:
            logger.info("Deleted %d conversation(s) idle for more than the retention period", deleted)

    def purge_expired(self, now: float | None = None) -> int:
        """Delete conversations whose latest event is older than the retention period; return how many."""
        if self.retention_seconds is None:
            return 0
        cutoff = (time.time() if now is None else now) - self.retention_seconds
        table = self.SQLEvent.__table__
        expired = (
            sa.select(table.c.sender_id)
            .group_by(table.c.sender_id)
            .having(sa.func.max(table.c.timestamp) < cutoff)
        )
        with self.session_scope() as session:
            sender_ids = [row[0] for row in session.execute(expired)]
            for start in range(0, len(sender_ids), 500):
                chunk = sender_ids[start : start + 500]
                session.execute(table.delete().where(table.c.sender_id.in_(chunk)))
            session.commit()
        return len(sender_ids)
