"""The chat gateway's logic: validate, redact, spot risk of harm, ask Rasa, and answer usefully when
Rasa cannot.

Rasa 3.6 answers `[]` (after waiting minutes) when its action server is down; this gateway bounds every
turn by `settings.chat_timeout_seconds` and then answers itself with SENDIASS and the Local Offer website,
read from the council's help card so staff keep them current. All its wording is in
`data/gateway_messages.yaml`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from directory.settings import Settings

log = logging.getLogger(__name__)

SENDER_PATTERN = r"^[A-Za-z0-9-]{8,64}$"
COUNCIL_PATTERN = r"^[a-z][a-z0-9-]{1,40}$"
EMERGENCY_TYPE = "emergency_contacts"
HELP_CARD_TYPE = "help_card"

HelpProvider = Callable[[str], Awaitable[dict[str, Any] | None]]


class ChatMetadata(BaseModel):
    model_config = ConfigDict(extra="ignore")
    easy_read: bool = False
    council: str | None = Field(None, pattern=COUNCIL_PATTERN)


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sender: str = Field(pattern=SENDER_PATTERN)
    message: str = Field(min_length=1)
    metadata: ChatMetadata = Field(default_factory=ChatMetadata)


FIELD_HELP = {
    "sender": "sender must be 8 to 64 letters, digits or hyphens (the widget makes one for each visitor).",
    "message": "message must be text of at least one character.",
    "metadata": 'metadata must be an object like {"easy_read": false, "council": "sefton"}.',
    "easy_read": "metadata.easy_read must be true or false.",
    "council": 'metadata.council must be a council id in lower case, like "sefton".',
}


def explain_errors(error: ValidationError) -> list[dict[str, str]]:
    """Plain validation messages that never echo what was sent (it may hold personal details)."""
    explained: list[dict[str, str]] = []
    for item in error.errors(include_input=False, include_url=False):
        loc = [str(part) for part in item.get("loc", ())]
        name = loc[-1] if loc else "body"
        message = FIELD_HELP.get(name, "The request body must be JSON: {sender, message, metadata}.")
        explained.append({"field": ".".join(loc) or "body", "message": message})
    return explained or [
        {"field": "body", "message": "The request body must be JSON: {sender, message, metadata}."}
    ]


@lru_cache(maxsize=4)
def load_messages(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def messages_for(settings: Settings) -> dict[str, Any]:
    own = settings.data_dir / "gateway_messages.yaml"
    if (
        not own.exists()
    ):  # a data_dir without the gateway file (tests with their own data) uses the shipped one
        own = Path(__file__).resolve().parent / "data" / "gateway_messages.yaml"
    return load_messages(own)


def wording(messages: dict[str, Any], key: str, easy_read: bool, **values: Any) -> str:
    variant = messages[key]["easy_read" if easy_read else "standard"]
    return variant.format(**values).strip()


# ---- help card ---------------------------------------------------------------------------------------------


def _first(mapping: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = mapping.get(key)
        if value:
            return value
    return None


def _contact_text(entry: dict[str, Any]) -> str | None:
    """A readable 'how to reach them' from a directory entry: phone, then e-mail, then web address."""
    phones = entry.get("phones") or []
    phone = _first(entry, "phone", "telephone")
    if not phone and phones:
        first = phones[0]
        phone = first.get("number") if isinstance(first, dict) else str(first)
    email = _first(entry, "email")
    url = _first(entry, "url", "website")
    parts = [p for p in (phone, email, url) if p]
    return ", ".join(str(p) for p in parts) or None


def _entry(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, str):
        return {"name": None, "url": raw if raw.startswith("http") else None, "contact": raw}
    if not isinstance(raw, dict):
        return None
    entry = {
        "name": _first(raw, "name", "title"),
        "url": _first(raw, "url", "website"),
        "contact": _contact_text(raw),
    }
    return entry if any(entry.values()) else None


def _emergency(raw: Any) -> list[dict[str, str]]:
    contacts = []
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        number = _first(item, "number", "phone", "telephone", "text")
        name = _first(item, "name", "title")
        if number and name:
            contacts.append(
                {
                    "name": str(name),
                    "number": str(number),
                    "kind": str(
                        item.get("kind")
                        or ("text" if item.get("text") and not item.get("number") else "phone")
                    ),
                    "description": str(_first(item, "description", "when") or ""),
                }
            )
    return contacts


def normalise_help(raw: dict[str, Any] | None, council: str, messages: dict[str, Any]) -> dict[str, Any]:
    """The council help card in one shape, whatever is missing: national emergency numbers always present."""
    raw = raw or {}
    emergency = _emergency(_first(raw, "emergency", "emergency_contacts", "national_emergency_contacts"))
    if not any(c["number"] == "999" for c in emergency):
        emergency = (
            _emergency(messages["emergency"])
            if not emergency
            else (_emergency(messages["emergency"][:1]) + emergency)
        )
    return {
        "council": council,
        "local_offer": _entry(_first(raw, "local_offer", "local_offer_website", "website")),
        "sendiass": _entry(_first(raw, "sendiass", "sendias", "sendiass_entry")),
        "safeguarding": _first(raw, "safeguarding", "safeguarding_contact"),
        "emergency": emergency,
    }


def _markdown_link(name: str, url: str | None) -> str:
    if url and url.startswith("https://"):
        return f"[{name.replace('[', '(').replace(']', ')')}]({url})"
    return name


def help_values(card: dict[str, Any], messages: dict[str, Any]) -> dict[str, str]:
    """Fills the wording's placeholders: names as Markdown links (the widget shows them as links)."""
    sendiass = card.get("sendiass") or {}
    offer = card.get("local_offer") or {}
    contact = sendiass.get("contact")
    if contact and contact == sendiass.get("url"):
        contact = None
    if contact:  # the web address is already the link
        contact = ", ".join(p for p in contact.split(", ") if p != sendiass.get("url")) or None
    return {
        "sendiass": _markdown_link(sendiass.get("name") or messages["unknown_sendiass"], sendiass.get("url")),
        "sendiass_extra": messages["sendiass_extra"].format(contact=contact) if contact else "",
        "local_offer": _markdown_link(offer.get("name") or messages["unknown_local_offer"], offer.get("url")),
    }


def emergency_message(card: dict[str, Any], messages: dict[str, Any], easy_read: bool) -> dict[str, Any]:
    return {
        "text": wording(messages, "risk", easy_read),
        "custom": {
            "type": EMERGENCY_TYPE,
            "contacts": card["emergency"],
            "safeguarding": card.get("safeguarding"),
        },
    }


def fallback_messages(
    card: dict[str, Any], messages: dict[str, Any], easy_read: bool
) -> list[dict[str, Any]]:
    text = wording(messages, "fallback", easy_read, **help_values(card, messages))
    return [
        {
            "text": text,
            "custom": {
                "type": HELP_CARD_TYPE,
                "reason": "fallback",
                "sendiass": card.get("sendiass"),
                "local_offer": card.get("local_offer"),
                "emergency": card["emergency"][:1],
            },
        }
    ]


# ---- Rasa --------------------------------------------------------------------------------------------------


def shared_client(holder: Any, settings: Settings) -> httpx.AsyncClient:
    """One HTTP client to Rasa per app and event loop, kept on `holder` (the app's state).

    Making an httpx client loads the TLS certificate store: about 100 ms of CPU on the shared 2-core
    machine, which a client per turn paid on every widget message (docs/benchmarks.md, "Turn latency")."""
    loop = asyncio.get_running_loop()
    cached = getattr(holder, "rasa_http", None)
    if cached is None or cached[0] is not loop or cached[1].is_closed:
        client = httpx.AsyncClient(timeout=httpx.Timeout(settings.chat_timeout_seconds), trust_env=False)
        holder.rasa_http = cached = (loop, client)
    return cached[1]


async def ask_rasa(
    settings: Settings, payload: dict[str, Any], client: httpx.AsyncClient | None = None
) -> list[dict[str, Any]] | None:
    """Rasa's REST channel, bounded in total time (`client`: a shared one, else one for this call).

    None means "no usable answer": timeout, connection error, non-200, not JSON, or `[]`."""
    url = f"{settings.rasa_url.rstrip('/')}/webhooks/rest/webhook"
    budget = settings.chat_timeout_seconds
    try:
        if client is not None:
            response = await asyncio.wait_for(client.post(url, json=payload), timeout=budget)
        else:
            async with httpx.AsyncClient(timeout=httpx.Timeout(budget), trust_env=False) as own:
                response = await asyncio.wait_for(own.post(url, json=payload), timeout=budget)
    except (TimeoutError, httpx.HTTPError, OSError) as exc:
        log.warning("rasa unreachable or slow: %s", type(exc).__name__)
        return None
    if response.status_code != 200:
        log.warning("rasa answered HTTP %s", response.status_code)
        return None
    try:
        body = response.json()
    except ValueError:
        log.warning("rasa answered something that is not JSON")
        return None
    if not isinstance(body, list):
        return None
    cleaned = [clean_bot_message(m) for m in body if isinstance(m, dict)]
    cleaned = [m for m in cleaned if m]
    return cleaned or None


def clean_bot_message(message: dict[str, Any]) -> dict[str, Any] | None:
    """Keeps only what the widget renders (text, buttons, custom, image); drops recipient_id and the rest."""
    out: dict[str, Any] = {}
    if isinstance(message.get("text"), str) and message["text"].strip():
        out["text"] = message["text"]
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", b.get("title", "")))}
        for b in message.get("buttons") or []
        if isinstance(b, dict) and b.get("title")
    ]
    if buttons:
        out["buttons"] = buttons
    if isinstance(message.get("custom"), dict):
        out["custom"] = message["custom"]
    if isinstance(message.get("image"), str) and message["image"].startswith("https://"):
        out["image"] = message["image"]
    return out or None


# ---- one turn ----------------------------------------------------------------------------------------------


def _redact(text: str) -> str:
    from send_common.redaction import redact

    return redact(text)


def is_risk(text: str) -> bool:
    from send_common.risk import is_risk_of_harm

    return is_risk_of_harm(text)


async def _help_card(provider: HelpProvider | None, council: str, messages: dict[str, Any]) -> dict[str, Any]:
    raw = None
    if provider is not None:
        try:
            raw = await asyncio.wait_for(provider(council), timeout=1.0)
        except Exception:  # noqa: BLE001 - the help card must never stop a family getting an answer
            log.exception("council help card unavailable; using national contacts")
    return normalise_help(raw, council, messages)


async def chat_turn(
    request: ChatRequest,
    settings: Settings,
    help_provider: HelpProvider | None,
    client: httpx.AsyncClient | None = None,
) -> dict[str, Any]:
    """One widget turn. Always returns {messages, fallback, risk}; never raises for Rasa's failures."""
    messages = messages_for(settings)
    council = request.metadata.council or settings.default_council
    easy_read = request.metadata.easy_read
    risk = is_risk(request.message)
    redacted = _redact(request.message)
    payload = {
        "sender": request.sender,
        "message": redacted,
        # The widget renders directory results as cards, so the actions leave out the same list as text;
        # and when this turn already shows the emergency card, Rasa says a short line, not the numbers again.
        "metadata": {
            "easy_read": easy_read,
            "council": council,
            "service_cards": True,
            "emergency_card": risk,
        },
    }
    # Rasa and the help card at the same time: both are bounded, so the whole turn stays within the budget.
    reply, card = await asyncio.gather(
        ask_rasa(settings, payload, client), _help_card(help_provider, council, messages)
    )
    out: list[dict[str, Any]] = []
    if risk:
        out.append(emergency_message(card, messages, easy_read))
    fallback = reply is None
    if fallback:
        out.extend(fallback_messages(card, messages, easy_read))
    else:
        out.extend(m for m in reply if not (risk and (m.get("custom") or {}).get("type") == EMERGENCY_TYPE))
    return {"messages": out, "fallback": fallback, "risk": risk}


async def emergency_for(
    council: str, settings: Settings, easy_read: bool, help_provider: HelpProvider | None
) -> dict[str, Any]:
    messages = messages_for(settings)
    return emergency_message(await _help_card(help_provider, council, messages), messages, easy_read)


def too_long_reply(settings: Settings, easy_read: bool) -> dict[str, Any]:
    text = wording(messages_for(settings), "too_long", easy_read, limit=settings.max_message_chars)
    return {"detail": text, "messages": [{"text": text}], "fallback": False, "risk": False}


async def rate_limited_reply(
    settings: Settings, easy_read: bool, council: str, help_provider: HelpProvider | None, message: str
) -> dict[str, Any]:
    messages = messages_for(settings)
    card = await _help_card(help_provider, council, messages)
    text = wording(messages, "rate_limited", easy_read, **help_values(card, messages))
    risk = is_risk(message)
    out = ([emergency_message(card, messages, easy_read)] if risk else []) + [{"text": text}]
    return {"detail": text, "messages": out, "fallback": True, "risk": risk}


def looks_like_council(value: Any) -> bool:
    return isinstance(value, str) and re.match(COUNCIL_PATTERN, value) is not None
