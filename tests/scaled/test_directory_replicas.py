"""Two directory replicas (two uvicorn processes) on one PostgreSQL database and one Redis.

- A staff edit saved through replica A is found through replica B's search within 2 seconds.
- Chat rate limits hold across the replicas (counters in Redis).
The replicas run the real app (``directory.app:create_app`` through tests/scaled/replica_app.py, which
swaps only the embedding model for the deterministic fake one).
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from scripts.stack_scaled import drop, throwaway
from tests.scaled.helpers import (
    corpus_revision,
    edit_service,
    published_service,
    search_names,
    staff_token,
    wait_until,
)

VISITOR_LIMIT = 5


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("replicas")
    running = throwaway(tmp, prefix="send_test", rasa_ports=(), app_factory="tests.scaled.replica_app:create_app",
                        env={"SEND_RATE_LIMIT_PER_MINUTE": str(VISITOR_LIMIT),
                             "SEND_RATE_LIMIT_CLIENT_PER_MINUTE": "1000",
                             "SEND_CHAT_TIMEOUT": "1"})
    try:
        running.prepare()
        running.start(timeout=120)
    except BaseException:
        running.stop()
        drop(running)
        raise
    yield running
    running.stop()
    drop(running)


def test_an_edit_saved_through_replica_a_is_found_through_replica_b_within_two_seconds(pair):
    replica_a, replica_b = pair.web_urls
    token = staff_token(pair.database_url)
    service_id, old_name = published_service(pair.database_url)
    marker = uuid.uuid4().hex[:6]
    new_name = f"Kingfisher sensory club {marker}"
    assert new_name not in search_names(replica_b, f"kingfisher sensory club {marker}")

    response = edit_service(replica_a, token, service_id, name=new_name)
    saved_at = time.monotonic()
    assert response.status_code == 303, response.text[:2000]

    # Pushed, not pulled: B's index reaches the new corpus revision before anyone searches on B.
    revision = corpus_revision(pair.database_url)
    wait_until(lambda: httpx.get(f"{replica_b}/health", timeout=2).json()["index"]["revision"] == revision,
               seconds=2.0)
    wait_until(lambda: new_name in search_names(replica_b, f"kingfisher sensory club {marker}"), seconds=2.0)
    assert time.monotonic() - saved_at < 2.0
    # B's index no longer holds the old wording, and B's JSON shows the saved entry.
    assert old_name not in search_names(replica_b, f"kingfisher sensory club {marker}")
    assert httpx.get(f"{replica_b}/api/services/{service_id}", timeout=5).json()["name"] == new_name


def test_chat_rate_limits_hold_across_replicas(pair):
    sender = f"limit-{uuid.uuid4().hex[:10]}"
    statuses = []
    for turn in range(VISITOR_LIMIT + 3):
        url = pair.web_urls[turn % 2]  # a load balancer without sticky sessions
        response = httpx.post(f"{url}/api/chat", json={"sender": sender, "message": "hello"}, timeout=10)
        statuses.append(response.status_code)
    # Each replica saw at most 4 of these 8 messages: only a shared counter refuses the 6th.
    assert statuses[:VISITOR_LIMIT] == [200] * VISITOR_LIMIT, statuses
    assert statuses[VISITOR_LIMIT:] == [429] * 3, statuses
