"""Factories and fixtures for the action unit tests (Python 3.10, .venv-rasa)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions
from actions import directory_client
from actions.directory_client import DirectoryClient
from actions.settings import Settings
from tests.bot.fake_directory import FakeDirectory

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_PATH = ROOT / "bot" / "domain.yml"


def declared_actions(domain: dict[str, Any], *, with_domain: bool | None = None) -> list[str]:
    """The custom actions the domain lists: `name`, or `name: {send_domain: true}` (Rasa then sends the
    domain with each call). `with_domain` picks one kind."""
    names = []
    for entry in domain["actions"]:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if with_domain is None or bool((options or {}).get("send_domain")) == with_domain:
            names.append(name)
    return names


def action_classes() -> dict[str, type]:
    """Every Action class in actions/, by the name Rasa calls it."""
    found = {}
    for module in pkgutil.iter_modules(actions.__path__):
        loaded = importlib.import_module(f"actions.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == loaded.__name__:
                found[cls().name()] = cls
    return found


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    return yaml.safe_load(DOMAIN_PATH.read_text())


@pytest.fixture
def directory() -> FakeDirectory:
    """A fake directory wired in as the action server's client for the length of one test."""
    fake = FakeDirectory()
    client = DirectoryClient(
        Settings(directory_url="http://directory.test", cache_seconds=0), transport=fake.transport()
    )
    directory_client.set_client(client)
    yield fake
    directory_client.set_client(None)


def make_tracker(
    text: str = "hello",
    *,
    intent: str | None = "greet",
    confidence: float = 0.95,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    history: list[str] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker whose latest message is `text`; `history` are earlier user messages."""
    base_slots = {"easy_read": False, "council": "sefton"}
    base_slots.update(slots or {})
    events = [{"event": "user", "text": t} for t in (history or [])]
    events.append({"event": "user", "text": text})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    return Tracker(
        "test-sender",
        base_slots,
        latest,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def run_action(action: Any, tracker: Tracker, domain: dict[str, Any]) -> tuple[list[dict[str, Any]], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("response") for m in messages]


def slot_events(events: list) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
