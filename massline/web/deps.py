"""Request dependencies: the platform, a session, the current official, CSRF.

``SessionDep`` opens a read unit of work; write handlers use
``platform.write()`` through the service calls they make. Staff pages and a
citizen's followed case use a signed cookie that names a server-side session
(``services.sessions``: revoked at logout, 退出查询 and password reset, idle
and absolute expiry), with a CSRF token for every form; the JSON API uses
a bearer token from ``/api/v1/auth/token``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from massline.models import Message, User
from massline.platform import Platform
from massline.services import notify, research, sessions
from massline.services.access import access_message_by_session, access_user_by_session, require
from massline.services.casework import is_supporter_token, issue_supporter_token
from massline.services.errors import NotFound
from massline.services.people import can_administer_accounts, user_for_token
from massline.services.policy import research_policy


def platform_of(request: Request) -> Platform:
    """The platform the app was built with."""
    platform: Platform = request.app.state.platform
    return platform


async def get_platform(request: Request) -> Platform:
    """The platform the app was built with, as a dependency (async: no thread-pool hop)."""
    return platform_of(request)


PlatformDep = Annotated[Platform, Depends(get_platform)]


def get_read_session(platform: PlatformDep) -> Iterator[Session]:
    """A read-only unit of work for the request."""
    with platform.read() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_read_session)]


def client_key(request: Request, platform: Platform) -> str:
    """The client address used for rate limits."""
    if platform.settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


# ---- API tokens -------------------------------------------------------------


def _serializer(platform: Platform) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(platform.secret_key, salt="massline-api-token")


def issue_api_token(platform: Platform, user: User) -> str:
    """A signed bearer token naming the user and their token version."""
    return _serializer(platform).dumps({"uid": user.id, "tv": user.token_version})


def _user_from_bearer(request: Request, platform: Platform, session: Session) -> User | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        data = _serializer(platform).loads(header[7:].strip(), max_age=platform.settings.api_token_max_age_seconds)
        return user_for_token(session, int(data["uid"]), int(data["tv"]))
    except (BadSignature, SignatureExpired, KeyError, TypeError, ValueError, NotFound):
        return None


def api_official(request: Request, platform: PlatformDep, session: SessionDep) -> User:
    """The official named by the bearer token, or 401."""
    user = _user_from_bearer(request, platform, session)
    if user is None:
        raise HTTPException(
            status_code=401, detail="请先登录", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


ApiOfficial = Annotated[User, Depends(api_official)]


# ---- page sessions ----------------------------------------------------------


class LoginRequired(Exception):
    """Raised by page dependencies; the app redirects to the login page."""


STAFF_KEY = "sid"
TRACK_KEY = "track"
ACCOUNT_KEY = "me"


def _idle(platform: Platform) -> timedelta:
    return timedelta(seconds=platform.settings.session_idle_seconds)


def _max_age(platform: Platform) -> timedelta:
    return timedelta(seconds=platform.settings.session_max_age_seconds)


def _cookie_token(request: Request, key: str) -> str:
    token = request.session.get(key)
    return token if isinstance(token, str) else ""


def _keep_alive(platform: Platform, session: Session, token: str, now: datetime, *, write: bool) -> None:
    """Write the session's last use (at most once a minute), in ``session`` when it is a write transaction."""
    row = sessions.live_session(session, token, now, _idle(platform))
    if row is None or not sessions.needs_touch(row, now):
        return
    if write:
        sessions.touch_session(session, token, now)
        return
    with platform.write() as w:
        sessions.touch_session(w, token, now)


def login_session(request: Request, platform: Platform, session: Session, user: User) -> None:
    """Start a staff session: a new server-side session (its token in the cookie), a fresh CSRF token.

    ``session`` is the login's write transaction; the browser's earlier sessions end.
    """
    now = platform.now()
    for key in (STAFF_KEY, TRACK_KEY):
        sessions.revoke_session(session, _cookie_token(request, key), now)
    request.session.clear()
    request.session[STAFF_KEY] = sessions.start_session(session, now, _max_age(platform), user=user)
    request.session["csrf"] = secrets.token_urlsafe(24)


def logout_session(request: Request, platform: Platform) -> None:
    """End this browser's sessions (staff and a followed case) on the server and forget the cookie's content."""
    with platform.write() as session:
        for key in (STAFF_KEY, TRACK_KEY, ACCOUNT_KEY):
            sessions.revoke_session(session, _cookie_token(request, key), platform.now())
    request.session.clear()


def page_user(request: Request, session: Session) -> User | None:
    """The logged-in staff user of this browser session, if any (``session`` is a read transaction)."""
    platform = platform_of(request)
    token, now = _cookie_token(request, STAFF_KEY), platform.now()
    if not token:
        return None
    try:
        user = access_user_by_session(session, token, now, _idle(platform))
    except NotFound:
        request.session.pop(STAFF_KEY, None)
        return None
    _keep_alive(platform, session, token, now, write=False)
    return user


def follow_case(request: Request, platform: Platform, message: Message) -> None:
    """Remember in this browser the citizen's own case (its secret was just checked): a server-side session."""
    with platform.write() as session:
        now = platform.now()
        sessions.revoke_session(session, _cookie_token(request, TRACK_KEY), now)
        request.session[TRACK_KEY] = sessions.start_session(session, now, _max_age(platform), message=message)


def followed_case(request: Request, platform: Platform, session: Session, *, write: bool = False) -> Message | None:
    """The case this browser follows, while its session lives (``write``: ``session`` may write)."""
    token, now = _cookie_token(request, TRACK_KEY), platform.now()
    if not token:
        return None
    try:
        message = access_message_by_session(session, token, now, _idle(platform))
    except NotFound:
        request.session.pop(TRACK_KEY, None)
        return None
    _keep_alive(platform, session, token, now, write=write)
    return message


def forget_case(request: Request, platform: Platform) -> None:
    """退出查询: end the followed case's session on the server and in the cookie."""
    with platform.write() as session:
        sessions.revoke_session(session, _cookie_token(request, TRACK_KEY), platform.now())
    request.session.pop(TRACK_KEY, None)


def open_account(request: Request, platform: Platform, session: Session, lookup: str) -> None:
    """Start the citizen's account session (我的留言) for the contact ``lookup`` in ``session`` (a write)."""
    now = platform.now()
    sessions.revoke_session(session, _cookie_token(request, ACCOUNT_KEY), now)
    request.session[ACCOUNT_KEY] = sessions.start_session(session, now, _max_age(platform), contact_lookup=lookup)


def account_contact(request: Request, platform: Platform, session: Session) -> str | None:
    """The contact (blind index) of this browser's live account session, if any."""
    token, now = _cookie_token(request, ACCOUNT_KEY), platform.now()
    if not token:
        return None
    try:
        lookup = notify.contact_of_session(session, token, now, _idle(platform))
    except NotFound:
        request.session.pop(ACCOUNT_KEY, None)
        return None
    _keep_alive(platform, session, token, now, write=False)
    return lookup


def close_account(request: Request, platform: Platform) -> None:
    """退出我的留言: end the account session on the server and in the cookie."""
    with platform.write() as session:
        sessions.revoke_session(session, _cookie_token(request, ACCOUNT_KEY), platform.now())
    request.session.pop(ACCOUNT_KEY, None)


def _note_research(request: Request, session: Session, user: User) -> None:
    """Note the official's workbench page or action as research activity (``services.research``): a
    write at most once a minute per official (replies and a case's first opening always), none for pages
    that do not count."""
    kind = research.activity_kind(request.method, request.url.path)
    if kind is None:
        return
    platform = platform_of(request)
    now = platform.now()
    case_id = research.case_id_of(request.url.path)
    new_case = case_id is not None and research.case_unseen(session, user, case_id)
    if not new_case and kind != "replying" and not research.needs_note(session, user.id, now):
        return
    policy = research_policy(session)
    if not policy.record_activity:
        return
    with platform.write() as w:
        research.do_note_activity(w, user.id, kind, now, policy, case_id=case_id if new_case else None)


def page_official(request: Request, session: SessionDep) -> User:
    """The logged-in staff user, or a redirect to the login page; their page view is noted as research
    activity when it counts."""
    user = page_user(request, session)
    if user is None:
        raise LoginRequired()
    _note_research(request, session, user)
    return user


CurrentOfficial = Annotated[User, Depends(page_official)]


def page_admin(user: CurrentOfficial) -> User:
    """The logged-in staff user if they administer accounts; otherwise Forbidden (the 403 page)."""
    require(can_administer_accounts(user))
    return user


CurrentAdmin = Annotated[User, Depends(page_admin)]


def staff_session_token(request: Request) -> str:
    """The token of this browser's staff session (kept when its user changes their password)."""
    return _cookie_token(request, STAFF_KEY)


def csrf_token(request: Request) -> str:
    """This browser session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def citizen_token(request: Request, platform: Platform) -> str:
    """This browser's supporter token (a random id the server signed), so a citizen supports a message once."""
    token = request.session.get("cid")
    if not isinstance(token, str) or not is_supporter_token(token, platform.secret_key):
        token = issue_supporter_token(platform.secret_key)
        request.session["cid"] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Reject a form POST whose csrf_token does not match the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, str(expected)):
        raise HTTPException(status_code=403, detail="页面已过期，请刷新后重试")


CsrfChecked = Depends(verify_csrf)


def see_other(url: str) -> RedirectResponse:
    """A 303 redirect to ``url`` (after a form's POST: the browser GETs the page)."""
    return RedirectResponse(url, status_code=303)


def actor_in(session: Session, user: User) -> User:
    """``user`` (from the request's session) as a row of ``session``, to act with."""
    actor = session.get(User, user.id)
    assert actor is not None
    return actor
