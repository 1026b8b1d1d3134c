"""The widget's chat gateway against a real fake Rasa on a free port: answers, fallbacks within 5 s, redaction
before forwarding, emergency contacts first, rate limits, validation and the security headers."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from directory import security
from directory.api import chat
from directory.ratelimit import MemoryBackend, RateLimiter, coarse_client
from directory.settings import load_settings
from tests.directory.fake_rasa import FakeRasa, closed_port_url

SENDER = "test-visitor-0001"
HELP_CARD = {
    "council": "sefton",
    "local_offer": {
        "name": "Sefton SEND Local Offer",
        "url": "https://www.seftondirectory.com/kb5/sefton/directory/localoffer.page",
    },
    "sendiass": {
        "name": "Sefton SENDIASS",
        "url": "https://www.seftondirectory.com/kb5/sefton/directory/service.page?id=wBXaryM_SUo",
    },
    "safeguarding": None,
    "emergency": [
        {"name": "Emergency services", "number": "999", "description": "Immediate danger."},
        {"name": "Childline", "number": "0800 1111", "description": "For young people."},
    ],
}


def make_settings(rasa_url: str, **overrides):
    env = {
        "SEND_RASA_URL": rasa_url,
        "SEND_CHAT_TIMEOUT": "1.5",
        "SEND_ENV": "test",
        "SEND_RATE_LIMIT_PER_MINUTE": "100",
        "SEND_MAX_MESSAGE_CHARS": "200",
    }
    env.update(overrides)
    return load_settings(env)


def make_client(rasa_url: str, help_card: dict | None = HELP_CARD, **overrides) -> TestClient:
    settings = make_settings(rasa_url, **overrides)
    app = FastAPI()
    security.install(app, settings)
    app.include_router(chat.router)
    app.state.settings = settings

    async def provider(council: str):
        if help_card is None:
            raise RuntimeError("directory down")
        return {**help_card, "council": council}

    app.state.chat_help_provider = provider
    return TestClient(app)


@pytest.fixture
def rasa():
    fake = FakeRasa().start()
    yield fake
    fake.stop()


def say(client: TestClient, message: str, **metadata):
    return client.post(
        "/api/chat",
        json={
            "sender": SENDER,
            "message": message,
            "metadata": {"easy_read": False, "council": "sefton", **metadata},
        },
    )


def test_normal_answer_passes_buttons_and_custom_payloads_through(rasa):
    client = make_client(rasa.url)
    body = say(client, "hello").json()
    assert body["fallback"] is False and body["risk"] is False
    assert body["messages"][0]["buttons"][0] == {"title": "What is an EHCP?", "payload": "/ask_ehcp"}
    assert "recipient_id" not in body["messages"][0]
    cards = say(client, "is there a youth club for autistic teenagers").json()["messages"]
    assert cards[1]["custom"]["type"] == "service_cards"
    assert cards[1]["custom"]["services"][0]["name"] == "Aiming High: Alchemy"


def test_one_http_client_to_rasa_serves_every_turn(rasa):
    with make_client(rasa.url) as client:
        say(client, "hello")
        first = client.app.state.rasa_http[1]
        say(client, "what is an ehcp")
        assert client.app.state.rasa_http[1] is first and not first.is_closed
    assert len(rasa.received) == 2


def test_metadata_reaches_rasa(rasa):
    client = make_client(rasa.url)
    say(client, "what is an ehcp", easy_read=True, council="knowsley")
    assert rasa.received[-1]["metadata"] == {
        "easy_read": True,
        "council": "knowsley",
        "service_cards": True,
        "emergency_card": False,
    }
    assert rasa.received[-1]["sender"] == SENDER


def test_rasa_is_told_when_the_emergency_card_is_already_shown(rasa):
    client = make_client(rasa.url)
    body = say(client, "I want to kill myself").json()
    assert body["messages"][0]["custom"]["type"] == "emergency_contacts"
    assert rasa.received[-1]["metadata"]["emergency_card"] is True  # so Rasa does not list the numbers again


def test_personal_details_are_removed_before_rasa_sees_them(rasa):
    client = make_client(rasa.url)
    say(client, "my email is jo.bloggs@example.com and ring me on 07700 900123, we live at L20 3AB")
    forwarded = rasa.received[-1]["message"]
    assert "jo.bloggs@example.com" not in forwarded
    assert "07700 900123" not in forwarded
    assert "L20 3AB" not in forwarded
    assert forwarded != ""


@pytest.mark.parametrize("mode", ["empty", "error", "down"])
def test_no_usable_answer_gives_sendiass_and_local_offer(rasa, mode):
    rasa.mode = mode
    client = make_client(rasa.url)
    response = say(client, "what is an ehcp")
    body = response.json()
    assert response.status_code == 200 and body["fallback"] is True
    text = body["messages"][0]["text"]
    assert "can't answer right now" in text
    assert "Sefton SENDIASS" in text and HELP_CARD["local_offer"]["url"] in text and "999" in text
    assert "SECRET_INTERNAL_DETAIL" not in response.text and "Traceback" not in response.text
    card = body["messages"][0]["custom"]
    assert card["type"] == "help_card" and card["sendiass"]["name"] == "Sefton SENDIASS"


def test_hanging_rasa_is_answered_within_five_seconds(rasa):
    rasa.mode = "hang"
    client = make_client(rasa.url, SEND_CHAT_TIMEOUT="4")
    started = time.monotonic()
    body = say(client, "how long is the wait for speech therapy").json()
    elapsed = time.monotonic() - started
    assert elapsed < 5.0, elapsed
    assert body["fallback"] is True and "SENDIASS" in body["messages"][0]["text"]


def test_rasa_down_with_nothing_listening():
    client = make_client(closed_port_url())
    body = say(client, "hello").json()
    assert body["fallback"] is True


def test_fallback_in_easy_read_and_without_help_card(rasa):
    rasa.mode = "empty"
    client = make_client(rasa.url, help_card=None)
    body = say(client, "hello", easy_read=True).json()
    text = body["messages"][0]["text"]
    assert text.startswith("Sorry. I can't answer right now.")
    assert "SENDIASS" in text and "999" in text  # national wording when the directory cannot be read


def test_risk_of_harm_puts_emergency_contacts_first_even_when_rasa_is_down(rasa):
    rasa.mode = "down"
    client = make_client(rasa.url)
    body = say(client, "I want to kill myself").json()
    assert body["risk"] is True
    first = body["messages"][0]
    assert first["custom"]["type"] == "emergency_contacts"
    numbers = [c["number"] for c in first["custom"]["contacts"]]
    assert numbers[0] == "999" and "0800 1111" in numbers
    assert body["fallback"] is True  # and the SENDIASS answer follows


def test_risk_card_without_directory_uses_the_national_list(rasa):
    client = make_client(rasa.url, help_card=None)
    body = say(client, "my dad hits me and I am scared to go home").json()
    numbers = [c["number"] for c in body["messages"][0]["custom"]["contacts"]]
    for number in ("999", "111", "0800 1111", "116 123", "85258", "0808 800 5000"):
        assert number in numbers
    assert body["fallback"] is False and len(body["messages"]) >= 2


def test_oversized_message_gets_a_clear_reply_and_is_not_forwarded(rasa):
    client = make_client(rasa.url)
    response = say(client, "a" * 201)
    assert response.status_code == 422
    assert "under 200 characters" in response.json()["messages"][0]["text"]
    assert rasa.received == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"sender": "short", "message": "hi"}, "sender"),
        ({"sender": "bad sender id!!", "message": "hi"}, "sender"),
        ({"sender": SENDER, "message": ""}, "message"),
        ({"sender": SENDER}, "message"),
        ({"sender": SENDER, "message": "hi", "metadata": {"council": "<script>"}}, "metadata.council"),
        ({"sender": SENDER, "message": "hi", "metadata": {"easy_read": "perhaps"}}, "metadata.easy_read"),
    ],
)
def test_validation_errors_are_plain_and_do_not_echo_input(rasa, body, field):
    response = make_client(rasa.url).post("/api/chat", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["field"] == field and detail[0]["message"]
    assert "<script>" not in response.text and "input" not in detail[0]


def test_non_json_body_is_a_clear_422(rasa):
    response = make_client(rasa.url).post(
        "/api/chat", content=b"not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "must be JSON" in response.text


def test_rate_limit_per_visitor_answers_429_with_help(rasa):
    client = make_client(rasa.url, SEND_RATE_LIMIT_PER_MINUTE="3")
    statuses = [say(client, "hello").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = say(client, "hello")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "wait a minute" in response.json()["messages"][0]["text"]
    assert "Sefton SENDIASS" in response.json()["messages"][0]["text"]
    assert len(rasa.received) == 3


def test_rotating_sender_ids_still_hits_the_client_limit(rasa):
    client = make_client(rasa.url, SEND_RATE_LIMIT_PER_MINUTE="2", SEND_RATE_LIMIT_CLIENT_PER_MINUTE="4")
    statuses = [
        client.post("/api/chat", json={"sender": f"visitor-{i:04d}", "message": "hi"}).status_code
        for i in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_rate_limiter_keeps_no_raw_identifiers():
    backend = MemoryBackend()
    limiter = RateLimiter(make_settings("http://x"), backend=backend)
    limiter.check("visitor-abcdef", "203.0.113.7")
    stored = " ".join(backend._counts)
    assert "visitor-abcdef" not in stored and "203.0.113" not in stored
    assert coarse_client("203.0.113.7") == "203.0.113.0/24"
    assert coarse_client("2001:db8:1:2::5") == "2001:db8:1::/48"


def test_redis_backend_shares_counts_between_limiters():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings = make_settings(
        "http://x",
        REDIS_URL="redis://127.0.0.1:6379/15",
        SEND_RATE_LIMIT_PER_MINUTE="2",
        SEND_SECRET_KEY=f"test-{time.time_ns()}",
    )
    replica_a, replica_b = RateLimiter(settings), RateLimiter(settings)
    assert replica_a.check("visitor-shared", "127.0.0.1").allowed
    assert replica_b.check("visitor-shared", "127.0.0.1").allowed
    assert not replica_a.check("visitor-shared", "127.0.0.1").allowed


def test_strict_security_headers(rasa):
    response = say(make_client(rasa.url), "hello")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "geolocation=()" in response.headers["permissions-policy"]
    assert response.headers["cache-control"] == "no-store"
    # Swagger UI needs its CDN and an inline start-up script: allowed on /docs only
    docs = make_client(rasa.url).get("/docs")
    assert "cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    assert "cdn.jsdelivr.net" not in csp


def test_cors_only_for_configured_council_sites(rasa):
    client = make_client(rasa.url, SEND_WIDGET_ALLOWED_ORIGINS="https://www.sefton.gov.uk")
    ok = client.options(
        "/api/chat", headers={"Origin": "https://www.sefton.gov.uk", "Access-Control-Request-Method": "POST"}
    )
    assert ok.headers.get("access-control-allow-origin") == "https://www.sefton.gov.uk"
    other = client.options(
        "/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert other.headers.get("access-control-allow-origin") is None


def test_fallback_names_a_sendiass_phone_when_the_directory_has_one(rasa):
    rasa.mode = "empty"
    card = {**HELP_CARD, "sendiass": {**HELP_CARD["sendiass"], "phones": [{"number": "0151 000 0000"}]}}
    text = say(make_client(rasa.url, help_card=card), "hello").json()["messages"][0]["text"]
    assert "[Sefton SENDIASS](https://" in text and "(0151 000 0000)" in text


def test_fallback_for_a_council_the_directory_does_not_know(rasa):
    rasa.mode = "empty"
    client = make_client(rasa.url, help_card={})
    text = say(client, "hello", council="wirral").json()["messages"][0]["text"]
    assert "your council's SEND information, advice and support service (SENDIASS)" in text
    assert "{" not in text and "999" in text


def test_help_card_from_the_real_store_is_cached(tmp_path, rasa):
    """The in-process help card (store.council_help via app.state.db), read once a minute at most."""
    from directory.db import Database
    from directory.loader import migrate_and_load

    settings = make_settings(rasa.url, DATABASE_URL=f"sqlite:///{tmp_path / 'd.db'}")
    database = Database(settings.database_url)
    data = tmp_path / "data"
    (data / "services").mkdir(parents=True)
    root = settings.data_dir
    (data / "councils.yaml").write_text((root / "councils.yaml").read_text())
    (data / "services" / "sefton.yaml").write_text((root / "services" / "sefton.yaml").read_text())
    migrate_and_load(database, data)
    app = FastAPI()
    app.include_router(chat.router)
    app.state.settings, app.state.db = settings, database
    rasa.mode = "empty"
    client = TestClient(app)
    text = say(client, "hello").json()["messages"][0]["text"]
    assert "Sefton SENDIASS" in text and "seftondirectory.com" in text
    assert "sefton" in app.state.chat_help_cache
    database.dispose()
