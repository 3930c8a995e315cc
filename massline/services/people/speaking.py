"""When an account last spoke online — one notion for the silent-account list (services.publishing) and the
cadence ledger (services.research), which both read it from here.

An office speaks when it publishes a post or a clarification, answers in a post's thread or an
interview, or publishes a reply to a message or an issue; a leader when a post, a thread answer or
an interview answer is published under their name; an official (a staff user) when they publish
any of these themselves (as author, answerer or replier).
"""

from __future__ import annotations

from datetime import datetime
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
)

#: an account: ("office", office id), ("leader", leader id) or ("official", user id)
Account = tuple[str, int]


def _latest(session: Session, into: dict[Account, datetime | None], kind: str, queries: list[Select[Any, Any]]) -> None:
    for query in queries:
        for key, at in session.execute(query):
            known = into.get((kind, key))
            if key is not None and at is not None and (known is None or at > known):
                into[(kind, key)] = at


def _queries(column: str) -> list[Select[Any, Any]]:
    """What an office (``column`` "office") or an official ("author") publishes or answers, latest per key."""
    office = column == "office"
    post, clar = (Post.office_id, Clarification.office_id) if office else (Post.author_id, Clarification.author_id)
    comment = PostComment.office_id if office else PostComment.official_id
    interview = Interview.office_id if office else InterviewQuestion.answered_by_id
    reply, issue = (Reply.office_id, IssueReply.office_id) if office else (Reply.author_id, IssueReply.author_id)
    answered = select(interview, func.max(InterviewQuestion.answered_at))
    answered = answered.join(Interview, Interview.id == InterviewQuestion.interview_id) if office else answered
    return [
        select(post, func.max(Post.published_at)).group_by(post),
        select(clar, func.max(Clarification.published_at)).group_by(clar),
        select(comment, func.max(PostComment.created_at)).where(PostComment.official_id.is_not(None)).group_by(comment),
        answered.group_by(interview),
        select(reply, func.max(Reply.published_at)).where(Reply.published_at.is_not(None)).group_by(reply),
        select(issue, func.max(IssueReply.published_at)).where(IssueReply.published_at.is_not(None)).group_by(issue),
    ]  # fmt: skip


def _leader_queries() -> list[Select[Any, Any]]:
    return [
        select(Post.leader_id, func.max(Post.published_at)).where(Post.leader_id.is_not(None)).group_by(Post.leader_id),
        select(PostComment.leader_id, func.max(PostComment.created_at))
        .where(PostComment.leader_id.is_not(None)).group_by(PostComment.leader_id),
        select(Interview.leader_id, func.max(InterviewQuestion.answered_at)).join(InterviewQuestion)
        .where(Interview.leader_id.is_not(None)).group_by(Interview.leader_id),
    ]  # fmt: skip


def last_spoken(session: Session) -> dict[Account, datetime | None]:
    """Every office's and leader's latest time of publishing or answering online (None: never), and every
    official's who ever did (an official missing from it never spoke)."""
    out: dict[Account, datetime | None] = {("office", i): None for i in session.scalars(select(Office.id))}
    out.update({("leader", i): None for i in session.scalars(select(Leader.id))})
    _latest(session, out, "office", _queries("office"))
    _latest(session, out, "leader", _leader_queries())
    _latest(session, out, "official", _queries("author"))
    return out
