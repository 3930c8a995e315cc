"""Server-side browser sessions: a staff login or a citizen following their case.

The browser's (signed) cookie holds only a random token; the row it names,
found by the token's SHA-256, says whose session it is and whether it still
holds. A session ends when it is revoked (logout, 退出查询, a password reset
revokes all of the user's), when unused for the idle time, or at its absolute
expiry — so a cookie copied before any of these stops working with it. Who may
read what through a session is answered by ``access`` (``access_user_by_session``,
``access_message_by_session``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from massline.models import Message, User, WebSession

#: last_seen_at is written at most this often per session (a page view is otherwise a pure read)
TOUCH_EVERY = timedelta(seconds=60)


def token_digest(token: str) -> str:
    """Stored form of a session token (random, high-entropy: a plain SHA-256 suffices)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session: Session, now: datetime, max_age: timedelta, *, user: User | None = None, message: Message | None = None,
    contact_lookup: str | None = None,
) -> str:
    """Open a session for ``user`` (staff), ``message`` (the citizen who owns it) or ``contact_lookup`` (a
    citizen's account, 我的留言: the blind index of their contact); returns the cookie's token.

    Sessions past their absolute expiry are deleted on the way.
    """
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_digest(token),
            user_id=user.id if user else None,
            token_version=user.token_version if user else None,
            message_id=message.id if message else None,
            contact_lookup=contact_lookup,
            created_at=now,
            last_seen_at=now,
            expires_at=now + max_age,
        )
    )
    return token


def live_session(session: Session, token: str, now: datetime, idle: timedelta) -> WebSession | None:
    """The session ``token`` names, if it is not revoked, not expired and not idle too long."""
    if not token:
        return None
    row = session.scalar(select(WebSession).where(WebSession.token_hash == token_digest(token)))
    if row is None:
        return None
    if row.revoked_at is not None:
        return None
    if row.expires_at <= now:
        return None
    if row.last_seen_at + idle <= now:
        return None
    return row


def needs_touch(row: WebSession, now: datetime) -> bool:
    """True when the session's last use should be written now (see :data:`TOUCH_EVERY`)."""
    return row.last_seen_at + TOUCH_EVERY <= now


def touch_session(session: Session, token: str, now: datetime) -> None:
    """Record that the session was used at ``now`` (keeps it from going idle)."""
    session.execute(
        update(WebSession).where(WebSession.token_hash == token_digest(token)).values(last_seen_at=now)
    )


def revoke_session(session: Session, token: str, now: datetime) -> None:
    """End the session ``token`` names (logout, 退出查询)."""
    if token:
        session.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_digest(token), WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def revoke_user_sessions(session: Session, user_id: int, now: datetime) -> int:
    """End every session of ``user_id`` (password reset); returns how many were live."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None), WebSession.expires_at > now)
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def revoke_other_sessions(session: Session, user: User, keep_token: str, now: datetime) -> int:
    """End every session of ``user`` but the one ``keep_token`` names, which is moved to the user's
    current token version (a password change: this browser stays logged in); returns how many ended."""
    keep = token_digest(keep_token)
    result = session.execute(
        update(WebSession)
        .where(
            WebSession.user_id == user.id,
            WebSession.token_hash != keep,
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
        )
        .values(revoked_at=now)
    )
    session.execute(
        update(WebSession)
        .where(WebSession.token_hash == keep, WebSession.user_id == user.id)
        .values(token_version=user.token_version)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
