"""The supervision handlers' desk under ``/staff/supervision``: unlock the key, list, open with a reason, act.

The handler's private key is unlocked with their password for this session: the
server keeps it wrapped under a per-session key that only this browser's session
cookie holds (``supk``). Opening a report (and revealing the reporter's identity)
asks for a reason, which the audit trail records.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from massline.models import User
from massline.platform import Platform
from massline.services import notify, sessions, supervision
from massline.services.errors import Forbidden, NotFound, ValidationFailed
from massline.services.policy import supervision_policy
from massline.web.attachments import FILE_CSP
from massline.web.deps import CsrfChecked, CurrentOfficial, PlatformDep, SessionDep, staff_session_token
from massline.web.ids import Key, PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff/supervision", include_in_schema=False)
SESSION_KEY = "supk"


def file_answer(content: bytes, media_type: str, name: str) -> Response:
    """A decrypted file as a download, with the attachments' safe headers (never cached)."""
    response = Response(content, media_type=media_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _session_key(request: Request) -> bytes:
    try:
        return base64.urlsafe_b64decode(str(request.session.get(SESSION_KEY, "")))
    except (binascii.Error, ValueError):
        return b""


def _private(request: Request, session: Session, platform: Platform, user: User) -> bytes:
    digest = sessions.token_digest(staff_session_token(request))
    return supervision.session_private_key(session, user, digest, _session_key(request), platform.now())


def _sms(platform: Platform) -> supervision.SmsOut:
    """The platform's SMS gateway for the notices to a reporter's phone (handed the number in memory only)."""
    return supervision.SmsOut(notify.build_channels(platform.settings).sms, platform.links.site,
                              platform.links.base_url)


def _handler(session: Session, user: User) -> None:
    if not supervision.is_handler(session, user):
        raise Forbidden("只有纪检监察机关的工作人员可以处理举报")


def _unlock_page(request: Request, user: User, errors: dict[str, str], status: int = 200) -> Response:
    return render(request, "supervision/unlock.html", {"user": user, "nav": "supervision", "errors": errors},
                  status_code=status, no_store=True)


@router.get("", response_class=HTMLResponse)
def desk(request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep) -> Response:
    """The reports sealed to this handler (nothing decrypted), and whether their key is unlocked."""
    _handler(session, user)
    try:
        _private(request, session, platform, user)
        unlocked = True
    except Forbidden:
        unlocked = False
    rows = supervision.reports_for(session, user)
    return render(request, "supervision/desk.html", {"user": user, "nav": "supervision", "rows": rows,
                                                     "unlocked": unlocked}, no_store=True)


@router.get("/unlock", response_class=HTMLResponse)
def unlock_form(request: Request, user: CurrentOfficial, session: SessionDep) -> Response:
    """The form to unlock one's report key with the password (creating it on first use)."""
    _handler(session, user)
    return _unlock_page(request, user, {})


@router.post("/unlock", dependencies=[CsrfChecked])
def unlock(
    request: Request, user: CurrentOfficial, platform: PlatformDep, password: Annotated[Key, Form()] = ""
) -> Response:
    """Unlock the key for this session; the per-session key goes to this browser's session cookie only."""
    digest = sessions.token_digest(staff_session_token(request))
    try:
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            minutes = supervision_policy(session).unlock_minutes
            key = supervision.check_unlock(session, actor, password, digest, platform.now(), minutes)
    except ValidationFailed as exc:
        return _unlock_page(request, user, exc.errors, 422)
    request.session[SESSION_KEY] = base64.urlsafe_b64encode(key).decode("ascii")
    flash(request, "举报密钥已解锁。")
    return RedirectResponse("/staff/supervision", status_code=303)


@router.get("/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, report_id: PathId, user: CurrentOfficial, session: SessionDep, platform: PlatformDep
) -> Response:
    """Ask for the reason of reading report ``report_id`` (nothing is decrypted before it is given)."""
    _handler(session, user)
    row = next((r for r in supervision.reports_for(session, user) if r.id == report_id), None)
    if row is None:
        raise NotFound()
    return render(request, "supervision/open.html", {"user": user, "nav": "supervision", "row": row}, no_store=True)


def _opened(request: Request, platform: Platform, user: User, report_id: int, reason: str, reveal: bool,
            errors: dict[str, str] | None = None, status: int = 200) -> Response:
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        view = supervision.check_open_report(session, actor, report_id, _private(request, session, platform, actor),
                                             reason, reveal=reveal, now=platform.now())
        return render(request, "supervision/report.html", {
            "user": user, "nav": "supervision", "view": view, "reason": reason, "reveal": reveal,
            "action_labels": supervision.ACTION_LABELS, "errors": errors or {},
        }, status_code=status, no_store=True)


@router.post("/{report_id}/open", dependencies=[CsrfChecked], response_class=HTMLResponse)
def open_report(
    request: Request, report_id: PathId, user: CurrentOfficial, platform: PlatformDep,
    reason: Annotated[str, Form(max_length=200)] = "", reveal: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """Decrypt and show the report (the read, and the identity's reveal if asked, audited with ``reason``)."""
    try:
        return _opened(request, platform, user, report_id, reason, reveal == "1")
    except Forbidden as exc:
        if exc.message != supervision.LOCKED:
            raise
        return RedirectResponse("/staff/supervision/unlock", status_code=303)


@router.post("/{report_id}/files/{file_id}", dependencies=[CsrfChecked])
def open_file(
    request: Request, report_id: PathId, file_id: PathId, user: CurrentOfficial, platform: PlatformDep,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Download a file of the report (decrypted for this handler; audited with ``reason``)."""
    try:
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            shown = supervision.check_open_file(session, actor, report_id, file_id,
                                                _private(request, session, platform, actor), reason)
    except Forbidden as exc:
        if exc.message != supervision.LOCKED:
            raise
        return RedirectResponse("/staff/supervision/unlock", status_code=303)
    return file_answer(shown.content, shown.media_type, shown.name)


@router.post("/{report_id}/act", dependencies=[CsrfChecked], response_class=HTMLResponse)
def act(
    request: Request, report_id: PathId, user: CurrentOfficial, platform: PlatformDep,
    action: Annotated[str, Form(max_length=20)] = "", text: Annotated[str, Form(max_length=2000)] = "",
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Accept, conclude, answer the reporter or step aside; then show the report again (a new audited read)."""
    try:
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            supervision.check_act(session, actor, report_id, _private(request, session, platform, actor), action,
                                  text, platform.now(), _sms(platform))
    except ValidationFailed as exc:
        return _opened(request, platform, user, report_id, reason, False, exc.errors, 422)
    except Forbidden as exc:
        if exc.message != supervision.LOCKED:
            raise
        return RedirectResponse("/staff/supervision/unlock", status_code=303)
    if action == "step_aside":
        flash(request, "您已回避此举报，举报已重新加密，只有其他承办人能够查看。")
        return RedirectResponse("/staff/supervision", status_code=303)
    flash(request, f"已{supervision.ACTION_LABELS.get(action, '办理')}。")
    return _opened(request, platform, user, report_id, reason or "办理后查看", False)
