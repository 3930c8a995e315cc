"""Error answers: JSON for the API, a Chinese error page for browsers.

Every error the app answers goes through :func:`error_answer`: service errors
(``services.errors``), invalid requests (in Chinese, field by field, see
``validation``), HTTP errors (an unknown page, a method a route does not take,
a failed CSRF check) and any unhandled exception (500: logged here, answered
without any detail, see :class:`CatchUnhandled`). Under ``/api/`` the answer is
JSON ``{"detail": ..., "errors": {...}}``, and so it is for a client that asks
for JSON only; a browser (``Accept: text/html``, ``*/*`` or none) gets
``error.html`` in the site's layout. The status code is the same either way.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from massline.services.errors import (
    AuthFailed,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    ServiceError,
    ValidationFailed,
)
from massline.web.deps import LoginRequired
from massline.web.templating import render
from massline.web.validation import field_errors, summary

logger = logging.getLogger(__name__)

STATUS = {
    NotFound: 404, Forbidden: 403, Conflict: 409, ValidationFailed: 422, RateLimited: 429, AuthFailed: 401,
}  # fmt: skip
TITLES = {
    400: "请求有误", 401: "需要登录", 403: "无权操作", 404: "页面不存在", 405: "请求方式不正确",
    409: "操作与当前状态不符", 413: "内容过大", 422: "填写有误", 429: "操作过于频繁", 500: "服务器出错了",
}  # fmt: skip
#: what an error says when its own words are the framework's English ("Not Found") or none
MESSAGES = {
    400: "请求无法处理，请检查后重试", 401: "请先登录", 403: "您无权执行此操作", 404: "您访问的页面不存在",
    405: "不支持该请求方式", 413: "提交的内容过大", 422: "请求格式不正确", 429: "操作过于频繁，请稍后再试",
    500: "服务器处理请求时出错，已记录此问题，请稍后再试",
}  # fmt: skip
API_MESSAGES = {404: "请求的地址不存在"}


def wants_json(request: Request) -> bool:
    """Whether an error is answered in JSON: under ``/api/``, or for a client that asks for JSON and not HTML."""
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def error_page(request: Request, message: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
    """The Chinese error page (``error.html`` in the site's layout) with ``status``."""
    title = TITLES.get(status, "出错了")
    try:
        return render(request, "error.html", {"title": title, "message": message, "status": status},
                      status_code=status, headers=headers)  # fmt: skip
    except Exception:  # the error page itself must never fail
        logger.exception("the error page could not be rendered")
        body = (f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>{title}</title>"
                f"<h1>{title}</h1><p>{html.escape(message)}</p><p><a href=/>返回首页</a></p>")  # fmt: skip
        return HTMLResponse(body, status_code=status, headers=headers)


def error_answer(
    request: Request, status: int, message: str = "", *, errors: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:  # fmt: skip
    """The answer to an error: JSON ``{"detail", "errors"?}`` or the error page. A message in the
    framework's English (or none) is replaced by the status's Chinese one."""
    api = wants_json(request)
    if message.isascii():
        message = (API_MESSAGES.get(status) if api else None) or MESSAGES.get(status, "请求未能完成，请稍后再试")
    if api:
        body: dict[str, object] = {"detail": message}
        if errors is not None:
            body["errors"] = dict(errors)
        return JSONResponse(body, status_code=status, headers=headers)
    return error_page(request, message, status, headers)


class CatchUnhandled:
    """Answers an unhandled exception with a 500 (the error page or JSON, no details) and logs it
    with its traceback. Added inside the session middleware, so the page has the visitor's session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_watched)
        except Exception:
            request = Request(scope)
            logger.exception("unhandled error answering %s %s", request.method, request.url.path)
            if started:  # too late for an answer of our own
                raise
            await error_answer(request, 500)(scope, receive, send)


def _body_model(request: Request) -> type[BaseModel] | None:
    """The body schema of the route that answered ``request`` (for the fields' Chinese titles)."""
    route = request.scope.get("route")
    body = getattr(getattr(route, "dependant", None), "body_params", None) or []
    model = body[0].field_info.annotation if len(body) == 1 else None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def add_error_handlers(app: FastAPI) -> None:
    """Service errors, invalid requests and HTTP errors through :func:`error_answer`; a page that needs
    a login redirects to it."""

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        errors = exc.errors if isinstance(exc, ValidationFailed) else None
        return error_answer(request, status, exc.message, errors=errors, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        model = _body_model(request)
        errors = field_errors(exc.errors(), model, skip=1)
        return error_answer(request, 422, "请求格式不正确：" + summary(errors, model), errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if not isinstance(exc.detail, str) and wants_json(request):  # a structured detail of our own
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return error_answer(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        # after login the browser GETs ``next``: send it back to the page, not to a form's POST URL
        path = request.url.path if request.method == "GET" else "/staff"
        target = quote(path + (f"?{request.url.query}" if request.url.query and request.method == "GET" else ""))
        return RedirectResponse(f"/staff/login?next={target}", status_code=303)
