"""Request dependencies: the platform, a session, the current official, CSRF.

``SessionDep`` opens a read unit of work; write handlers use
``platform.write()`` through the service calls they make. Staff pages use a
signed session cookie (with a CSRF token for every form); the JSON API uses
a bearer token from ``/api/v1/auth/token``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from massline.models import User
from massline.platform import Platform
from massline.services.errors import NotFound
from massline.services.people import user_for_token


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
            status_code=401, detail="请先登录 (authentication required)", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


ApiOfficial = Annotated[User, Depends(api_official)]


# ---- page sessions ----------------------------------------------------------


class LoginRequired(Exception):
    """Raised by page dependencies; the app redirects to the login page."""


def login_session(request: Request, user: User) -> None:
    """Start a staff session in the signed cookie (a fresh CSRF token too)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["tv"] = user.token_version
    request.session["csrf"] = secrets.token_urlsafe(24)


def page_user(request: Request, session: Session) -> User | None:
    """The logged-in staff user of this browser session, if any."""
    uid, tv = request.session.get("uid"), request.session.get("tv")
    if uid is None or tv is None:
        return None
    try:
        return user_for_token(session, int(uid), int(tv))
    except (NotFound, ValueError, TypeError):
        request.session.pop("uid", None)
        return None


def page_official(request: Request, session: SessionDep) -> User:
    """The logged-in staff user, or a redirect to the login page."""
    user = page_user(request, session)
    if user is None:
        raise LoginRequired()
    return user


CurrentOfficial = Annotated[User, Depends(page_official)]


def csrf_token(request: Request) -> str:
    """This browser session's CSRF token (created on first use)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def citizen_token(request: Request) -> str:
    """A random id for this browser, so a citizen supports a message once."""
    token = request.session.get("cid")
    if not token:
        token = secrets.token_urlsafe(16)
        request.session["cid"] = token
    return str(token)


async def verify_csrf(request: Request) -> None:
    """Reject a form POST whose csrf_token does not match the session's."""
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, str(expected)):
        raise HTTPException(status_code=403, detail="页面已过期，请刷新后重试 (CSRF check failed)")


CsrfChecked = Depends(verify_csrf)
