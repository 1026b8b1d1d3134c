"""GET /health: liveness, database and search index state (load balancers poll it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from directory.schemas import Health

router = APIRouter(tags=["Health"])


@router.get("/health", response_model=Health, summary="Liveness, database and search index state")
def health(request: Request) -> JSONResponse:
    database_ok = request.app.state.db.ping()
    search = getattr(request.app.state, "search", None)
    index: dict = {"documents": 0, "revision": None, "model": None}
    if search is not None:
        state = search.state() if hasattr(search, "state") else {}
        index = {
            "documents": state.get("documents", len(search)),
            "revision": state.get("revision", getattr(search, "revision", None)),
            "model": state.get("model", getattr(search, "model_name", None)),
            **{k: v for k, v in state.items() if k not in ("documents", "revision", "model")},
        }
    ready = database_ok and search is not None
    body = {
        "status": "ok" if ready else "degraded",
        "database": "ok" if database_ok else "unavailable",
        "index": index,
    }
    return JSONResponse(body, status_code=200 if database_ok else 503)
