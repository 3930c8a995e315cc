"""Who may read issues, act on them and rate their replies."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from massline.models import Issue, IssueRating, IssueReply, Message, Region, User
from massline.services.access.messages import (
    OFFICE_ROLES,
    READ_ALL_ROLES,
    _region_path,
    access_message_by_tracking,
    message_scope,
    public_condition,
)
from massline.services.errors import Forbidden, NotFound

ISSUE_ACTIONS = ("own", "reply", "commit", "update_commitment", "resolve", "merge", "split")


def issue_scope(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition selecting the issues ``user`` may read: all (dispatchers, supervisors, admins);
    those their office owns or has a message in (officials); those in their region or with a
    message they may read (leaders)."""
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
