"""The admins' view of the notification outbox (``/staff/notifications``): counts by status, the
notifications given up (channel, tries, last error; never their text or recipient), and a button
that queues them again once the SMTP server or SMS gateway is fixed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from massline.models import CHANNEL_LABELS
from massline.services import audit, notify
from massline.services.events import EVENT_LABELS
from massline.web.deps import CsrfChecked, CurrentAdmin, PlatformDep, SessionDep
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.get("/notifications", response_class=HTMLResponse)
def outbox(request: Request, admin: CurrentAdmin, session: SessionDep) -> Response:
    """The outbox: pending, sent and given-up notifications (admins only)."""
    summary = notify.outbox_summary(session)
    return render(request, "staff/notifications.html", {
        "user": admin, "nav": "notifications", "summary": summary, "channels": CHANNEL_LABELS,
        "purposes": {**EVENT_LABELS, "secret_reset": "新查询密码", "login_code": "登录验证码"},
    })  # fmt: skip


@router.post("/notifications/retry", dependencies=[CsrfChecked])
def retry(request: Request, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Queue every given-up notification again (admins only)."""
    with platform.write() as session:
        n = notify.retry_failed(session, platform.now())
        audit.record(session, admin, "notifications_retried", "notification", None, count=n)
    flash(request, f"已重新排队 {n} 条通知。")
    return RedirectResponse("/staff/notifications", status_code=303)
