"""The real stack for end-to-end tests: the directory web app, the action server and the Rasa server,
with the real trained model (`make train`) and the real embedding model, on free ports and throw-away
stores."""

from __future__ import annotations

import json
import urllib.request

import pytest

from scripts.stack import Stack
from scripts.throwaway_stack import MODEL, launch


class RunningStack(Stack):
    def say(self, sender: str, text: str, metadata: dict | None = None, timeout: float = 30.0) -> list[dict]:
        """Sends one message through Rasa's REST channel and returns the bot's messages."""
        body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())

    def chat(self, sender: str, text: str, metadata: dict | None = None, timeout: float = 30.0) -> dict:
        """Sends one message through the web app's chat gateway (what the widget uses)."""
        body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
        request = urllib.request.Request(
            f"{self.web_url}/api/chat", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
            return json.loads(response.read())


def bot_text(messages: list[dict]) -> str:
    """Everything the bot said in one turn, custom payloads included, as one lower-case string."""
    return "\n".join(
        json.dumps(m, ensure_ascii=False) if "custom" in m else m.get("text", "") for m in messages
    ).lower()


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> RunningStack:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it) before the end-to-end tests")
    running = launch(tmp_path_factory.mktemp("stack"), RunningStack)
    yield running
    running.stop()
