"""The staff pages' Jinja2 environment and one ``render`` helper that adds the signed-in user and CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from directory.staff.diffing import display

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC_PREFIX = "/static/"

templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.globals["static_url"] = lambda name: STATIC_PREFIX + name
templates.env.filters["show"] = display
templates.env.filters["when"] = lambda d: d.strftime("%-d %b %Y %H:%M") if d else ""
templates.env.filters["day"] = lambda d: d.strftime("%-d %B %Y") if d else ""

NOTICES = {
    "saved": "Your changes are saved. Families' search has them now.",
    "created": "The entry is created as a draft.",
    "published": "The entry is published. Families can find it now.",
    "archived": "The entry is archived. Families can no longer find it.",
    "restored": "The earlier version is restored as a draft.",
    "reviewed": "The entry is marked as reviewed.",
    "waiting-time": "The waiting-time figure is added. The assistant quotes the newest figure.",
    "comment": "The comment is saved.",
    "imported": "The import is applied.",
    "account": "The staff account is saved.",
    "token": "The API token is created. Copy it now: it will not be shown again.",
    "password": "Your password is changed.",
}


def render(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    principal = getattr(request.state, "staff", None)
    base = {
        "staff": principal,
        "csrf_token": principal.csrf_token if principal else context.pop("csrf_token", ""),
        "errors": {},
        "notice": NOTICES.get(request.query_params.get("done", "")),
    }
    base.update(context)
    return templates.TemplateResponse(request, name, base, status_code=status_code)
