"""Run with the Rasa venv (Python 3.10): builds the tracker store exactly as a Rasa replica does at start-up.

    .venv-rasa/bin/python -m tests.scaled.replica_tracker_store bot/endpoints.scaled.yml

It reads ``tracker_store`` from the endpoints file (environment variables expanded, as ``rasa run`` does),
creates the store with the assistant's domain (which runs the start-up retention purge), and prints one
JSON line: the store's class, its retention in seconds and the conversations it still holds.
"""

from __future__ import annotations

import asyncio
import json
import sys

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config


def main(endpoints: str) -> None:
    config = read_endpoint_config(endpoints, "tracker_store")
    store = TrackerStore.create(config, Domain.load("bot/domain.yml"))
    keys = asyncio.run(store.keys())
    print(
        json.dumps(
            {
                "type": f"{type(store).__module__}.{type(store).__name__}",
                "retention_seconds": getattr(store, "retention_seconds", None),
                "senders": sorted(keys),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
