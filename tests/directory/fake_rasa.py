"""A real, tiny HTTP server that behaves like Rasa's REST channel, for the gateway and browser tests.

Modes: "normal" (scripted answers), "empty" (`[]`, what Rasa 3.6 sends when its action server is down),
"hang" (never answers in time), "error" (HTTP 500 with a stack trace the gateway must not echo) and
"down" (drops the connection; `closed_port_url()` gives a port where nothing listens). It records every
body it receives, so tests can check redaction.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

XSS_TEXT = (
    "Look: <img src=x onerror=alert(1)> and [click me](javascript:alert(1)) "
    "<script>alert(2)</script> and a real link [Sefton Local Offer](https://www.seftondirectory.com/)"
)

SERVICE_CARDS = {
    "type": "service_cards",
    "services": [
        {
            "name": "Aiming High: Alchemy",
            "who_for": "Young people aged 11 to 18 with additional needs",
            "how_to_get": "A professional refers you (referral needed)",
            "contact": "See the Sefton Local Offer entry",
            "url": "https://www.seftondirectory.com/",
            "last_reviewed": "2025-05-01",
        },
        {
            "name": "Phoenix Social Group",
            "who_for": "Autistic teenagers",
            "how_to_get": "Families can ask for a place",
            "contact": None,
            "last_reviewed": "2025-04-12",
        },
    ],
}


def scripted_answer(message: str, metadata: dict) -> list[dict]:
    text = message.lower()
    easy = bool(metadata.get("easy_read"))
    if "xss" in text:
        return [{"recipient_id": "x", "text": XSS_TEXT}]
    if "youth club" in text or "club" in text:
        return [
            {"recipient_id": "x", "text": "Here are some groups that may suit you:"},
            {"recipient_id": "x", "custom": SERVICE_CARDS},
        ]
    if "help" in text or "hello" in text or text.startswith("/greet"):
        return [
            {
                "recipient_id": "x",
                "text": "Hello. I can help with EHCPs, waiting times and short breaks."
                if not easy
                else "Hello.\nI can help you.",
                "buttons": [
                    {"title": "What is an EHCP?", "payload": "/ask_ehcp"},
                    {"title": "Waiting times", "payload": "/ask_waiting_times"},
                    {"title": "Short breaks", "payload": "/ask_short_breaks"},
                ],
            }
        ]
    if "ehcp" in text:
        return [
            {
                "recipient_id": "x",
                "text": "An EHCP is a plan for children who need more support at school."
                if not easy
                else "An EHCP is a plan.\nIt helps you get support at school.",
            }
        ]
    if "wait" in text:
        return [
            {
                "recipient_id": "x",
                "text": "The wait for speech and language therapy was 18 weeks (as of 2020).",
            }
        ]
    return [{"recipient_id": "x", "text": "I can help with EHCPs, waiting times, short breaks and services."}]


class FakeRasa:
    def __init__(self, mode: str = "normal") -> None:
        self.mode = mode
        self.received: list[dict] = []
        self._server: ThreadingHTTPServer | None = None
        self._stop = threading.Event()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeRasa:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.received.append(body)
                mode = fake.mode
                if mode == "down":  # drop the connection without an answer
                    self.close_connection = True
                    return
                if mode == "hang":
                    fake._stop.wait(30)
                    return
                if mode == "error":
                    self._send(500, b"Traceback (most recent call last): SECRET_INTERNAL_DETAIL")
                    return
                answer = (
                    []
                    if mode == "empty"
                    else scripted_answer(body.get("message", ""), body.get("metadata") or {})
                )
                self._send(200, json.dumps(answer).encode(), "application/json")

            def _send(self, status: int, data: bytes, kind: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def closed_port_url() -> str:
    """An address where nothing listens (the "Rasa is down" case)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    time.sleep(0)
    return f"http://127.0.0.1:{port}"
