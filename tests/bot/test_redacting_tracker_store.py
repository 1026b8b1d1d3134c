"""RedactingSQLTrackerStore, loaded the way Rasa loads it, on a real SQLite file (and PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
import uuid

import pytest
import sqlalchemy as sa

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.core.tracker_store import TrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402

from rasa_addons.redacting_tracker_store import RedactingSQLTrackerStore  # noqa: E402

STORE_TYPE = "rasa_addons.redacting_tracker_store.RedactingSQLTrackerStore"
SECRETS = [
    "07700 900123",
    "07700900123",
    "sarah@example.com",
    "Jack",
    "L20 3NJ",
    "943 476 5919",
    "12/03/2015",
]
DAY = 86400.0


def make_domain() -> Domain:
    return Domain.from_dict(
        {
            "intents": ["find_service", "risk_of_harm"],
            "slots": {
                "child_name": {"type": "text", "mappings": [{"type": "custom"}]},
                "area": {"type": "text", "mappings": [{"type": "custom"}]},
                "request_date": {"type": "text", "mappings": [{"type": "custom"}]},
                "last_query": {"type": "text", "mappings": [{"type": "custom"}]},
            },
            "responses": {"utter_ok": [{"text": "ok"}]},
        }
    )


def make_user(text: str, *, ts: float, entities=()) -> UserUttered:
    intent = {"name": "find_service", "confidence": 0.93}
    parse_data = {"text": text, "intent": intent, "entities": list(entities), "intent_ranking": [intent]}
    return UserUttered(
        text,
        parse_data["intent"],
        list(entities),
        parse_data,
        timestamp=ts,
        input_channel="rest",
        metadata={"easy_read": False, "note": "call 07700900123"},
    )


def make_tracker(domain: Domain, sender: str, *, ts: float | None = None) -> DialogueStateTracker:
    ts = time.time() if ts is None else ts
    text = (
        "Hi I'm Sarah, my son is called Jack, DOB 12/03/2015, NHS 943 476 5919, L20 3NJ. "
        "Ring 07700 900123 or email sarah@example.com"
    )
    jack = text.index("Jack")
    events = [
        ActionExecuted("action_session_start", timestamp=ts),
        SessionStarted(timestamp=ts),
        ActionExecuted("action_listen", timestamp=ts),
        make_user(
            text,
            ts=ts + 1,
            entities=[{"entity": "child_name", "value": "Jack", "start": jack, "end": jack + 4}],
        ),
        SlotSet("child_name", "Jack", timestamp=ts + 1),
        SlotSet("area", "Bootle", timestamp=ts + 1),
        SlotSet("last_query", "ring 07700 900123 about Jack", timestamp=ts + 1),
        SlotSet("request_date", "12/03/2025", timestamp=ts + 1),
        ActionExecuted("utter_ok", timestamp=ts + 2),
        BotUttered(
            "Thanks Jack. SENDIASS can help: 0151 934 3334. We will ring 07700 900123.",
            {"buttons": [{"title": "Call sarah@example.com", "payload": "/x"}]},
            timestamp=ts + 2,
        ),
        ActionExecuted("action_listen", timestamp=ts + 2),
    ]
    return DialogueStateTracker.from_events(sender, events, domain.slots)


def create_store(domain: Domain, **kwargs) -> RedactingSQLTrackerStore:
    store = TrackerStore.create(EndpointConfig(type=STORE_TYPE, **kwargs), domain)
    assert type(store) is RedactingSQLTrackerStore  # Rasa silently falls back to InMemory on import errors
    return store


def raw_sqlite_dump(path) -> str:
    with sqlite3.connect(path) as con:
        query = "select sender_id, type_name, intent_name, action_name, data from events"
        rows = con.execute(query).fetchall()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


@pytest.fixture
def domain():
    return make_domain()


@pytest.fixture
def sqlite_store(tmp_path, domain):
    db = tmp_path / "tracker.db"
    return create_store(domain, dialect="sqlite", db=str(db), keep_slots=["request_date"]), db


def test_loaded_by_rasa_with_settings(sqlite_store):
    store, _ = sqlite_store
    assert store.retention_seconds == 30 * DAY
    assert store.keep_slots == {"request_date"}


def test_a_sqlite_store_writes_through_a_write_ahead_log(sqlite_store, domain):
    store, db = sqlite_store
    asyncio.run(store.save(make_tracker(domain, "conv-wal")))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert asyncio.run(store.retrieve("conv-wal")) is not None
    assert "conv-wal" in raw_sqlite_dump(db)  # another reader sees the committed turn


def test_a_sqlite_store_keeps_its_connections_open_between_turns(sqlite_store, domain):
    """SQLAlchemy 1.4 opens a file database anew for every session (NullPool); the store pools them."""
    store, db = sqlite_store
    opened = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    for turn in range(5):
        tracker = asyncio.run(store.retrieve("conv-pool")) or make_tracker(domain, "conv-pool")
        tracker.update(UserUttered(f"turn {turn}"))
        asyncio.run(store.save(tracker))
    assert len(opened) <= 1, opened  # 10 sessions, at most one new connection
    events = asyncio.run(store.retrieve("conv-pool")).events
    assert [e.text for e in events if isinstance(e, UserUttered)][-5:] == [f"turn {n}" for n in range(5)]
    with sqlite3.connect(db) as con:  # another connection sees every event, each written once
        assert con.execute("select count(*) from events where sender_id = 'conv-pool'").fetchone()[0] == len(
            events
        )


def test_saved_tracker_has_no_personal_data_in_the_file(sqlite_store, domain):
    store, db = sqlite_store
    asyncio.run(store.save(make_tracker(domain, "conv-1")))
    dump = raw_sqlite_dump(db)
    for secret in SECRETS:
        assert secret not in dump, secret
    assert "Sarah" not in dump
    # meaning kept: the service number in the bot answer, the town slot, the kept slot
    for kept in ("0151 934 3334", "Bootle", "12/03/2025", "SENDIASS", "[name]", "[phone]", "[postcode]"):
        assert kept in dump, kept


def test_reloaded_tracker_is_redacted_and_consistent(sqlite_store, domain):
    store, db = sqlite_store
    tracker = make_tracker(domain, "conv-2")
    asyncio.run(store.save(tracker))
    loaded = asyncio.run(store.retrieve("conv-2"))
    assert len(loaded.events) == len(tracker.events)
    user = loaded.latest_message
    assert "Jack" not in user.text and "[name]" in user.text
    assert user.parse_data["entities"][0]["value"] == "[name]"
    assert loaded.get_slot("child_name") == "[name]"
    assert loaded.get_slot("request_date") == "12/03/2025"
    assert loaded.get_slot("last_query") == "ring [phone] about [name]"
    assert "Thanks [name]." in [e for e in loaded.events if isinstance(e, BotUttered)][0].text

    # a second turn appends only the new events, redacted, with echoes of earlier turns still caught
    loaded.update(make_user("my email is sarah@example.com", ts=time.time()))
    loaded.update(BotUttered("We will write to sarah@example.com"))
    asyncio.run(store.save(loaded))
    again = asyncio.run(store.retrieve("conv-2"))
    assert len(again.events) == len(tracker.events) + 2
    assert again.events[-1].text == "We will write to [email]"
    assert "sarah@example.com" not in raw_sqlite_dump(db)


def test_retention_purges_only_idle_conversations(tmp_path, domain):
    db = tmp_path / "retention.db"
    store = create_store(domain, dialect="sqlite", db=str(db), retention_days=30, purge_interval_seconds=3600)
    asyncio.run(store.save(make_tracker(domain, "old", ts=time.time() - 45 * DAY)))
    asyncio.run(store.save(make_tracker(domain, "recent", ts=time.time() - 2 * DAY)))
    assert set(asyncio.run(store.keys())) == {"old", "recent"}  # save purges at most once an hour
    assert store.purge_expired() == 1
    assert set(asyncio.run(store.keys())) == {"recent"}
    assert store.purge_expired(now=time.time() + 40 * DAY) == 1
    assert asyncio.run(store.keys()) == []


def test_purge_runs_at_start_up_and_on_save(tmp_path, domain):
    db = tmp_path / "startup.db"
    store = create_store(domain, dialect="sqlite", db=str(db), retention_days="7", purge_interval_seconds=0)
    asyncio.run(store.save(make_tracker(domain, "old", ts=time.time() - 8 * DAY)))
    assert asyncio.run(store.keys()) == []  # purged by the save itself (interval 0)

    keep = create_store(domain, dialect="sqlite", db=str(db), retention_days=0)  # 0 = keep for ever
    asyncio.run(keep.save(make_tracker(domain, "old", ts=time.time() - 8 * DAY)))
    assert asyncio.run(keep.keys()) == ["old"]
    create_store(domain, dialect="sqlite", db=str(db), retention_days=7)  # start-up purge
    assert asyncio.run(keep.keys()) == []


class RecordingBroker:
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


def test_event_broker_gets_redacted_events(sqlite_store, domain):
    store, _ = sqlite_store
    store.event_broker = RecordingBroker()
    asyncio.run(store.save(make_tracker(domain, "conv-3")))
    published = str(store.event_broker.published)
    assert store.event_broker.published and "07700 900123" not in published and "Jack" not in published


@pytest.mark.postgres
def test_postgresql_redacts_and_purges(domain):
    sa = pytest.importorskip("sqlalchemy")
    name = f"redact_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    store = None
    try:
        store = create_store(
            domain,
            dialect="postgresql",
            url="127.0.0.1",
            port=5432,
            db=name,
            username="postgres",
            login_db="postgres",
            retention_days=30,
        )
        asyncio.run(store.save(make_tracker(domain, "pg-old", ts=time.time() - 31 * DAY)))
        asyncio.run(store.save(make_tracker(domain, "pg-new")))
        with store.engine.connect() as con:
            dump = "\n".join(str(r) for r in con.execute(sa.text("select data from events")))
        for secret in SECRETS:
            assert secret not in dump, secret
        assert store.purge_expired() == 1
        assert asyncio.run(store.keys()) == ["pg-new"]
    finally:
        if store is not None:
            store.engine.dispose()
        with admin.connect() as con:
            con.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
