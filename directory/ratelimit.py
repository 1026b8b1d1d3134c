"""Per-visitor rate limits for the public endpoints, without keeping anyone's IP address.

Two fixed one-minute windows are checked for each request:
- the visitor: a keyed hash of the widget's opaque sender id (`settings.rate_limit_per_minute`);
- the coarse client: a keyed hash of the client's network (/24 for IPv4, /48 for IPv6), with the higher
  `settings.rate_limit_client_per_minute`, so rotating sender ids does not escape the limit.
Only the hashes live in the store, and only for the window (about a minute).

The in-memory backend serves the single-machine default; with `settings.redis_url` the counters live in Redis
(INCR + EXPIRE), so the limits hold across replicas. If Redis cannot be reached the limiter fails open and
logs
it: families must not lose the assistant because a counter store is down.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from directory.settings import Settings

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0


class Backend(Protocol):
    def hit(self, key: str, window: int) -> int:
        """Counts one hit for key in the current window and returns the count so far."""


class MemoryBackend:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._counts: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, window: int) -> int:
        slot = int(self._clock() // window)
        with self._lock:
            if len(self._counts) > 50_000:  # forget old windows; keeps memory bounded under a flood
                self._counts = {k: v for k, v in self._counts.items() if v[0] == slot}
            seen_slot, count = self._counts.get(key, (slot, 0))
            count = count + 1 if seen_slot == slot else 1
            self._counts[key] = (slot, count)
            return count


class RedisBackend:
    def __init__(self, url: str, clock=time.time) -> None:
        import redis  # imported here: nothing heavy at import time, and only when configured

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._clock = clock

    def hit(self, key: str, window: int) -> int:
        slot = int(self._clock() // window)
        name = f"send:rl:{key}:{slot}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window * 2)
        count, _ = pipe.execute()
        return int(count)


def coarse_client(host: str | None) -> str:
    """The client's network, never the address itself: 203.0.113.7 -> 203.0.113.0/24."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


class RateLimiter:
    def __init__(self, settings: Settings, backend: Backend | None = None) -> None:
        self.per_visitor = settings.rate_limit_per_minute
        self.per_client = max(settings.rate_limit_client_per_minute, settings.rate_limit_per_minute)
        self._key = settings.secret_key.encode()
        if backend is None:
            backend = RedisBackend(settings.redis_url) if settings.redis_url else MemoryBackend()
        self.backend = backend

    def _hash(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def check(self, sender: str, client_host: str | None) -> Decision:
        try:
            visitor = self.backend.hit("v:" + self._hash("sender", sender), WINDOW_SECONDS)
            client = self.backend.hit("c:" + self._hash("client", coarse_client(client_host)), WINDOW_SECONDS)
        except Exception as exc:  # noqa: BLE001 - fail open: see module docstring
            log.warning("rate limit store unavailable (%s): allowing the request", type(exc).__name__)
            return Decision(True)
        if visitor > self.per_visitor or client > self.per_client:
            return Decision(False, retry_after=WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
        return Decision(True)
