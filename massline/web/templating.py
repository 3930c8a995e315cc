"""Jinja2 for the server-rendered pages: the environment, filters and ``render``.

Every page goes through :func:`render`, which adds what the layout needs
(site name, CSRF token, flash messages) and the local time zone used by the
``localtime`` filter. Templates never see ORM objects of citizens' messages:
public pages get ``services.publish`` views.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from massline.models import REVIEW_LABELS
from massline.platform import Platform
from massline.services.access import can_list_extensions, can_moderate, can_see_cadence, can_see_dispatch_queue
from massline.services.casework import CASE_ACTIONS
from massline.services.deployment import site_setting
from massline.services.events import EVENT_LABELS
from massline.services.people import can_administer_accounts
from massline.web.deps import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
CHINA_TIME = timezone(timedelta(hours=8), "CST")  # fallback when the tz database is missing (no DST in China)

STATUS_CLASSES = {
    "received": "st-received",
    "assigned": "st-assigned",
    "accepted": "st-accepted",
    "replied": "st-replied",
    "closed": "st-closed",
    "rejected": "st-rejected",
    "reopened": "st-reopened",
}
DUE_LABELS = {"overdue": "已超期", "soon": "即将到期"}
SCORE_LABELS = {1: "很不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}
ACTION_LABELS = {name: a.label for name, a in CASE_ACTIONS.items()}


def zone(name: str) -> tzinfo:
    """The named time zone, or China Standard Time when it is unknown here."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return CHINA_TIME


@pass_context
def localtime(ctx: Context, value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC datetime shown in the deployment's time zone (``YYYY-MM-DD HH:MM``)."""
    if value is None:
        return ""
    tz = ctx.get("tz") or CHINA_TIME
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz).strftime(fmt)



def status_class(status: str) -> str:
    """CSS class of a status badge."""
    return STATUS_CLASSES.get(status, "st-received")


def query_url(path: str, params: Mapping[str, Any], **changes: Any) -> str:
    """``path`` with the non-empty ``params`` (updated by ``changes``) as a query string."""
    merged = {**params, **changes}
    pairs = [(k, v) for k, v in merged.items() if v not in ("", None, False) and not (k == "page" and v == 1)]
    return path + ("?" + urlencode(pairs) if pairs else "")


templates.env.filters["localtime"] = localtime
templates.env.filters["status_class"] = status_class
templates.env.globals["query_url"] = query_url
templates.env.globals["DUE_LABELS"] = DUE_LABELS
templates.env.globals["SCORE_LABELS"] = SCORE_LABELS
templates.env.globals["ACTION_LABELS"] = ACTION_LABELS
templates.env.globals["can_see_dispatch_queue"] = can_see_dispatch_queue
templates.env.globals["can_see_centre_requests"] = lambda user: can_list_extensions(user, by_centre=True)
templates.env.globals["can_moderate"] = can_moderate
templates.env.globals["REVIEW_LABELS"] = REVIEW_LABELS
templates.env.globals["can_administer_accounts"] = can_administer_accounts
templates.env.globals["can_see_cadence"] = can_see_cadence
templates.env.globals["EVENT_LABELS"] = EVENT_LABELS


def flash(request: Request, text: str, kind: str = "success") -> None:
    """Show ``text`` on the next page this browser renders (kind: success, error, info)."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], [kind, text]]


def _site(platform: Platform) -> tuple[str, tzinfo]:
    try:
        with platform.read() as session:
            name = site_setting(session, "site_name", platform.settings.site_name)
            tz_name = site_setting(session, "timezone", platform.settings.timezone)
    except Exception:  # an error page must render even when the database is down
        name, tz_name = platform.settings.site_name, platform.settings.timezone
    return name, zone(tz_name)


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    no_store: bool = False,
) -> HTMLResponse:
    """Render template ``name`` with the layout's context; ``no_store`` for one-time secrets."""
    platform: Platform = request.app.state.platform
    site_name, tz = _site(platform)
    ctx: dict[str, Any] = {
        "request": request,
        "site_name": site_name,
        "tz": tz,
        "csrf_token": csrf_token(request),
        "flashes": request.session.pop("flash", []),
        "errors": {},
        "values": {},
    }
    ctx.update(context or {})
    out_headers = dict(headers or {})
    if no_store:
        out_headers["Cache-Control"] = "no-store"
    response: HTMLResponse = templates.TemplateResponse(
        request, name, ctx, status_code=status_code, headers=out_headers or None
    )
    return response
