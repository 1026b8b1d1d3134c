"""Security headers for every response: a strict Content-Security-Policy (no inline scripts or styles
anywhere on the public pages, so the widget and the demo page must work without them), no MIME sniffing,
no referrer, framing only by the site itself (or `SEND_FRAME_ANCESTORS`), no powerful browser features.

`install(app, settings)` is called by `create_app`. FastAPI's own /docs and /redoc pages load Swagger UI
or ReDoc from a CDN with an inline start-up script; they get a looser policy of their own, limited to
those paths. CORS is opened only to `SEND_WIDGET_ALLOWED_ORIGINS` (council sites that embed the widget
from this server: the module script, its CSS and icons, /api/chat, /api/feedback and the help card).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from directory.settings import Settings

DOCS_PATHS = ("/docs", "/redoc")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


def content_security_policy(settings: Settings) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {settings.frame_ancestors}",
        ]
    )


DOCS_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
        "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
        "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
        "font-src 'self' https://fonts.gstatic.com",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeaders:
    """Pure ASGI middleware (works for streaming and static responses alike)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.csp = content_security_policy(settings)
        self.frame_option = b"SAMEORIGIN" if settings.frame_ancestors.strip() == "'self'" else None
        self.hsts = settings.public_origin.startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else self.csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
                headers += [
                    (b"content-security-policy", policy.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if self.frame_option:
                    headers.append((b"x-frame-options", self.frame_option))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_OURS = {
    b"content-security-policy",
    b"x-content-type-options",
    b"referrer-policy",
    b"permissions-policy",
    b"cross-origin-opener-policy",
    b"x-frame-options",
    b"strict-transport-security",
}


def install(app: FastAPI, settings: Settings) -> None:
    """Adds the security headers and, when council sites embed the widget, CORS for the widget's endpoints."""
    if settings.widget_allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.widget_allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(SecurityHeaders, settings=settings)
