"""POST /api/chat: the web widget's gateway to Rasa. The logic lives in directory/chat_gateway.py."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from directory import chat_gateway as gw
from directory.ratelimit import RateLimiter
from directory.settings import Settings, get_settings

log = logging.getLogger(__name__)
router = APIRouter()
HELP_CACHE_SECONDS = 60  # staff edits to SENDIASS reach the fallback answer within a minute


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


def _limiter(request: Request, settings: Settings) -> RateLimiter:
    limiter = getattr(request.app.state, "chat_rate_limiter", None)
    if limiter is None:
        limiter = request.app.state.chat_rate_limiter = RateLimiter(settings)
    return limiter


def _client_host(request: Request, settings: Settings) -> str | None:
    if settings.trust_proxy_headers:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else None


def help_provider(request: Request, settings: Settings) -> gw.HelpProvider:
    """The council help card, in-process: the same function GET /api/councils/{council}/help uses.

    `app.state.chat_help_provider` (an async callable council -> dict) overrides it, e.g. in tests.
    """
    override = getattr(request.app.state, "chat_help_provider", None)
    if override is not None:
        return override

    async def from_store(council: str) -> dict[str, Any] | None:
        from starlette.concurrency import run_in_threadpool

        cache = getattr(request.app.state, "chat_help_cache", None)
        if cache is None:
            cache = request.app.state.chat_help_cache = {}
        cached = cache.get(council)
        if cached and time.monotonic() - cached[0] < HELP_CACHE_SECONDS:
            return cached[1]
        card = await run_in_threadpool(_council_help_sync, request, settings, council)
        cache[council] = (time.monotonic(), card)
        return card

    return from_store


def _council_help_sync(request: Request, settings: Settings, council: str) -> dict[str, Any] | None:
    from directory import store  # the core engineer's query layer (architecture.md: council help card)

    db = request.app.state.db  # directory.db.Database, set by create_app
    with db.session() as session:
        card = store.council_help(session, council, settings)
    if hasattr(card, "model_dump"):
        card = card.model_dump(mode="json")
    return card


def _risk(text: str) -> bool:
    try:
        return gw.is_risk(text)
    except Exception:  # noqa: BLE001 - if the check itself fails, show the contacts rather than hide them
        log.exception("risk check failed")
        return True


def _plain(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})


@router.post("/api/chat", tags=["chat"], summary="Send one message from the widget to the assistant")
async def chat(request: Request) -> JSONResponse:
    """`{sender, message, metadata: {easy_read, council}}` → `{messages, fallback, risk}`.

    Redacts personal details before Rasa sees the message, puts emergency contacts first when the message
    suggests a risk of harm, and answers with SENDIASS and the Local Offer itself when Rasa cannot.
    """
    settings = _settings(request)
    try:
        raw = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError):
        raw = None
    if not isinstance(raw, dict):
        return _plain(
            422,
            {
                "detail": [
                    {
                        "field": "body",
                        "message": "The request body must be JSON: {sender, message, metadata}.",
                    }
                ]
            },
        )
    try:
        body = gw.ChatRequest.model_validate(raw)
    except ValidationError as error:
        return _plain(422, {"detail": gw.explain_errors(error)})
    easy_read = body.metadata.easy_read
    council = body.metadata.council or settings.default_council
    provider = help_provider(request, settings)

    decision = _limiter(request, settings).check(body.sender, _client_host(request, settings))
    if not decision.allowed:
        reply = await gw.rate_limited_reply(settings, easy_read, council, provider, body.message)
        return _plain(429, reply, {"Retry-After": str(decision.retry_after)})
    if len(body.message) > settings.max_message_chars:
        reply = gw.too_long_reply(settings, easy_read)
        if _risk(body.message):  # too long, but it may still say someone is in danger: contacts first
            reply["messages"].insert(0, await gw.emergency_for(council, settings, easy_read, provider))
            reply["risk"] = True
        return _plain(422, reply)
    if not body.message.strip():
        return _plain(422, {"detail": [{"field": "message", "message": gw.FIELD_HELP["message"]}]})

    try:
        reply = await gw.chat_turn(body, settings, provider, gw.shared_client(request.app.state, settings))
    except Exception:  # noqa: BLE001 - never echo a server error to the page
        log.exception("chat gateway failed")
        messages = gw.messages_for(settings)
        card = gw.normalise_help(None, council, messages)
        risk = _risk(body.message)
        reply = {
            "messages": ([gw.emergency_message(card, messages, easy_read)] if risk else [])
            + gw.fallback_messages(card, messages, easy_read),
            "fallback": True,
            "risk": risk,
        }
    return _plain(200, reply)
