"""The demo council page at "/" with the chat widget, a second page to show the chat surviving navigation,
and the widget's own files under "/widget/" (served here so the one-line embed works on this server).

`?council=knowsley` shows the Knowsley variant. Council names and Local Offer addresses come from
`data/councils.yaml`; the page text is placeholder content for the demo, clearly labelled as such.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.routing import NoMatchFound

from directory.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
WIDGET_DIR = ROOT.parent / "web_widget"
TEMPLATES = Jinja2Templates(directory=str(ROOT / "templates"))
ASSET = re.compile(r"^(?:icons/)?[a-z0-9-]+\.(?:js|css|svg)$")
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
COMMENT_ROUTE = "local_offer_comment"  # the staff engineer's public "Comment on the Local Offer" form

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


@lru_cache(maxsize=4)
def _councils(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        return {}
    return {c["key"]: c for c in data.get("councils", []) if isinstance(c, dict) and c.get("key")}


def council_context(settings: Settings, requested: str | None) -> dict[str, Any]:
    councils = _councils(settings.data_dir / "councils.yaml") or _councils(ROOT / "data" / "councils.yaml")
    key = requested if requested in councils else settings.default_council
    council = councils.get(key, {"key": key})
    name = council.get("name") or f"{key.title()} Council"
    return {
        "key": key,
        "name": name,
        "short": name.replace(" Council", ""),
        "local_offer_name": council.get("local_offer_name") or f"{key.title()} SEND Local Offer",
        "local_offer_url": council.get("local_offer_url"),
    }


def _page(request: Request, template: str, council: str | None) -> HTMLResponse:
    settings = _settings(request)
    context = council_context(settings, council)
    try:
        comment_url = str(request.app.url_path_for(COMMENT_ROUTE))
    except NoMatchFound:
        comment_url = None
    query = "" if context["key"] == settings.default_council else f"?council={context['key']}"
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "council": context,
            "query": query,
            "comment_url": comment_url,
            "exit_url": settings.quick_exit_url,
            "max_chars": settings.max_message_chars,
        },
    )


@router.get("/", response_class=HTMLResponse, name="demo_home")
def home(request: Request, council: str | None = None) -> HTMLResponse:
    return _page(request, "demo/home.html", council)


@router.get("/about-the-local-offer", response_class=HTMLResponse, name="demo_about")
def about(request: Request, council: str | None = None) -> HTMLResponse:
    return _page(request, "demo/about.html", council)


@router.get("/widget/{asset:path}", name="widget_asset")
def widget_asset(asset: str) -> FileResponse:
    """The widget's files: an allow-list pattern, so nothing outside web_widget/ can be asked for."""
    path = WIDGET_DIR / asset
    if not ASSET.match(asset) or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(
        path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=300"}
    )


@router.get("/static/demo.css", name="demo_css")
def demo_css() -> FileResponse:
    return FileResponse(
        ROOT / "static" / "demo.css",
        media_type=MEDIA_TYPES[".css"],
        headers={"Cache-Control": "public, max-age=300"},
    )
