"""Settings of the action server, read once from the environment (or from a mapping in tests)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    directory_url: str = "http://127.0.0.1:8000"
    directory_timeout: float = 2.0
    cache_seconds: float = 60.0
    max_results: int = 3

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            directory_url=env.get("SEND_DIRECTORY_URL", cls.directory_url).rstrip("/"),
            directory_timeout=float(env.get("SEND_DIRECTORY_TIMEOUT", cls.directory_timeout)),
            cache_seconds=float(env.get("SEND_DIRECTORY_CACHE_SECONDS", cls.cache_seconds)),
            max_results=int(env.get("SEND_MAX_RESULTS", cls.max_results)),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.directory_url.startswith(("http://", "https://")):
            raise ValueError(f"SEND_DIRECTORY_URL must be an http(s) URL, not {self.directory_url!r}")
        if not 0 < self.directory_timeout <= 30:
            raise ValueError("SEND_DIRECTORY_TIMEOUT must be between 0 and 30 seconds")
        if self.cache_seconds < 0:
            raise ValueError("SEND_DIRECTORY_CACHE_SECONDS must not be negative")
        if not 1 <= self.max_results <= 10:
            raise ValueError("SEND_MAX_RESULTS must be between 1 and 10")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
