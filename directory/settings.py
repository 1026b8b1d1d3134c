"""One settings object for the directory web app, read from the environment and validated at start-up."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRET = "change-me-development-only"


class Settings(BaseSettings):
    """Every setting is an environment variable named in capitals (see README "Settings")."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    environment: Literal["development", "test", "production"] = Field("development", alias="SEND_ENV")
    database_url: str = Field(f"sqlite:///{ROOT / 'var' / 'directory.db'}", alias="DATABASE_URL")
    redis_url: str | None = Field(None, alias="REDIS_URL")
    index_dir: Path = Field(ROOT / "var" / "index", alias="SEND_INDEX_DIR")
    data_dir: Path = Field(ROOT / "directory" / "data", alias="SEND_DATA_DIR")
    host: str = Field("127.0.0.1", alias="SEND_WEB_HOST")
    port: int = Field(8000, alias="SEND_WEB_PORT", ge=1, le=65535)
    public_origin: str = Field("http://localhost:8000", alias="SEND_PUBLIC_ORIGIN")
    rasa_url: str = Field("http://127.0.0.1:5005", alias="SEND_RASA_URL")
    chat_timeout_seconds: float = Field(4.0, alias="SEND_CHAT_TIMEOUT", gt=0, le=30)
    default_council: str = Field("sefton", alias="SEND_DEFAULT_COUNCIL")
    secret_key: str = Field(PLACEHOLDER_SECRET, alias="SEND_SECRET_KEY")
    rate_limit_per_minute: int = Field(30, alias="SEND_RATE_LIMIT_PER_MINUTE", ge=1)
    max_message_chars: int = Field(1000, alias="SEND_MAX_MESSAGE_CHARS", ge=10)
    # Chat gateway and widget (owned by the widget/gateway part; see README "Settings").
    rate_limit_client_per_minute: int = Field(120, alias="SEND_RATE_LIMIT_CLIENT_PER_MINUTE", ge=1)
    trust_proxy_headers: bool = Field(False, alias="SEND_TRUST_PROXY_HEADERS")
    widget_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="SEND_WIDGET_ALLOWED_ORIGINS"
    )
    frame_ancestors: str = Field("'self'", alias="SEND_FRAME_ANCESTORS")
    quick_exit_url: str = Field("https://www.bbc.co.uk/weather", alias="SEND_QUICK_EXIT_URL")
    # {"sefton": "Sefton children's social care: <number staff enter>"}; empty until a council fills it in.
    safeguarding_contacts: dict[str, str] = Field(default_factory=dict, alias="SEND_SAFEGUARDING_CONTACTS")
    embedding_model_path: Path | None = Field(None, alias="SEND_EMBEDDING_MODEL_PATH")
    torch_threads: int = Field(2, alias="SEND_TORCH_THREADS", ge=1)
    conversation_retention_days: int = Field(30, alias="SEND_RETENTION_DAYS", ge=1)

    @field_validator("safeguarding_contacts", mode="before")
    @classmethod
    def _parse_contacts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    @field_validator("widget_allowed_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _no_placeholder_secret_in_production(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError("SEND_SECRET_KEY must be set to a random value of 32+ characters in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from a mapping (tests pass a dict) or from the process environment."""
    if environ is None:
        return Settings()
    return Settings(**{k: v for k, v in environ.items()})


@lru_cache
def get_settings() -> Settings:
    return Settings()
