"""The chokepoints: every read or action on a protected record goes through here.

Each check is one condition per line. A record the caller may not read is
reported exactly like a record that does not exist (``NotFound``), so no
answer reveals whether another office's message exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from massline.analysis.text import fold
from massline.models import DeadlineExtension, Message, Region, User
from massline.services.errors import Forbidden, NotFound
from massline.services.sessions import live_session

OFFICE_ROLES = ("official", "office_head")
READ_ALL_ROLES = ("dispatcher", "supervisor", "admin")
DISPATCH_QUEUE_ROLES = ("dispatcher", "admin", "supervisor")
SESSION_ENDED = "登录已失效，请重新登录"
#: case actions the staff of the handling office take
CASEWORK_ACTIONS = ("accept", "assign", "transfer", "reject", "reply", "publish", "close", "extend_request",
                    "submit_reply", "request_transfer")  # fmt: skip
#: the reply desk (services.replies): review a draft live, mark a demand outside the office's remit
REPLY_DESK_ACTIONS = ("review_reply", "refer_demand")
#: 催办 and 督办: what leaders (in their region), supervisors and the dispatch centre may do on a case they read
OVERSIGHT_ACTIONS, OVERSIGHT_ROLES = ("urge", "supervise"), ("leader", "supervisor", "dispatcher")
#: what a citizen may put between the characters of a tracking code: spaces and dashes, as read over the phone
_CODE_SEPARATORS = re.compile(r"[\s\-_.·•/\u2010-\u2015\u2212\u30fc]+")


def secret_digest(secret: str) -> str:
    """Stored form of a tracking secret (high-entropy, so a plain SHA-256 suffices)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()  # (a surrogate matches nothing)


def tracking_code_key(typed: str) -> str:
    """A tracking code as stored, from what a citizen typed: full-width folded, spaces and dashes dropped, upper
    case (``ml 7k3q-9xw2`` → ``ML7K3Q9XW2``). Every stored code (``intake.new_tracking_code``) is its own key."""
    return _CODE_SEPARATORS.sub("", fold(typed)).upper()


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


def reads_own_office_only(user: User) -> bool:
    """True when ``user`` reads only their own office's messages (officials and office heads)."""
    return user.role in OFFICE_ROLES


def can_read(session: Session, user: User, message: Message) -> bool:
    """True when ``user`` may read ``message``."""
    if not user.is_active:
        return False
    if user.role in READ_ALL_ROLES:
        return True
    if user.role in OFFICE_ROLES:
        return user.office_id is not None and message.office_id == user.office_id
    if user.role == "leader":
        row = session.scalar(select(Message.id).where(Message.id == message.id, message_scope(session, user)))
        return row is not None
    return False


def _handles(user: User, message: Message) -> bool:
    """True when ``user`` is staff of the office handling ``message``."""
    return user.role in OFFICE_ROLES and user.office_id is not None and message.office_id == user.office_id


def can_act(user: User, action: str, message: Message) -> bool:
    """True when ``user`` (who may read ``message``) may perform ``action`` on it.

    The role and office rule of every case action, one line each; whether the
    case's state allows the action is ``casework``'s rule (409, not 403).
    """
    if not user.is_active:
        return False
    if action in ("dispatch", "callback"):
        return user.role == "dispatcher"
    if action in ("reject", "category"):
        return user.role == "dispatcher" or _handles(user, message)
    if action in ("reveal_contact", "kind"):  # 改类 is the holding office's own act (counted by 降级)
        return _handles(user, message)
    if action == "review_attachments":  # photos and documents shown to the public or hidden
        return can_moderate(user)
    if action in ("extend_decide", "approve_reply", "return_reply"):
        return user.role == "office_head" and message.office_id == user.office_id
    if action in ("extend_decide_centre", "decide_transfer"):
        return user.role == "dispatcher"
    if action in OVERSIGHT_ACTIONS:
        return user.role in OVERSIGHT_ROLES
    if action in CASEWORK_ACTIONS:
        return _handles(user, message)
    if action in REPLY_DESK_ACTIONS:
        return _handles(user, message)
    return False


def access_message_by_id(session: Session, user: User, message_id: int) -> Message:
    """The message, if ``user`` may read it; otherwise NotFound."""
    message = session.get(Message, message_id)
    if message is None or not can_read(session, user, message):
        raise NotFound()
    return message


def access_message_for_action(session: Session, user: User, message_id: int, action: str) -> Message:
    """The message, if ``user`` may read it (else NotFound) and do ``action`` (else Forbidden)."""
    message = access_message_by_id(session, user, message_id)
    if not can_act(user, action, message):
        raise Forbidden()
    return message


def access_message_by_tracking(session: Session, tracking_code: str, secret: str) -> Message:
    """The citizen's own message, given its tracking code (``tracking_code_key``) and secret; otherwise NotFound."""
    code = tracking_code_key(tracking_code)
    message = session.scalar(select(Message).where(Message.tracking_code == code))
    if message is None:
        secret_digest(secret)  # same work whether or not the code exists
        raise NotFound("查询码或密码不正确")
    if not hmac.compare_digest(message.secret_hash, secret_digest(secret.strip())):
        raise NotFound("查询码或密码不正确")
    return message


def access_user_by_session(session: Session, token: str, now: datetime, idle: timedelta) -> User:
    """The staff user of a live browser session (see ``services.sessions``); otherwise NotFound."""
    row = live_session(session, token, now, idle)
    if row is None or row.user is None:
        raise NotFound(SESSION_ENDED)
    if not row.user.is_active:
        raise NotFound(SESSION_ENDED)
    if row.user.token_version != row.token_version:
        raise NotFound(SESSION_ENDED)
    return row.user


def access_message_by_session(session: Session, token: str, now: datetime, idle: timedelta) -> Message:
    """The citizen's own message, followed in a live browser session (opened with its secret); otherwise NotFound."""
    row = live_session(session, token, now, idle)
    if row is None or row.message is None:
        raise NotFound(SESSION_ENDED)
    return row.message


def public_condition() -> ColumnElement[bool]:
    """SQL condition selecting the messages the public may see, in every public read (``Message.shown_publicly``)."""
    return Message.shown_publicly.expression


def can_moderate(user: User) -> bool:
    """True when ``user`` reviews what the public sees (the moderation queue, attachments): dispatchers and admins."""
    return user.is_active and user.role in ("dispatcher", "admin")


def access_public_message(session: Session, message_id: int) -> Message:
    """A message visible to everyone; otherwise NotFound."""
    message = session.scalar(select(Message).where(Message.id == message_id, public_condition()))
    if message is None:
        raise NotFound()
    return message


def can_see_dispatch_queue(user: User) -> bool:
    """True when ``user`` may read the queue of messages waiting for a dispatcher (派单)."""
    return user.is_active and user.role in DISPATCH_QUEUE_ROLES


def require(allowed: bool) -> None:
    """Raise Forbidden unless ``allowed`` (the answer of one of the ``can_*`` rules here)."""
    if not allowed:
        raise Forbidden()


# ---- deadline extensions ---------------------------------------------------------------------


def can_list_extensions(user: User, by_centre: bool = False) -> bool:
    """True when ``user`` may read pending extensions: their office's (head); all (dispatcher) when ``by_centre``."""
    centre, head = user.role == "dispatcher", user.role == "office_head" and user.office_id is not None
    return user.is_active and (centre if by_centre else head)


def access_extension_for_decision(
    session: Session, user: User, extension_id: int, by_centre: bool = False
) -> DeadlineExtension:
    """The extension if ``user`` reads its case (else NotFound) and decides it (the head; by_centre: a dispatcher)."""
    ext = session.get(DeadlineExtension, extension_id)
    if ext is None or not can_read(session, user, ext.message):
        raise NotFound()
    if not can_act(user, "extend_decide_centre" if by_centre else "extend_decide", ext.message):
        raise Forbidden("只有派单中心可以审批延期" if by_centre else "只有单位负责人可以审批延期")
    return ext


# ---- citizens' feedback ----------------------------------------------------------------------


def rating_refusal(message: Message) -> str | None:
    """Why the citizen who owns ``message`` may not rate it now, or None when they may.

    The one rating rule, used by the portal, the API and ``check_rate``: the
    case is replied or closed, and its latest published reply is not rated yet.
    """
    reply = message.published_reply
    if message.status not in ("replied", "closed") or reply is None:
        return "答复后才能评价"
    if any(r.reply_id == reply.id for r in message.ratings):
        return "您已评价过本次答复"
    return None


def can_rate(message: Message) -> bool:
    """True when the citizen who owns ``message`` may rate its reply now (see :func:`rating_refusal`)."""
    return rating_refusal(message) is None


def can_reopen(message: Message) -> bool:
    """True when the citizen who owns ``message`` may ask for it to be handled again."""
    return message.status in ("replied", "closed")
