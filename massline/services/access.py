"""The chokepoints: every read or action on a protected record goes through here.

Each check is one condition per line. A record the caller may not read is
reported exactly like a record that does not exist (``NotFound``), so no
answer reveals whether another office's message exists.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from massline.models import Message, Region, User
from massline.services.errors import Forbidden, NotFound

OFFICE_ROLES = ("official", "office_head")
READ_ALL_ROLES = ("dispatcher", "supervisor", "admin")
CASEWORK_ACTIONS = ("accept", "assign", "transfer", "reject", "reply", "close", "extend_request")


def secret_digest(secret: str) -> str:
    """Stored form of a tracking secret (high-entropy, so a plain SHA-256 suffices)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _region_path(session: Session, region_id: int | None) -> str | None:
    if region_id is None:
        return None
    return session.scalar(select(Region.path).where(Region.id == region_id))


def message_scope(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition selecting the messages ``user`` may read."""
    if not user.is_active:
        return false()
    if user.role in READ_ALL_ROLES:
        return true()
    if user.role in OFFICE_ROLES and user.office_id is not None:
        return Message.office_id == user.office_id
    if user.role == "leader":
        path = _region_path(session, user.region_id)
        if path is None:
            return false()
        subtree = select(Region.id).where(Region.path.like(f"{path}%"))
        return or_(Message.region_id.in_(subtree), Message.office.has(region_id=user.region_id))
    return false()


def can_read(session: Session, user: User, message: Message) -> bool:
    """True when ``user`` may read ``message``."""
    if not user.is_active:
        return False
    if user.role in READ_ALL_ROLES:
        return True
    if user.role in OFFICE_ROLES:
        return user.office_id is not None and message.office_id == user.office_id
    if user.role == "leader":
        return (
            session.scalar(select(Message.id).where(Message.id == message.id, message_scope(session, user))) is not None
        )
    return False


def can_act(user: User, action: str, message: Message) -> bool:
    """True when ``user`` (who may read ``message``) may perform ``action`` on it."""
    if action == "dispatch":
        return user.role == "dispatcher"
    if action == "reveal_contact":
        return user.role in OFFICE_ROLES and message.office_id == user.office_id
    if action == "extend_decide":
        return user.role == "office_head" and message.office_id == user.office_id
    if action in CASEWORK_ACTIONS:
        if action == "reject" and user.role == "dispatcher":
            return True
        return user.role in OFFICE_ROLES and message.office_id == user.office_id
    return False


def access_message_by_id(session: Session, user: User, message_id: int) -> Message:
    """The message, if ``user`` may read it; otherwise NotFound."""
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound()
    if not can_read(session, user, message):
        raise NotFound()
    return message


def access_message_for_action(session: Session, user: User, message_id: int, action: str) -> Message:
    """The message, if ``user`` may read it (else NotFound) and do ``action`` (else Forbidden)."""
    message = access_message_by_id(session, user, message_id)
    if not can_act(user, action, message):
        raise Forbidden()
    return message


def access_message_by_tracking(session: Session, tracking_code: str, secret: str) -> Message:
    """The citizen's own message, given its tracking code and secret; otherwise NotFound."""
    code = tracking_code.strip().upper()
    message = session.scalar(select(Message).where(Message.tracking_code == code))
    if message is None:
        secret_digest(secret)  # same work whether or not the code exists
        raise NotFound("查询码或密码不正确 (wrong tracking code or secret)")
    if not hmac.compare_digest(message.secret_hash, secret_digest(secret.strip())):
        raise NotFound("查询码或密码不正确 (wrong tracking code or secret)")
    return message


def public_condition() -> ColumnElement[bool]:
    """SQL condition selecting messages shown on the public board."""
    return Message.is_public.is_(True) & (Message.status != "rejected")


def access_public_message(session: Session, message_id: int) -> Message:
    """A message visible to everyone; otherwise NotFound."""
    message = session.scalar(select(Message).where(Message.id == message_id, public_condition()))
    if message is None:
        raise NotFound()
    return message


def require_role(user: User, *roles: str) -> None:
    """Raise Forbidden unless ``user`` is active and has one of ``roles``."""
    if not user.is_active:
        raise Forbidden()
    if user.role not in roles:
        raise Forbidden()
