"""JSON error bodies a person can read: ``{"detail": "<plain English>", "errors": [{field, message}]}``.

Never a stack trace: unexpected errors are logged and answered with a short apology.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

LABELS = {
    "search": "The search text",
    "page": "The page number",
    "per_page": "The number of results per page (per_page)",
    "age": "The age",
    "minimum_age": "The minimum age",
    "maximum_age": "The maximum age",
    "text": "The question text",
    "helpful": "The helpful answer",
    "answer_type": "The answer type",
    "confidence": "The confidence",
}


class ApiError(Exception):
    """Raised by handlers for a refused request: ``status`` and a message meant for people."""

    def __init__(self, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


def _label(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("query", "body", "path")]
    name = parts[-1] if parts else "the request"
    return LABELS.get(name, f"The field '{'.'.join(parts)}'" if parts else "The request")


def plain_message(error: dict[str, Any]) -> str:
    label = _label(tuple(error.get("loc", ())))
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    messages = {
        "missing": f"{label} is required.",
        "int_parsing": f"{label} must be a whole number.",
        "int_from_float": f"{label} must be a whole number.",
        "float_parsing": f"{label} must be a number.",
        "bool_parsing": f"{label} must be true or false.",
        "bool_type": f"{label} must be true or false.",
        "greater_than_equal": f"{label} must be {ctx.get('ge')} or more.",
        "less_than_equal": f"{label} must be {ctx.get('le')} or less.",
        "greater_than": f"{label} must be more than {ctx.get('gt')}.",
        "string_too_short": f"{label} is empty.",
        "string_too_long": f"{label} is too long (at most {ctx.get('max_length')} characters).",
        "literal_error": f"{label} must be one of {ctx.get('expected')}.",
        "extra_forbidden": f"{label} is not something this endpoint accepts.",
        "json_invalid": "The request body is not valid JSON.",
        "model_attributes_type": "The request body must be a JSON object.",
        "dict_type": "The request body must be a JSON object.",
    }
    return messages.get(kind, f"{label}: {error.get('msg', 'is not valid')}.")


def error_body(message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": message, "errors": errors or []}


def _ours(request: Request) -> bool:
    """These handlers shape the JSON API's errors; other pages (staff HTML) keep FastAPI's defaults."""
    path = request.url.path
    return path.startswith("/api/") or path in ("/api", "/health")


async def _validation(request: Request, exc: RequestValidationError):
    if not _ours(request):
        return await request_validation_exception_handler(request, exc)
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("query", "body", "path")),
            "message": plain_message(e),
        }
        for e in exc.errors()
    ]
    return JSONResponse(error_body(" ".join(dict.fromkeys(e["message"] for e in errors)), errors), 422)


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return JSONResponse(error_body(exc.message, errors), exc.status)


async def _http_error(request: Request, exc: StarletteHTTPException):
    if not _ours(request):
        return await http_exception_handler(request, exc)
    detail = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
    if exc.status_code == 404 and detail == "Not Found":
        detail = "There is nothing at this address."
    return JSONResponse({"detail": detail}, exc.status_code, headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "Sorry, something went wrong on our side. Please try again later."}, 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
