"""Two directory replicas (two uvicorn processes) on one PostgreSQL database and one Redis.

- A staff edit saved through replica A is found through replica B's search within 2 seconds.
- Chat rate limits hold across the replicas (counters in Redis).
The replicas run the real app (``directory.app:create_app`` through tests/scaled/replica_app.py, which
swaps only the embedding model for the deterministic fake one); they are the package's shared topology
(tests/scaled/conftest.py), used here while its Rasa replicas may still be loading.
"""

from __future__ import annotations

import time
import uuid

import httpx
from redis import Redis

from tests.scaled.conftest import VISITOR_LIMIT
from tests.scaled.helpers import (
    corpus_revision,
    edit_service,
    published_service,
    search_names,
    staff_token,
    wait_until,
)


def test_an_edit_saved_through_replica_a_is_found_through_replica_b_within_two_seconds(directory_replicas):
    replica_a, replica_b = directory_replicas.web_urls
    token = staff_token(directory_replicas.database_url)
    service_id, old_name = published_service(directory_replicas.database_url)
    marker = uuid.uuid4().hex[:6]
    new_name = f"Kingfisher sensory club {marker}"
    assert new_name not in search_names(replica_b, f"kingfisher sensory club {marker}")

    response = edit_service(replica_a, token, service_id, name=new_name)
    saved_at = time.monotonic()
    assert response.status_code == 303, response.text[:2000]

    # Pushed, not pulled: B's index reaches the new corpus revision before anyone searches on B.
    revision = corpus_revision(directory_replicas.database_url)
    wait_until(
        lambda: httpx.get(f"{replica_b}/health", timeout=2).json()["index"]["revision"] == revision,
        seconds=2.0,
    )
    wait_until(lambda: new_name in search_names(replica_b, f"kingfisher sensory club {marker}"), seconds=2.0)
    assert time.monotonic() - saved_at < 2.0
    # B's index no longer holds the old wording, and B's JSON shows the saved entry.
    assert old_name not in search_names(replica_b, f"kingfisher sensory club {marker}")
    assert httpx.get(f"{replica_b}/api/services/{service_id}", timeout=5).json()["name"] == new_name


def test_chat_rate_limits_hold_across_replicas(directory_replicas):
    sender = f"limit-{uuid.uuid4().hex[:10]}"
    # Counters are per one-minute window of the wall clock: start early in a window, so the burst below
    # is not split across two windows.
    if time.time() % 60 > 40:
        time.sleep(60.5 - time.time() % 60)
    statuses = []
    for turn in range(VISITOR_LIMIT + 3):
        url = directory_replicas.web_urls[turn % 2]  # a load balancer without sticky sessions
        response = httpx.post(f"{url}/api/chat", json={"sender": sender, "message": "hello"}, timeout=10)
        statuses.append(response.status_code)
    # Each replica saw at most 4 of these 8 messages: only a shared counter refuses the 6th.
    assert statuses[:VISITOR_LIMIT] == [200] * VISITOR_LIMIT, statuses
    assert statuses[VISITOR_LIMIT:] == [429] * 3, statuses
    assert int(response.headers["Retry-After"]) > 0

    # The shared counter is in Redis (hashed: no sender id is stored), one per visitor per window.
    redis = Redis.from_url(directory_replicas.redis_url, socket_timeout=2)
    try:
        keys = [k.decode() for k in redis.scan_iter("send:rl:v:*")]
        assert keys and not any(sender in k for k in keys)
        assert VISITOR_LIMIT + 3 in {int(redis.get(k) or 0) for k in keys}
    finally:
        redis.close()
