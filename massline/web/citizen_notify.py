"""Citizens in control of what they are told, and their ways back in (``services.notify``):

- ``/notify/off/<token>``: the unsubscribe link of every notification (a confirmation, then a POST);
- ``/track/recover``: 忘记查询密码 — a new secret sent to the contact given with the message;
- ``/me``: 我的留言 — a one-time code sent to an e-mail address or mobile number opens a browser
  session listing every message left with that contact; each opens as the followed case.

The answers never say whether a tracking code or contact exists. Codes and recoveries are
limited per address and per contact or tracking code (``platform.contact_code_limiter``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from massline.platform import Platform
from massline.services import notify
from massline.services.access import tracking_code_key
from massline.services.errors import RateLimited, ValidationFailed
from massline.services.intake import new_secret
from massline.web.deps import (
    CsrfChecked,
    PlatformDep,
    SessionDep,
    account_contact,
    client_key,
    close_account,
    follow_case,
    open_account,
    see_other,
)
from massline.web.ids import Key, PathId
from massline.web.templating import flash, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=300)]



def limit_contact_code(request: Request, platform: Platform, what: str) -> None:
    """Count one code or recovery request of this address and of ``what`` (a contact or tracking code)."""
    platform.rate_limit(platform.contact_code_limiter, "address:" + client_key(request, platform))
    platform.rate_limit(platform.contact_code_limiter, "target:" + what)


# ---- unsubscribe -------------------------------------------------------------

@router.get("/notify/off/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: Key, platform: PlatformDep) -> Response:
    """The unsubscribe link: asks to confirm (a link opened by a mail scanner changes nothing)."""
    notify.message_of_token(platform.cipher, token)
    return render(request, "portal/unsubscribe.html", {"token": token, "done": False})


@router.post("/notify/off/{token}", dependencies=[CsrfChecked], response_class=HTMLResponse)
def unsubscribe(request: Request, token: Key, platform: PlatformDep) -> Response:
    """Stop every notification of the message the token names."""
    message_id = notify.message_of_token(platform.cipher, token)
    with platform.write() as session:
        notify.do_unsubscribe(session, message_id)
    return render(request, "portal/unsubscribe.html", {"token": token, "done": True})


# ---- 忘记查询密码 --------------------------------------------------------------

@router.get("/track/recover", response_class=HTMLResponse)
def recover_form(request: Request) -> Response:
    """Ask for the tracking code whose secret is forgotten."""
    return render(request, "portal/recover.html", {"nav": "track", "values": {}, "errors": {}})


@router.post("/track/recover", dependencies=[CsrfChecked], response_class=HTMLResponse)
def recover(request: Request, platform: PlatformDep, tracking_code: Annotated[Key, Form()] = "") -> Response:
    """Send a new secret to the message's contact; the same answer whether or not it exists."""
    values = {"tracking_code": tracking_code}
    if not tracking_code_key(tracking_code):
        return render(request, "portal/recover.html", {"nav": "track", "values": values,
                      "errors": {"tracking_code": "请填写查询码"}}, status_code=422)  # fmt: skip
    try:
        limit_contact_code(request, platform, "code:" + tracking_code_key(tracking_code))
    except RateLimited as exc:
        return render(request, "portal/recover.html", {"nav": "track", "values": values,
                      "errors": {"form": exc.message}}, status_code=429)  # fmt: skip
    with platform.write() as session:
        notify.check_recover_secret(session, platform.cipher, platform.links, tracking_code, platform.now(),
                                    new_secret())  # fmt: skip
    flash(request, notify.RECOVERY_SENT, "info")
    return see_other("/track")


# ---- 我的留言 ------------------------------------------------------------------

def _login_page(request: Request, values: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    return render(request, "portal/me_login.html", {"nav": "me", "values": values, "errors": errors},
                  status_code=status, no_store=True)  # fmt: skip


@router.get("/me", response_class=HTMLResponse)
def my_messages(request: Request, platform: PlatformDep, session: SessionDep) -> Response:
    """Every message left with the contact this browser proved; the login form otherwise."""
    lookup = account_contact(request, platform, session)
    if lookup is None:
        return _login_page(request, {}, {})
    items = [{"id": m.id, "tracking_code": m.tracking_code, "title": m.title, "created_at": m.created_at,
              "status": m.status, "status_label": m.status_label, "office": m.office.name if m.office else None}
             for m in notify.messages_of_contact(session, lookup)]  # fmt: skip
    return render(request, "portal/me.html", {"nav": "me", "items": items}, no_store=True)


@router.post("/me/code", dependencies=[CsrfChecked], response_class=HTMLResponse)
def send_code(request: Request, platform: PlatformDep, contact: Text = "") -> Response:
    """Send a one-time code to ``contact`` when a message was left with it (the answer is the same either way)."""
    values = {"contact": contact, "sent": "1"}
    try:
        _, _, lookup = notify.contact_key(platform.cipher, contact)
        limit_contact_code(request, platform, "contact:" + lookup)
        with platform.write() as session:
            notify.check_request_code(session, platform.cipher, platform.links, contact, platform.now(),
                                      platform.code_policy)  # fmt: skip
    except ValidationFailed as exc:
        return _login_page(request, {"contact": contact}, exc.errors, 422)
    except RateLimited as exc:
        return _login_page(request, {"contact": contact}, {"form": exc.message}, 429)
    flash(request, notify.CODE_SENT, "info")
    return _login_page(request, values, {})


@router.post("/me/login", dependencies=[CsrfChecked], response_class=HTMLResponse)
def login(request: Request, platform: PlatformDep, contact: Text = "", code: Annotated[Key, Form()] = "") -> Response:
    """Check the one-time code; open the account session (我的留言) when it is right."""
    values = {"contact": contact, "sent": "1"}
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        with platform.write() as session:
            lookup = notify.check_login_code(session, platform.cipher, contact, code, platform.now(),
                                             platform.code_policy)  # fmt: skip
            if lookup is not None:
                open_account(request, platform, session, lookup)
    except ValidationFailed as exc:
        return _login_page(request, values, exc.errors, 422)
    except RateLimited as exc:
        return _login_page(request, values, {"form": exc.message}, 429)
    if lookup is None:
        return _login_page(request, values, {"code": notify.WRONG_CODE}, 422)
    return see_other("/me")


@router.post("/me/open/{message_id}", dependencies=[CsrfChecked])
def open_message(request: Request, message_id: PathId, platform: PlatformDep, session: SessionDep) -> Response:
    """Open one of the account's messages as the followed case (rate, reopen)."""
    lookup = account_contact(request, platform, session)
    if lookup is None:
        flash(request, "请先登录“我的留言”", "info")
        return see_other("/me")
    message = notify.access_message_of_contact(session, lookup, message_id)
    follow_case(request, platform, message)
    return see_other("/track/case")


@router.post("/me/logout", dependencies=[CsrfChecked])
def logout(request: Request, platform: PlatformDep) -> Response:
    """退出我的留言 (e.g. on a shared computer)."""
    close_account(request, platform)
    flash(request, "已退出“我的留言”。", "info")
    return see_other("/me")

