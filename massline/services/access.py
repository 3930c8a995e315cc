"""The chokepoints: every read or action on a protected record goes through here.

Each check is one condition per line. A record the caller may not read is reported exactly like a record
that does not exist (``NotFound``), so no answer reveals whether another office's message exists.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from massline.analysis.text import fold
from massline.models import Alert, DeadlineExtension, Issue, IssueRating, IssueReply, Message, Office, Region, User
from massline.services.errors import Forbidden, NotFound
from massline.services.sessions import live_session

OFFICE_ROLES = ("official", "office_head")
READ_ALL_ROLES = ("dispatcher", "supervisor", "admin")
DISPATCH_QUEUE_ROLES = ("dispatcher", "admin", "supervisor")
SESSION_ENDED = "登录已失效，请重新登录"
#: case actions the staff of the handling office take
CASEWORK_ACTIONS = ("accept", "assign", "transfer", "reject", "reply", "publish", "close", "extend_request")
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
        return (
            session.scalar(select(Message.id).where(Message.id == message.id, message_scope(session, user))) is not None
        )
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
    if action == "dispatch":
        return user.role == "dispatcher"
    if action in ("reject", "category"):
        return user.role == "dispatcher" or _handles(user, message)
    if action == "reveal_contact":
        return _handles(user, message)
    if action == "extend_decide":
        return user.role == "office_head" and message.office_id == user.office_id
    if action in CASEWORK_ACTIONS:
        return _handles(user, message)
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
    """True when ``user`` reviews messages for publishing (the moderation queue): dispatchers and admins."""
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


def can_list_extensions(user: User) -> bool:
    """True when ``user`` may read their office's pending deadline extensions (the office head)."""
    return user.is_active and user.role == "office_head" and user.office_id is not None


def access_extension_for_decision(session: Session, user: User, extension_id: int) -> DeadlineExtension:
    """The extension request, if it concerns a case of ``user``'s office (else NotFound) and
    ``user`` heads that office (else Forbidden)."""
    ext = session.get(DeadlineExtension, extension_id)
    if ext is None:
        raise NotFound()
    if user.office_id is None or ext.message.office_id != user.office_id:
        raise NotFound()
    if not can_act(user, "extend_decide", ext.message):
        raise Forbidden("只有单位负责人可以审批延期")
    return ext


# ---- citizens' feedback ----------------------------------------------------------------------


def rating_refusal(message: Message) -> str | None:
    """Why the citizen who owns ``message`` may not rate it now, or None when they may: the one rating rule, used
    by the portal, the API and ``check_rate`` (the case is replied or closed, its latest published reply not rated yet).
    """
    if message.status not in ("replied", "closed"):
        return "答复后才能评价"
    reply = message.published_reply
    if reply is None:
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


# ---- issues ----------------------------------------------------------------------------------

ISSUE_ACTIONS = ("own", "reply", "commit", "update_commitment", "resolve", "merge", "split")


def issue_scope(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition selecting the issues ``user`` may read: all (dispatchers, supervisors, admins); those their
    office owns or has a message in (officials); those in their region or with a message they may read (leaders)."""
    if not user.is_active:
        return false()
    if user.role in READ_ALL_ROLES:
        return true()
    if user.role in OFFICE_ROLES and user.office_id is not None:
        members = select(Message.issue_id).where(Message.office_id == user.office_id, Message.issue_id.is_not(None))
        return or_(Issue.owner_office_id == user.office_id, Issue.id.in_(members))
    if user.role == "leader":
        path = _region_path(session, user.region_id)
        if path is None:
            return false()
        subtree = select(Region.id).where(Region.path.like(f"{path}%"))
        members = select(Message.issue_id).where(message_scope(session, user), Message.issue_id.is_not(None))
        return or_(Issue.region_id.in_(subtree), Issue.id.in_(members))
    return false()


def access_issue_by_id(session: Session, user: User, issue_id: int) -> Issue:
    """The issue, if ``user`` may read it; otherwise NotFound."""
    issue = session.scalar(select(Issue).where(Issue.id == issue_id, issue_scope(session, user)))
    if issue is None:
        raise NotFound()
    return issue


def can_act_on_issue(user: User, action: str, issue: Issue) -> bool:
    """True when ``user`` (who may read ``issue``) may do ``action``: only the owner office acts;
    an unowned issue may be owned (or merged/split) by an office that reads it; dispatchers merge and split."""
    if issue.status == "merged":
        return False
    if action in ("merge", "split") and user.role == "dispatcher":
        return True
    if user.role not in OFFICE_ROLES or user.office_id is None:
        return False
    if action in ("own", "merge", "split") and issue.owner_office_id is None:
        return True
    return issue.owner_office_id == user.office_id


def allowed_issue_actions(user: User, issue: Issue) -> list[str]:
    """The issue actions ``user`` (who may read ``issue``) may take now, for pages and the API:
    "own" only while unowned, "resolve" only while owned or in progress."""
    actions = [a for a in ISSUE_ACTIONS if can_act_on_issue(user, a, issue)]
    if issue.owner_office_id is not None:
        actions = [a for a in actions if a != "own"]
    if issue.status not in ("owned", "in_progress"):
        actions = [a for a in actions if a != "resolve"]
    return actions


def access_issue_for_action(session: Session, user: User, issue_id: int, action: str) -> Issue:
    """The issue, if ``user`` may read it (else NotFound) and do ``action`` on it (else Forbidden)."""
    issue = access_issue_by_id(session, user, issue_id)
    if not can_act_on_issue(user, action, issue):
        raise Forbidden()
    return issue


def public_issue_condition() -> ColumnElement[bool]:
    """SQL condition selecting the issues shown to everyone: not merged, with at least one public message."""
    public_member = select(Message.id).where(Message.issue_id == Issue.id, public_condition()).exists()
    return (Issue.status != "merged") & (Issue.message_count > 0) & public_member


def access_public_issue(session: Session, issue_id: int) -> Issue:
    """An issue visible to everyone; otherwise NotFound."""
    issue = session.scalar(select(Issue).where(Issue.id == issue_id, public_issue_condition()))
    if issue is None:
        raise NotFound()
    return issue


def issue_rating_refusal(session: Session, issue: Issue, message: Message) -> str | None:
    """Why the citizen who owns ``message`` (a member of ``issue``) may not rate the issue's handling now,
    or None when they may: the issue is answered or resolved, and not yet rated through this message."""
    answered = session.scalar(
        select(IssueReply.id).where(IssueReply.issue_id == issue.id, IssueReply.status == "published").limit(1)
    )
    if answered is None and issue.status != "resolved":
        return "该问题答复或办结后才能评价"
    rated = session.scalar(
        select(IssueRating.id).where(IssueRating.issue_id == issue.id, IssueRating.message_id == message.id)
    )
    if rated is not None:
        return "您已评价过该问题的办理"
    return None


def access_issue_member_by_tracking(session: Session, issue_id: int, tracking_code: str, secret: str) -> Message:
    """The citizen's own message, which must belong to the issue; otherwise NotFound."""
    message = access_message_by_tracking(session, tracking_code, secret)
    if message.issue_id != issue_id:
        raise NotFound("查询码或密码不正确，或该留言不属于此问题")
    return message


# ---- alerts ----------------------------------------------------------------------------------


def alert_scope(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition selecting the alerts ``user`` may see: all (dispatchers, supervisors, admins);
    their office's (officials); those about their region or its offices (leaders)."""
    if not user.is_active:
        return false()
    if user.role in READ_ALL_ROLES:
        return true()
    if user.role in OFFICE_ROLES and user.office_id is not None:
        return Alert.office_id == user.office_id
    if user.role == "leader" and user.region_id is not None:
        path = _region_path(session, user.region_id)
        if path is None:
            return false()
        subtree = select(Region.id).where(Region.path.like(f"{path}%"))
        offices = select(Office.id).where(Office.region_id.in_(subtree))
        return or_(Alert.region_id.in_(subtree), Alert.office_id.in_(offices))
    return false()


def access_alert_by_id(session: Session, user: User, alert_id: int) -> Alert:
    """The alert, if ``user`` may see it; otherwise NotFound (the same answer as a missing one)."""
    alert = session.scalar(select(Alert).where(Alert.id == alert_id, alert_scope(session, user)))
    if alert is None:
        raise NotFound()
    return alert


def can_act_on_alert(user: User, alert: Alert) -> bool:
    """True when ``user`` (who may see ``alert``) may acknowledge or resolve it: the staff of the
    responsible office, dispatchers and admins. Leaders and supervisors only read."""
    if not user.is_active:
        return False
    if user.role in ("dispatcher", "admin"):
        return True
    if user.role not in OFFICE_ROLES:
        return False
    if alert.office_id is None:
        return False
    return alert.office_id == user.office_id


def allowed_alert_actions(user: User | None, alert: Alert) -> list[str]:
    """What ``user`` may do with the alert now: "acknowledge" (while open), "resolve" (until resolved)."""
    if user is None or alert.status == "resolved" or not can_act_on_alert(user, alert):
        return []
    return ["acknowledge", "resolve"] if alert.status == "open" else ["resolve"]


def access_alert_for_action(session: Session, user: User, alert_id: int) -> Alert:
    """The alert, if ``user`` may see it (else NotFound) and act on it (else Forbidden)."""
    alert = access_alert_by_id(session, user, alert_id)
    if not can_act_on_alert(user, alert):
        raise Forbidden()
    return alert
