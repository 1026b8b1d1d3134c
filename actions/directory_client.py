"""A small async client for the directory's JSON API (docs/architecture.md).

The httpx client is created on first use, never at import time. Every call has a timeout and a status
check; failures become typed errors so each action can answer with a useful fallback.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx

from actions.settings import Settings, get_settings

logger = logging.getLogger(__name__)


class DirectoryError(Exception):
    """The directory could not give an answer."""


class DirectoryUnavailable(DirectoryError):
    """The directory is down, too slow, or answered with a server error."""


class DirectoryNotFound(DirectoryError):
    """The directory has no such thing (404)."""


class DirectoryClient:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._cache: dict[str, tuple[float, Any]] = {}

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                base_url=self.settings.directory_url,
                timeout=httpx.Timeout(self.settings.directory_timeout),
                transport=self._transport,
                headers={"Accept": "application/json", "User-Agent": "send-assistant-actions"},
            )
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _get(self, path: str, params: dict[str, Any] | None = None, *, cache: bool = False) -> Any:
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        cache_key = f"{path}?{sorted(clean.items())}"
        if cache and self.settings.cache_seconds:
            hit = self._cache.get(cache_key)
            if hit and time.monotonic() - hit[0] < self.settings.cache_seconds:
                return hit[1]
        try:
            response = await self.http.get(path, params=clean)
        except httpx.TimeoutException as exc:
            raise DirectoryUnavailable(f"directory timed out on {path}") from exc
        except httpx.HTTPError as exc:
            raise DirectoryUnavailable(f"directory unreachable on {path}: {exc.__class__.__name__}") from exc
        if response.status_code == 404:
            raise DirectoryNotFound(path)
        if response.status_code >= 400:
            raise DirectoryUnavailable(f"directory answered {response.status_code} on {path}")
        try:
            data = response.json()
        except ValueError as exc:
            raise DirectoryUnavailable(f"directory sent invalid JSON on {path}") from exc
        if cache:
            self._cache[cache_key] = (time.monotonic(), data)
        return data

    async def search_services(
        self, *, search: str, council: str, age: int | None = None, per_page: int = 5
    ) -> list[dict[str, Any]]:
        page = await self._get(
            "/api/services", {"search": search, "council": council, "age": age, "per_page": per_page}
        )
        contents = page.get("contents") if isinstance(page, dict) else None
        if not isinstance(contents, list):
            raise DirectoryUnavailable("directory search answer has no contents list")
        return contents

    async def waiting_times(self, *, council: str, service: str | None = None) -> list[dict[str, Any]]:
        rows = await self._get("/api/waiting-times", {"council": council, "service": service}, cache=True)
        if isinstance(rows, dict):  # tolerate an envelope
            rows = rows.get("contents") or rows.get("items") or rows.get("waiting_times") or []
        if not isinstance(rows, list):
            raise DirectoryUnavailable("waiting-times answer is not a list")
        return rows

    async def ehcp(self, council: str | None = None) -> dict[str, Any]:
        data = await self._get("/api/ehcp/steps", {"council": council}, cache=True)
        if not isinstance(data, dict):
            raise DirectoryUnavailable("EHCP answer is not an object")
        return data

    async def council_help(self, council: str) -> dict[str, Any]:
        data = await self._get(f"/api/councils/{council}/help", cache=True)
        if not isinstance(data, dict):
            raise DirectoryUnavailable("help card is not an object")
        return data

    async def record_gap(
        self, *, text: str, intent: str | None, confidence: float | None, council: str
    ) -> bool:
        """Records a question the assistant could not answer. Never raises: it is best effort."""
        body = {"text": text, "intent": intent, "confidence": confidence, "council": council, "kind": "chat"}
        try:
            response = await self.http.post("/api/gaps", json=body)
        except httpx.HTTPError as exc:
            logger.warning("could not record a gap: %s", exc.__class__.__name__)
            return False
        if response.status_code >= 400:
            logger.warning("the directory refused a gap record: %s", response.status_code)
            return False
        return True


_client: DirectoryClient | None = None


def get_client() -> DirectoryClient:
    """The process-wide client, created on first use."""
    global _client
    if _client is None:
        _client = DirectoryClient(get_settings())
    return _client


def set_client(client: DirectoryClient | None) -> None:
    """Replaces the process-wide client (tests use a fake directory)."""
    global _client
    _client = client
