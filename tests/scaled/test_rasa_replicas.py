"""Two Rasa replicas sharing the PostgreSQL tracker store and the Redis lock store, for real.

The package's shared topology (tests/scaled/conftest.py: two directory replicas, one action server, two
Rasa replicas with the trained model, throw-away PostgreSQL databases, Redis databases 13/14) is used to:
- send alternate turns of one conversation, a form and slots included, to each Rasa replica;
- kill one Rasa replica and one directory replica in the middle of traffic and check that no saved
  edit and no answered conversation turn is lost and that the survivors keep answering (run last).

The form is the EHCP deadline check (bot/domain.yml ``ehcp_deadline_form``, slot ``request_date``); the
easy-read slot is set from the message metadata, as the chat gateway sends it, so these tests do not
depend on how the NLU names its intents, only on the form understanding "check my ehcp deadlines".
"""

from __future__ import annotations

import abc
import os
import signal
import threading
import time
import uuid

import httpx

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

ASK_DATE = "when did you ask"  # utter_ask_request_date, both variants (bot/domain.yml)
EASY_EXAMPLE = "for example: 10 weeks ago"  # only in the easy-read variant of utter_ask_request_date
START_FORM = "check my ehcp deadlines"
DATE_ANSWER = "10 weeks ago"
ELAPSED = "10 weeks ago"  # utter_deadline_elapsed repeats the weeks: "...about 10 weeks ago..."


def lowered(messages: list[dict]) -> str:
    return text_of(messages).lower()


def test_alternate_turns_on_two_replicas_continue_one_conversation_with_its_form_and_slots(rasa_replicas):
    rasa_a, rasa_b = rasa_replicas.rasa_urls
    sender = f"alt-{uuid.uuid4().hex[:10]}"

    # Turn 1 on A sets a slot (easy_read, from the widget's metadata); turn 2 on B, without metadata, must
    # see it: the form B opens asks in easy-read words.
    assert text_of(say(rasa_a, sender, "hello", metadata={"easy_read": True, "council": "sefton"})).strip()
    asked = lowered(say(rasa_b, sender, START_FORM))
    assert ASK_DATE in asked, asked
    assert EASY_EXAMPLE in asked, f"easy_read slot set on replica A was lost on B: {asked}"

    # Turn 3 on A answers the form B opened: the active form and its requested slot live in the shared store.
    answered = lowered(say(rasa_a, sender, DATE_ANSWER))
    assert ELAPSED in answered and ASK_DATE not in answered, answered

    # Turn 4 on B: the conversation goes on after the form (easy-read still on, nothing asked again).
    after = lowered(say(rasa_b, sender, "thank you"))
    assert after.strip() and ASK_DATE not in after, after

    events = tracker_events(rasa_replicas.tracker_url, sender)
    users = [data.get("text") for kind, data in events if kind == "user"]
    assert users == ["hello", START_FORM, DATE_ANSWER, "thank you"]
    loops = [data.get("name") for kind, data in events if kind == "active_loop"]
    assert "ehcp_deadline_form" in loops and loops[-1] is None, loops  # opened on B, closed on A
    slots = {data.get("name"): data.get("value") for kind, data in events if kind == "slot"}
    assert slots.get("easy_read") is True
    assert any(
        kind == "slot" and data.get("name") == "request_date" and data.get("value") for kind, data in events
    ), "request_date was never filled"  # the check resets it after


AFTER_KILL = 3  # turns each worker must get answered by the survivors after the crash


class Traffic(threading.Thread, abc.ABC):
    """One conversation or one editor, sending turns back to back until it has had ``AFTER_KILL`` turns
    answered after the crash. Round-robin over the replicas, failing over like a load balancer: a turn
    that fails on one replica is retried on the other; a turn that fails on both is lost."""

    def __init__(self, urls: list[str], seconds: float = 150.0) -> None:
        super().__init__(daemon=True)
        self.urls = list(urls)
        self.deadline = time.monotonic() + seconds
        self.down: set[str] = set()
        self.acknowledged: list[str] = []
        self.lost: list[int] = []
        self.after_kill_ok = 0
        self.failures: list[str] = []
        self.killed = threading.Event()

    def replicas(self, turn: int) -> list[str]:
        ordered = self.urls[turn % len(self.urls) :] + self.urls[: turn % len(self.urls)]
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
                self.failures.append(f"turn {turn} on {url}: {type(exc).__name__}: {exc}")
        self.lost.append(turn)
        return False

    @abc.abstractmethod
    def turn(self, n: int) -> None:
        """Sends turn ``n`` of this kind of traffic (through ``attempt``)."""

    def run(self) -> None:
        n = 0
        while self.after_kill_ok < AFTER_KILL and time.monotonic() < self.deadline:
            self.turn(n)
            n += 1


class Conversation(Traffic):
    SCRIPT = ["hello", "what is an EHCP?", "are there short breaks in Sefton?", "thank you"]

    def __init__(self, urls: list[str]) -> None:
        super().__init__(urls)
        self.sender = f"fault-{uuid.uuid4().hex[:10]}"

    def turn(self, n: int) -> None:
        message = self.SCRIPT[n % len(self.SCRIPT)]

        def send(url: str) -> bool:
            # A turn may wait up to TICKET_LOCK_LIFETIME (10 s here) for a lock the dead replica held.
            if not say(url, self.sender, message, timeout=60):
                return False
            self.acknowledged.append(message)
            return True

        self.attempt(n, send)


class Editor(Traffic):
    def __init__(self, urls: list[str], token: str, service_id: str, name: str) -> None:
        super().__init__(urls)
        self.token, self.service_id, self.base = token, service_id, name

    def turn(self, n: int) -> None:
        new_name = f"{self.base} (edit {n})"

        def save(url: str) -> bool:
            response = edit_service(url, self.token, self.service_id, name=new_name)
            if response.status_code >= 500:
                raise httpx.HTTPError(f"HTTP {response.status_code}")
            assert response.status_code == 303, (response.status_code, response.text[:500])
            self.acknowledged.append(new_name)
            return True

        self.attempt(n, save)
        time.sleep(0.1)


def crash(stack, name: str) -> None:
    proc = stack.process(name)
    os.killpg(proc.popen.pid, signal.SIGKILL)
    proc.popen.wait(10)


def test_killing_a_replica_in_the_middle_of_traffic_loses_no_edit_and_no_conversation(crashable_stack):
    stack = crashable_stack
    token = staff_token(stack.database_url)
    service_id, name = published_service(stack.database_url)
    conversations = [Conversation(stack.rasa_urls) for _ in range(3)]
    editor = Editor(stack.web_urls, token=token, service_id=service_id, name=name)
    workers = (*conversations, editor)
    form_sender = f"form-{uuid.uuid4().hex[:10]}"
    rasa_a, rasa_b = stack.rasa_urls

    assert ASK_DATE in lowered(say(rasa_a, form_sender, START_FORM))  # a form open on A
    for worker in workers:
        worker.start()
    wait_until(lambda: all(len(w.acknowledged) >= 2 for w in workers), seconds=90)
    # Both replicas are busy: each conversation alternates between them, so turns are in flight on A.
    crash(stack, "Rasa server 1")
    crash(stack, "directory web app 1")
    for worker in workers:
        worker.killed.set()

    # The form opened on the dead replica continues on the survivor.
    answered = lowered(say(rasa_b, form_sender, DATE_ANSWER))
    assert ELAPSED in answered and ASK_DATE not in answered, answered

    for worker in workers:
        worker.join(180)
        assert not worker.is_alive(), "traffic did not finish"

    # Every turn was answered, by the survivor after the crash (failing over once where it had to).
    for worker in workers:
        assert worker.lost == [], worker.failures
        assert worker.after_kill_ok >= AFTER_KILL, (worker.after_kill_ok, worker.failures)
    assert any(w.down for w in workers), "no turn ever hit the dead replicas: the crash was not under traffic"

    # No answered turn is missing from the shared tracker store (a turn retried after the crash may appear
    # twice: saved by the dead replica, answered again by the survivor; it is never missing).
    for conversation in conversations:
        stored = [
            d.get("text")
            for kind, d in tracker_events(stack.tracker_url, conversation.sender)
            if kind == "user"
        ]
        remaining = iter(stored)
        assert all(message in remaining for message in conversation.acknowledged), (
            stored,
            conversation.acknowledged,
        )

    # The last saved edit is in the database and found through the surviving directory replica.
    last = editor.acknowledged[-1]
    survivor = stack.web_urls[1]
    wait_until(lambda: last in search_names(survivor, last), seconds=2.0)
    detail = httpx.get(f"{survivor}/api/services/{service_id}", timeout=5).json()
    assert detail["name"] == last
