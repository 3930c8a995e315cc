"""Handlers' key pairs: created and unlocked with the password, kept unwrapped only per session.

The private key is stored wrapped by argon2id(password). Unlocking it (the handler
types their password again) wraps it anew under a random per-session key: the
wrapped copy is stored with the staff session's digest, the per-session key goes
to the handler's session cookie only. So the database alone (an administrator, a
backup) never holds enough to open it, and it ends with the session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from massline.models import SupervisionKey, SupervisionRecipient, SupervisionUnlock, User
from massline.services import audit
from massline.services.errors import Forbidden, ValidationFailed
from massline.services.supervision import sealing
from massline.services.supervision.routing import is_handler

LOCKED = "请先输入密码解锁举报密钥"


def has_key(session: Session, user: User) -> bool:
    """True when ``user`` has a key pair."""
    return session.get(SupervisionKey, user.id) is not None


def _private_with_password(session: Session, user: User, password: str, now: datetime) -> bytes:
    key = session.get(SupervisionKey, user.id)
    if key is None:
        public, wrapped, salt = sealing.new_key_pair(password)
        session.add(SupervisionKey(user_id=user.id, public_key=public, wrapped_private=wrapped, salt=salt,
                                   created_at=now))
        audit.record(session, user, "supervision_key_created", "user", user.id)
        return sealing.unwrap_private(password, salt, wrapped)
    try:
        return sealing.unwrap_private(password, key.salt, key.wrapped_private)
    except sealing.SealError:
        raise ValidationFailed({"password": "密码不正确，无法解锁举报密钥"}) from None


def check_ensure_key(session: Session, user: User, password: str, now: datetime) -> None:
    """Create ``user``'s key pair with their password if they have none (the demo, an admin's setup);
    ValidationFailed when they have one that the password does not open."""
    _private_with_password(session, user, password, now)


def check_password_key(session: Session, user: User, password: str, now: datetime) -> bytes:
    """``user``'s private key opened with their password, for a caller that holds it only for one
    transaction (the demo loader, a script); created on first use like an unlock."""
    return _private_with_password(session, user, password, now)


def check_unlock(
    session: Session, user: User, password: str, session_hash: str, now: datetime, minutes: int
) -> bytes:
    """Unlock ``user``'s private key for the staff session ``session_hash`` (creating the key pair on first
    use); returns the per-session key the caller keeps in the session cookie."""
    if not is_handler(session, user):
        raise Forbidden("只有纪检监察机关的工作人员可以处理举报")
    if not password:
        raise ValidationFailed({"password": "请输入密码"})
    private = _private_with_password(session, user, password, now)
    session_key = sealing.new_key()
    session.execute(delete(SupervisionUnlock).where(SupervisionUnlock.expires_at < now))
    row = session.get(SupervisionUnlock, session_hash)
    if row is None:
        row = SupervisionUnlock(session_hash=session_hash, user_id=user.id)
        session.add(row)
    row.user_id = user.id
    row.wrapped_private = sealing.lock(session_key, private)
    row.expires_at = now + timedelta(minutes=minutes)
    return session_key


def session_private_key(session: Session, user: User, session_hash: str, session_key: bytes, now: datetime) -> bytes:
    """The private key ``user`` unlocked in this staff session; Forbidden (please unlock) otherwise."""
    row = session.get(SupervisionUnlock, session_hash)
    if row is None or row.user_id != user.id or row.expires_at <= now or not session_key:
        raise Forbidden(LOCKED)
    try:
        return sealing.unlock(session_key, row.wrapped_private)
    except sealing.SealError:
        raise Forbidden(LOCKED) from None


def do_rewrap_key(session: Session, user: User, old_password: str, new_password: str) -> bool:
    """Wrap ``user``'s private key under their new password (a password change); False if they have none
    or the old password does not open it."""
    key = session.get(SupervisionKey, user.id)
    if key is None:
        return False
    try:
        private = sealing.unwrap_private(old_password, key.salt, key.wrapped_private)
    except sealing.SealError:
        return False
    key.salt = sealing.new_salt()
    key.wrapped_private = sealing.lock(sealing.derive(new_password, key.salt), private)
    return True


def do_forget_key(session: Session, user: User) -> bool:
    """Drop ``user``'s key pair after an administrator reset their password (nobody can unwrap it any more):
    their next unlock creates a new pair; reports sealed to the old one stay readable by the other recipients,
    and are sealed to the new one when one of them opens the report (``sharing.share_key``)."""
    key = session.get(SupervisionKey, user.id)
    session.execute(delete(SupervisionUnlock).where(SupervisionUnlock.user_id == user.id))
    if key is None:
        return False
    session.execute(update(SupervisionRecipient).where(SupervisionRecipient.user_id == user.id)
                    .values(sealed_key=b""))  # sealed to the dropped key: the next recipient re-seals (sharing)
    session.delete(key)
    audit.record(session, None, "supervision_key_dropped", "user", user.id)
    return True


def public_keys(session: Session, user_ids: list[int]) -> dict[int, bytes]:
    """The public keys of those of ``user_ids`` who have one."""
    rows = session.execute(
        select(SupervisionKey.user_id, SupervisionKey.public_key).where(SupervisionKey.user_id.in_(user_ids))
    ).all()
    return {uid: bytes(pk) for uid, pk in rows}
