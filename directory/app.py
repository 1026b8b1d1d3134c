"""The directory web app: ``create_app(settings)``.

Run it with ``uvicorn directory.app:create_app --factory`` (``python -m directory serve`` does that).
Nothing heavy happens at import: the lifespan opens the database (migrating it to head), starts the
search service (index loaded from disk or built, model warmed up) and keeps it fresh through
``directory.replication``.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory import migrations, replication
from directory.api import health, public
from directory.api.errors import install_error_handlers
from directory.db import Database
from directory.settings import ROOT, Settings, get_settings

log = logging.getLogger(__name__)

# Routers of the other parts, included when their module is present.
ROUTERS = ("directory.api.chat", "directory.web.demo", "directory.staff.routes")
# The open-data API says Access-Control-Allow-Origin: * ; the chat gateway and the staff API set their own.
OPEN_PREFIXES = ("/api/", "/health")
CLOSED_PREFIXES = ("/api/chat", "/api/staff")


class OpenDataCors:
    """Adds ``Access-Control-Allow-Origin: *`` to the open API's responses (ORUK compliance)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/api" or path.startswith(OPEN_PREFIXES)) or path.startswith(CLOSED_PREFIXES):
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == b"access-control-allow-origin" for k, _ in headers):
                    headers.append((b"access-control-allow-origin", b"*"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cors)


def _search_for(settings: Settings, search_service: Any, embedder: Any) -> Any:
    from directory.search.service import SearchService, create_search_service

    if search_service is not None:
        return search_service
    if embedder is not None:  # tests: the real engine with a fake embedder, nothing saved to disk
        return SearchService(embedder, None, getattr(embedder, "name", "fake"))
    return create_search_service(settings)


def _start(app: FastAPI, settings: Settings, database: Database | None, search: Any) -> None:
    db = database or Database(settings.database_url)
    app.state.db = db
    migrations.upgrade(db.engine)
    app.state.search = search
    try:
        app.state.replica = replication.start_replica(db, search)
    except Exception:  # the database may be empty or down: serve anyway, the next search retries
        log.exception("search index not ready at start; it will be built on the next search")
        app.state.replica = replication.Replica(replication.ReplicaSync(search, db.sessions), None)
    embedder = getattr(search, "embedder", None)
    if embedder is not None and len(search):
        embedder.encode(["warm up"])  # load the model now, not during a family's first search


def create_app(
    settings: Settings | None = None,
    *,
    search_service: Any = None,
    embedder: Any = None,
    database: Database | None = None,
) -> FastAPI:
    """The app. ``search_service`` / ``embedder`` / ``database`` let tests inject cheap stand-ins."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        search = _search_for(settings, search_service, embedder)
        await run_in_threadpool(_start, app, settings, database, search)
        try:
            yield
        finally:
            replica = getattr(app.state, "replica", None)
            if replica is not None:
                replica.stop()
            if database is None:
                app.state.db.dispose()

    app = FastAPI(
        title="SEND Local Offer directory",
        version="3.0",
        summary="Open Referral UK 3.0 API of SEND Local Offer services, waiting times and the EHCP journey.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(public.router)
    app.include_router(health.router)
    for name in ROUTERS:
        if importlib.util.find_spec(name) is not None:
            app.include_router(importlib.import_module(name).router)
    route_names = {getattr(route, "name", None) for route in app.routes}
    widget_dir = ROOT / "web_widget"
    if "widget_asset" not in route_names and widget_dir.is_dir():
        app.mount("/widget", StaticFiles(directory=widget_dir), name="widget")
    static_dir = Path(__file__).resolve().parent / "static"
    if static_dir.is_dir():
        app.mount("/static", StaticFiles(directory=static_dir), name="static")
    app.add_middleware(OpenDataCors)
    if importlib.util.find_spec("directory.security") is not None:
        importlib.import_module("directory.security").install(app, settings)
    return app
