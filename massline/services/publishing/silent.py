"""The silent-account list (僵尸账号): offices and leaders that have stopped speaking online.

An office's account speaks when it publishes a post or a clarification, answers in a post's
thread or an interview, or publishes a reply to a message or an issue; a leader's when a post,
a thread answer or an interview answer is published under their name. ``last_activity`` gives
each account's latest such time (the accountability cadence ledger reads it too); an account
with none within ``publishing.silent_after_days`` (default 14) is silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from massline.models import (
    Clarification,
    Interview,
    InterviewQuestion,
    IssueReply,
    Leader,
    Office,
    Post,
    PostComment,
    Reply,
    User,
)
from massline.services.policy import publishing_policy

#: an account: ("office", office id) or ("leader", leader id)
Account = tuple[str, int]


def _latest(session: Session, into: dict[Account, datetime | None], kind: str, queries: list[Select[Any, Any]]) -> None:
    for query in queries:
        for key, at in session.execute(query):
            known = into.get((kind, key))
            if key is not None and at is not None and (known is None or at > known):
                into[(kind, key)] = at


def _office_queries() -> list[Select[Any, Any]]:
    answered = InterviewQuestion.answered_at
    return [
        select(Post.office_id, func.max(Post.published_at)).group_by(Post.office_id),
        select(Clarification.office_id, func.max(Clarification.published_at)).group_by(Clarification.office_id),
        select(PostComment.office_id, func.max(PostComment.created_at))
        .where(PostComment.official_id.is_not(None)).group_by(PostComment.office_id),
        select(Interview.office_id, func.max(answered)).join(InterviewQuestion).group_by(Interview.office_id),
        select(Reply.office_id, func.max(Reply.published_at)).where(Reply.published_at.is_not(None))
        .group_by(Reply.office_id),
        select(IssueReply.office_id, func.max(IssueReply.published_at)).where(IssueReply.published_at.is_not(None))
        .group_by(IssueReply.office_id),
    ]  # fmt: skip


def _leader_queries() -> list[Select[Any, Any]]:
    return [
        select(Post.leader_id, func.max(Post.published_at)).where(Post.leader_id.is_not(None)).group_by(Post.leader_id),
        select(PostComment.leader_id, func.max(PostComment.created_at))
        .where(PostComment.leader_id.is_not(None)).group_by(PostComment.leader_id),
        select(Interview.leader_id, func.max(InterviewQuestion.answered_at)).join(InterviewQuestion)
        .where(Interview.leader_id.is_not(None)).group_by(Interview.leader_id),
    ]  # fmt: skip


def last_activity(session: Session) -> dict[Account, datetime | None]:
    """Every office's and leader's latest time of publishing or answering online (None: never).

    Keys are ``("office", office id)`` and ``("leader", leader id)``; every office and leader has one.
    """
    out: dict[Account, datetime | None] = {("office", i): None for i in session.scalars(select(Office.id))}
    out.update({("leader", i): None for i in session.scalars(select(Leader.id))})
    _latest(session, out, "office", _office_queries())
    _latest(session, out, "leader", _leader_queries())
    return out


@dataclass(frozen=True)
class SilentAccount:
    """An office or leader with no online activity within the period."""

    kind: str
    id: int
    name: str
    office: str
    office_id: int
    last_at: datetime | None

    @property
    def kind_label(self) -> str:
        """单位 or 领导."""
        return "单位" if self.kind == "office" else "领导"


def silent_accounts(session: Session, user: User, now: datetime) -> tuple[int, list[SilentAccount]]:
    """The period in days and the silent accounts ``user`` may see (an office head: their office and its
    leaders; supervisors and admins: all), the longest silent first. Dispatch centres are not listed."""
    days = publishing_policy(session).silent_after_days
    since = now - timedelta(days=days)
    latest = last_activity(session)
    offices = {o.id: o for o in session.scalars(select(Office).where(Office.is_dispatch.is_(False)))}
    if user.role == "office_head":
        offices = {k: v for k, v in offices.items() if k == user.office_id}
    rows = [SilentAccount("office", o.id, o.name, o.name, o.id, latest[("office", o.id)]) for o in offices.values()]
    for leader in session.scalars(select(Leader).where(Leader.office_id.in_(offices))):
        office = offices[leader.office_id]
        rows.append(SilentAccount("leader", leader.id, f"{leader.title} {leader.name}", office.name, office.id,
                                  latest[("leader", leader.id)]))  # fmt: skip
    silent = [r for r in rows if r.last_at is None or r.last_at < since]
    floor = datetime.min.replace(tzinfo=now.tzinfo)
    return days, sorted(silent, key=lambda r: (r.last_at or floor, r.office, r.name))
