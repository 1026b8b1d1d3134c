"""Conversations on the PostgreSQL tracker store are kept only as long as SEND_RETENTION_DAYS says.

Conversations are made through the real Rasa replicas (so the rows are the ones Rasa writes), one of them
is then aged in the database as if 31 days had passed, and the tracker store is created the way every
Rasa replica creates it at start-up (bot/endpoints.scaled.yml, ``rasa_addons.redacting_tracker_store``),
in the Rasa runtime. Its start-up purge must delete exactly the expired conversation; the live replicas
keep serving the recent one. (tests/bot/test_redacting_tracker_store.py covers the hourly purge on save.)
"""

from __future__ import annotations

import json
import subprocess
import uuid

import psycopg

from scripts.stack_scaled import ROOT
from tests.scaled.helpers import say, text_of, tracker_events

DAY = 86400


def create_store_like_a_replica(stack) -> dict:
    done = subprocess.run(
        [
            str(ROOT / ".venv-rasa" / "bin" / "python"),
            "-m",
            "tests.scaled.replica_tracker_store",
            str(ROOT / "bot" / "endpoints.scaled.yml"),
        ],
        cwd=ROOT,
        env=stack.child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_expired_conversations_are_deleted_from_postgresql_and_recent_ones_kept(rasa_replicas):
    rasa_a, rasa_b = rasa_replicas.rasa_urls
    old, recent = f"ret-old-{uuid.uuid4().hex[:8]}", f"ret-new-{uuid.uuid4().hex[:8]}"
    assert text_of(say(rasa_a, old, "hello"))
    assert text_of(say(rasa_b, recent, "hello"))
    assert tracker_events(rasa_replicas.tracker_url, old) and tracker_events(
        rasa_replicas.tracker_url, recent
    )

    # 31 days pass for one conversation (retention is 30 days: SEND_RETENTION_DAYS of the test topology).
    with psycopg.connect(rasa_replicas.tracker_url, connect_timeout=5) as conn:
        aged = conn.execute(
            "UPDATE events SET timestamp = timestamp - %s WHERE sender_id = %s", (31 * DAY, old)
        ).rowcount
    assert aged > 0

    store = create_store_like_a_replica(rasa_replicas)
    assert store["type"] == "rasa_addons.redacting_tracker_store.RedactingSQLTrackerStore"
    assert store["retention_seconds"] == 30 * DAY
    assert old not in store["senders"] and recent in store["senders"]
    assert tracker_events(rasa_replicas.tracker_url, old) == []  # every event of it, gone from PostgreSQL
    assert tracker_events(rasa_replicas.tracker_url, recent)

    # The recent conversation goes on through either replica; the expired one starts again from nothing.
    assert text_of(say(rasa_a, recent, "thank you"))
    assert [d.get("text") for k, d in tracker_events(rasa_replicas.tracker_url, recent) if k == "user"] == [
        "hello",
        "thank you",
    ]
    assert text_of(say(rasa_b, old, "hello"))
    assert [d.get("text") for k, d in tracker_events(rasa_replicas.tracker_url, old) if k == "user"] == [
        "hello"
    ]
