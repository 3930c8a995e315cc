"""The FastAPI app factory: routers, middleware and error answers."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from massline import __version__
from massline.platform import Platform
from massline.web import (
    accountability,
    api,
    api_accountability,
    api_attachments,
    api_glossary,
    api_issues,
    api_notify,
    api_publishing,
    api_research,
    api_supervision,
    attachments,
    citizen_notify,
    dashboard,
    followup,
    moderation,
    portal,
    public_issues,
    publishing_portal,
    publishing_staff,
    reply_desk,
    reply_quality,
    research,
    staff_accounts,
    staff_glossary,
    staff_notify,
    staff_offices,
    staff_settings,
    supervision_desk,
    supervision_portal,
    tolerance,
    workbench,
)
from massline.web.errors import CatchUnhandled, add_error_handlers, error_answer

STATIC_DIR = Path(__file__).parent / "static"
# Swagger UI's files, shipped inside the fastapi-offline package (no CDN).
SWAGGER_DIR = Path(importlib.util.find_spec("fastapi_offline").origin or "").parent / "static"  # type: ignore[union-attr]
API_DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Massline API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs-assets/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="/api/openapi.json"></div>
<script src="/api/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/js/api-docs.js"></script></body></html>
"""
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds a strict CSP (everything served locally) and related headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k for k, _ in message.get("headers", [])}
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RefuseNul:
    """Answers 422 to a query string holding a NUL character (``%00``), before any route: no database
    stores it in text (PostgreSQL refuses it), and no filter or search of the app means it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            message = "请求格式不正确：查询参数中含有不允许的字符（NUL）"
            response = error_answer(Request(scope), 422, message, errors={"query": "含有不允许的字符（NUL）"})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# What a 422 answer holds (the invalid-request handler below and ``ValidationFailed``), in place of
# FastAPI's default ``HTTPValidationError`` (a list of pydantic errors) in the OpenAPI document.
VALIDATION_ERROR_SCHEMA = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail", "description": "the problem, in Chinese"},
        "errors": {
            "type": "object", "title": "Errors", "additionalProperties": {"type": "string"},
            "description": "field name -> Chinese message that names the field",
        },
    },
    "required": ["detail"],
}  # fmt: skip


def _add_openapi(app: FastAPI) -> None:
    """The OpenAPI document, with the 422 answer as the app gives it."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = original()
            components = schema.get("components", {}).get("schemas", {})
            if "HTTPValidationError" in components:
                components["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA
                components.pop("ValidationError", None)
        return app.openapi_schema or original()

    app.openapi = openapi  # type: ignore[method-assign]


def _include_routers(app: FastAPI) -> None:
    """The JSON API's routers, then the pages' (order matters where paths overlap)."""
    for router in (
        api.router,
        api_issues.router,
        api_attachments.router,
        followup.api_router,
        api_glossary.router,
        api_notify.router,
        api_publishing.router,
        api_accountability.router,
        api_supervision.router,
        api_research.router,
        reply_desk.api_router,
        reply_quality.api_router,
        moderation.api_router,
        portal.router,
        followup.router,  # before the workbench's /staff/cases/{id}/{action}
        reply_desk.router,
        staff_glossary.router,
        workbench.router,
        moderation.router,
        staff_accounts.router,
        staff_offices.router,
        staff_settings.router,
        reply_quality.router,
        dashboard.router,
        public_issues.router,
        publishing_portal.router,
        publishing_staff.router,
        attachments.router,
        citizen_notify.router,
        staff_notify.router,
        supervision_portal.router,
        supervision_desk.router,
        research.router,
        tolerance.router,
        accountability.router,
    ):
        app.include_router(router)


def create_app(platform: Platform | None = None) -> FastAPI:
    """Build the web app around ``platform`` (one built from the environment by default)."""
    platform = platform or Platform()

    app = FastAPI(
        title="Massline API",
        version=__version__,
        description="网络群众路线平台 JSON API. Citizens submit and follow messages; officials handle cases.",
        docs_url=None,  # served below from local assets (no CDN)
        redoc_url=None,
        openapi_url="/api/openapi.json",
        swagger_ui_parameters={"syntaxHighlight": False},
    )
    app.state.platform = platform
    app.add_middleware(CatchUnhandled)  # the 500 answer, inside the session: its error page has the session
    app.add_middleware(RefuseNul)
    app.add_middleware(attachments.UploadLimit, max_bytes=platform.settings.attachment_max_total_mb * 1024 * 1024)
    app.add_middleware(
        SessionMiddleware,
        secret_key=platform.secret_key,
        session_cookie="massline_session",
        max_age=platform.settings.session_max_age_seconds,
        same_site="lax",
        https_only=platform.settings.environment == "production",
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/api/docs-assets", StaticFiles(directory=SWAGGER_DIR), name="api-docs-assets")
    _include_routers(app)

    @app.get("/api/docs", include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return HTMLResponse(API_DOCS_PAGE)

    add_error_handlers(app)
    _add_openapi(app)
    return app
