"""What pages and the API show of an issue: the public page and the staff page (messages, replies,
commitments, history, decisions, alerts, the actions allowed).

Read-only. The public page goes through ``access.access_public_issue`` and shows
only public messages, PII-redacted; the staff page goes through
``access.access_issue_by_id`` and asks ``access.allowed_issue_actions`` what the
user may do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.analysis.text import redact
from massline.models import Alert, IssueCommitment, IssueDecision, IssueEvent, IssueRating, IssueReply, Message, User
from massline.services.access import (
    access_issue_by_id,
    access_public_issue,
    alert_scope,
    allowed_issue_actions,
    message_scope,
    public_condition,
)
from massline.services.casework import PublicMessage, public_message
from massline.services.issues.store import ISSUE_EVENT_LABELS
from massline.services.issues.views import MAX_MEMBERS, IssueSummaryView, public_views, summary_view


@dataclass
class EventView:
    """One step of an issue's history."""

    type: str
    label: str
    at: datetime
    note: str | None
    office: str | None
    public: bool


@dataclass
class CommitmentUpdateView:
    """One progress report."""

    at: datetime
    progress: int
    status: str
    note: str


@dataclass
class CommitmentView:
    """A decision or measure and its progress."""

    id: int
    text: str
    office: str
    due_date: date | None
    progress: int
    status: str
    status_label: str
    created_at: datetime
    updated_at: datetime
    updates: list[CommitmentUpdateView]

    @property
    def is_open(self) -> bool:
        """True while progress may still be reported (not done, not cancelled)."""
        return self.status not in ("done", "cancelled")


@dataclass
class IssueReplyView:
    """The owner office's reply to all messages."""

    office: str
    body: str
    at: datetime
    messages: int


@dataclass
class IssueDraftView:
    """The owner office's saved, unpublished reply (only the owner office sees it)."""

    body: str
    author: str | None
    saved_at: datetime


@dataclass
class RatingSummary:
    """Citizens' ratings of the issue's handling."""

    count: int
    average: float | None


@dataclass
class PublicIssueView:
    """An issue as the public sees it: public messages only, PII redacted."""

    issue: IssueSummaryView
    messages: list[PublicMessage]
    replies: list[IssueReplyView]
    commitments: list[CommitmentView]
    history: list[EventView]
    rating: RatingSummary


@dataclass
class IssueDetailView:
    """An issue as an official sees it, with the messages they may read and the actions they may take."""

    issue: IssueSummaryView
    messages: list[Message]
    hidden_messages: int
    representatives: list[int]
    replies: list[IssueReplyView]
    commitments: list[CommitmentView]
    history: list[EventView]
    decisions: list[dict[str, Any]]
    alerts: list[Alert]
    rating: RatingSummary
    actions: list[str]
    merged_into_id: int | None = None
    draft: IssueDraftView | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _replies(session: Session, issue_id: int, public: bool) -> list[IssueReplyView]:
    rows = session.scalars(
        select(IssueReply)
        .where(IssueReply.issue_id == issue_id, IssueReply.status == "published")
        .order_by(IssueReply.id)
    )
    return [
        IssueReplyView(r.office.name, redact(r.body) if public else r.body, r.published_at or r.created_at, r.messages)
        for r in rows
    ]


def _draft(session: Session, issue_id: int) -> IssueDraftView | None:
    row = session.scalar(
        select(IssueReply)
        .where(IssueReply.issue_id == issue_id, IssueReply.status == "draft")
        .order_by(IssueReply.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    author = session.get(User, row.author_id) if row.author_id is not None else None
    return IssueDraftView(row.body, author.display_name if author else None, row.created_at)


def commitments(session: Session, issue_id: int, *, public: bool = False) -> list[CommitmentView]:
    """The issue's commitments with their progress reports, oldest first."""
    clean = redact if public else (lambda s: s)
    rows = session.scalars(
        select(IssueCommitment).where(IssueCommitment.issue_id == issue_id).order_by(IssueCommitment.id)
    )
    return [
        CommitmentView(
            c.id,
            clean(c.text),
            c.office.name,
            c.due_date,
            c.progress,
            c.status,
            c.status_label,
            c.created_at,
            c.updated_at,
            [CommitmentUpdateView(u.created_at, u.progress, u.status, clean(u.note)) for u in c.updates],
        )  # fmt: skip
        for c in rows
    ]


def _history(session: Session, issue_id: int, public: bool) -> list[EventView]:
    stmt = select(IssueEvent).where(IssueEvent.issue_id == issue_id)
    if public:
        stmt = stmt.where(IssueEvent.is_public.is_(True))
    return [
        EventView(
            e.type,
            ISSUE_EVENT_LABELS.get(e.type, e.type),
            e.created_at,
            (redact(e.note) if public else e.note) if e.note else None,
            e.office.name if e.office else None,
            e.is_public,
        )  # fmt: skip
        for e in session.scalars(stmt.order_by(IssueEvent.id))
    ]


def rating_summary(session: Session, issue_id: int) -> RatingSummary:
    """Number and mean of citizens' ratings of the issue."""
    count, avg = session.execute(
        select(func.count(), func.avg(IssueRating.score)).where(IssueRating.issue_id == issue_id)
    ).one()
    return RatingSummary(int(count or 0), round(float(avg), 2) if avg is not None else None)


def public_issue(session: Session, issue_id: int) -> PublicIssueView:
    """The public page of an issue: its public messages, replies, commitments and public history."""
    issue = access_public_issue(session, issue_id)
    members = session.scalars(
        select(Message)
        .where(Message.issue_id == issue.id, public_condition())
        .order_by(Message.created_at, Message.id)
        .limit(MAX_MEMBERS)
    )
    return PublicIssueView(
        issue=public_views(session, [issue])[0],
        messages=[public_message(m) for m in members],
        replies=_replies(session, issue.id, True),
        commitments=commitments(session, issue.id, public=True),
        history=_history(session, issue.id, True),
        rating=rating_summary(session, issue.id),
    )


def issue_detail(session: Session, user: User, issue_id: int) -> IssueDetailView:
    """The staff page of an issue: messages the user may read, history, decisions, alerts, allowed actions."""
    issue = access_issue_by_id(session, user, issue_id)
    members = list(
        session.scalars(
            select(Message)
            .where(Message.issue_id == issue.id, message_scope(session, user))
            .order_by(Message.created_at, Message.id)
            .limit(MAX_MEMBERS)
        )
    )
    decisions = [
        {"id": d.id, "kind": d.kind, "issue": d.issue_id, "other_issue": d.other_issue_id,
         "messages": len(d.message_ids or []), "note": d.note, "at": d.created_at}
        for d in session.scalars(
            select(IssueDecision)
            .where((IssueDecision.issue_id == issue.id) | (IssueDecision.other_issue_id == issue.id))
            .order_by(IssueDecision.id)
        )
    ]  # fmt: skip
    issue_alerts = list(
        session.scalars(
            select(Alert).where(Alert.issue_id == issue.id, alert_scope(session, user)).order_by(Alert.id.desc())
        )
    )
    actions = allowed_issue_actions(user, issue)
    return IssueDetailView(
        issue=summary_view(issue),
        messages=members,
        hidden_messages=max(0, issue.message_count - len(members)),
        representatives=list(issue.representatives or []),
        replies=_replies(session, issue.id, False),
        commitments=commitments(session, issue.id),
        history=_history(session, issue.id, False),
        decisions=decisions,
        alerts=issue_alerts,
        rating=rating_summary(session, issue.id),
        actions=actions,
        merged_into_id=issue.merged_into_id,
        draft=_draft(session, issue.id) if "reply" in actions else None,
    )
