"""Two Rasa replicas sharing the PostgreSQL tracker store and the Redis lock store, for real.

The module starts the whole scaled topology once (two directory replicas, one action server, two Rasa
replicas with the trained model, throw-away PostgreSQL databases and Redis databases 13/14), then:
- sends alternate turns of one conversation, a form included, to each Rasa replica;
- kills one Rasa replica and one directory replica in the middle of traffic and checks that no saved
  edit and no answered conversation turn is lost and that the survivors keep answering.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import httpx
import pytest

from scripts.stack_scaled import ROOT, drop, throwaway
from tests.scaled.helpers import (
    edit_service,
    published_service,
    say,
    search_names,
    staff_token,
    text_of,
    tracker_events,
    wait_until,
)

MODEL = ROOT / "models" / "send-assistant.tar.gz"
ASK_DATE = "when did you ask"  # utter_ask_request_date, both variants (bot/domain.yml)
DATE_ANSWER = "10 weeks ago"
ELAPSED = "10 weeks ago"  # utter_deadline_elapsed repeats the weeks: "...about 10 weeks ago..."


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` before the scaled tests")
    tmp = tmp_path_factory.mktemp("scaled")
    running = throwaway(tmp, prefix="send_test", app_factory="tests.scaled.replica_app:create_app",
                        env={"TICKET_LOCK_LIFETIME": "10", "SEND_RATE_LIMIT_PER_MINUTE": "1000"})
    try:
        running.prepare()
        running.start(timeout=300)
    except BaseException:
        running.stop()
        drop(running)
        raise
    yield running
    running.stop()
    drop(running)


def lowered(messages: list[dict]) -> str:
    return text_of(messages).lower()


def test_alternate_turns_on_two_replicas_continue_one_conversation_with_its_form_and_slots(stack):
    rasa_a, rasa_b = stack.rasa_urls
    sender = f"alt-{uuid.uuid4().hex[:10]}"

    # Turn 1 on A sets a slot (easy_read); turn 2 on B must see it: the form asks in easy-read words.
    assert text_of(say(rasa_a, sender, "easy read please")).strip()
    asked = lowered(say(rasa_b, sender, "check my ehcp deadlines"))
    assert ASK_DATE in asked, asked
    assert "for example: 10 weeks ago" in asked, f"easy_read slot set on replica A was lost on B: {asked}"

    # Turn 3 on A answers the form B opened: the active form and its slot live in the shared store.
    answered = lowered(say(rasa_a, sender, DATE_ANSWER))
    assert ELAPSED in answered and ASK_DATE not in answered, answered

    events = tracker_events(stack.tracker_url, sender)
    users = [data.get("text") for kind, data in events if kind == "user"]
    assert users == ["easy read please", "check my ehcp deadlines", DATE_ANSWER]
    loops = [data.get("name") for kind, data in events if kind == "active_loop"]
    assert "ehcp_deadline_form" in loops and loops[-1] is None, loops  # opened on B, closed on A


class Traffic(threading.Thread):
    """One conversation or one editor: round-robin over replicas, failing over like a load balancer."""

    def __init__(self, urls: list[str], turns: int) -> None:
        super().__init__(daemon=True)
        self.urls = list(urls)
        self.turns = turns
        self.down: set[str] = set()
        self.acknowledged: list[str] = []
        self.after_kill_ok = 0
        self.failures: list[str] = []
        self.killed = threading.Event()

    def replicas(self, turn: int) -> list[str]:
        ordered = self.urls[turn % len(self.urls):] + self.urls[: turn % len(self.urls)]
        return [u for u in ordered if u not in self.down] + [u for u in ordered if u in self.down]

    def attempt(self, turn: int, do) -> bool:
        for url in self.replicas(turn):
            try:
                if do(url):
                    if self.killed.is_set():
                        self.after_kill_ok += 1
                    return True
            except (httpx.HTTPError, OSError) as exc:
                self.down.add(url)
                self.failures.append(f"{url}: {type(exc).__name__}")
        return False


class Conversation(Traffic):
    SCRIPT = ["hello", "what is an EHCP?", "are there short breaks in Sefton?", "thank you"]

    def __init__(self, urls: list[str], turns: int) -> None:
        super().__init__(urls, turns)
        self.sender = f"fault-{uuid.uuid4().hex[:10]}"

    def run(self) -> None:
        for turn in range(self.turns):
            message = self.SCRIPT[turn % len(self.SCRIPT)]

            def send(url: str, message: str = message) -> bool:
                if not say(url, self.sender, message, timeout=30):
                    return False
                self.acknowledged.append(message)
                return True

            self.attempt(turn, send)


class Editor(Traffic):
    def __init__(self, urls: list[str], turns: int, token: str, service_id: str, name: str) -> None:
        super().__init__(urls, turns)
        self.token, self.service_id, self.base = token, service_id, name

    def run(self) -> None:
        for turn in range(self.turns):
            new_name = f"{self.base} (edit {turn})"

            def save(url: str, new_name: str = new_name) -> bool:
                response = edit_service(url, self.token, self.service_id, name=new_name)
                if response.status_code == 303:
                    self.acknowledged.append(new_name)
                    return True
                if response.status_code >= 500:
                    raise httpx.HTTPError(f"HTTP {response.status_code}")
                return False  # 409: the previous attempt was saved after all; the next turn re-reads

            self.attempt(turn, save)
            time.sleep(0.2)


def crash(stack, name: str) -> None:
    proc = stack.process(name)
    os.killpg(proc.popen.pid, signal.SIGKILL)
    proc.popen.wait(10)


def test_killing_a_replica_in_the_middle_of_traffic_loses_no_edit_and_no_conversation(stack):
    token = staff_token(stack.database_url)
    service_id, name = published_service(stack.database_url)
    conversations = [Conversation(stack.rasa_urls, turns=8) for _ in range(3)]
    editor = Editor(stack.web_urls, turns=10, token=token, service_id=service_id, name=name)
    form_sender = f"form-{uuid.uuid4().hex[:10]}"
    rasa_a, rasa_b = stack.rasa_urls

    assert ASK_DATE in lowered(say(rasa_a, form_sender, "check my ehcp deadlines"))  # a form open on A
    for worker in (*conversations, editor):
        worker.start()
    wait_until(lambda: sum(len(c.acknowledged) for c in conversations) >= 6 and len(editor.acknowledged) >= 2,
               seconds=90)
    crash(stack, "Rasa server 1")
    crash(stack, "directory web app 1")
    for worker in (*conversations, editor):
        worker.killed.set()

    # The form opened on the dead replica continues on the survivor.
    answered = lowered(say(rasa_b, form_sender, DATE_ANSWER))
    assert ELAPSED in answered and ASK_DATE not in answered, answered

    for worker in (*conversations, editor):
        worker.join(180)
        assert not worker.is_alive(), "traffic did not finish"

    # The survivors kept answering every turn after the crash.
    for conversation in conversations:
        assert len(conversation.acknowledged) == conversation.turns, conversation.failures
        assert conversation.after_kill_ok > 0
    assert len(editor.acknowledged) >= editor.turns - 1, editor.failures  # at most one 409 retry
    assert editor.after_kill_ok > 0

    # No answered turn is missing from the shared tracker store (a turn retried after the crash may appear
    # twice: saved by the dead replica, answered again by the survivor; it is never missing).
    for conversation in conversations:
        stored = [d.get("text") for kind, d in tracker_events(stack.tracker_url, conversation.sender)
                  if kind == "user"]
        remaining = iter(stored)
        assert all(message in remaining for message in conversation.acknowledged), (stored,
                                                                                    conversation.acknowledged)

    # The last saved edit is in the database and found through the surviving directory replica.
    last = editor.acknowledged[-1]
    survivor = stack.web_urls[1]
    wait_until(lambda: last in search_names(survivor, last), seconds=2.0)
    detail = httpx.get(f"{survivor}/api/services/{service_id}", timeout=5).json()
    assert detail["name"] == last
