"""What offices do about an issue: manual decisions, its history, replies, commitments and ratings.

Manual merges and splits are ``IssueDecision`` rows that a rebuild replays.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.issues  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.messages  # noqa: F401
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.issues import COMMITMENT_STATUS_LABELS
from massline.models.offices import Office
from massline.models.people import User


class IssueDecision(Base):
    """An official's merge or split; rebuilds replay them in order.

    merge: the messages ``message_ids`` (both issues' members) belong together, in ``issue_id``.
    split: ``message_ids`` left ``other_issue_id`` for the new ``issue_id`` and must not be
    with ``kept_ids`` again.
    """

    __tablename__ = "issue_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    other_issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    message_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    kept_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IssueEvent(Base):
    """One step of an issue's history (owned, replied, commitment, resolved, recurring, merged ...)."""

    __tablename__ = "issue_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    note: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()
    office: Mapped[Office | None] = relationship()


class IssueReply(Base):
    """The owner office's one answer to every message of an issue: a ``draft`` (at most one per
    issue, never public) until it is ``published`` to every member message."""

    __tablename__ = "issue_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="published", server_default="published")
    messages: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office] = relationship()


class IssueCommitment(Base):
    """A decision or measure (承诺/措施) with its responsible office, due date and progress."""

    __tablename__ = "issue_commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office] = relationship()
    updates: Mapped[list[IssueCommitmentUpdate]] = relationship(
        back_populates="commitment", order_by="IssueCommitmentUpdate.id", cascade="all, delete-orphan"
    )

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return COMMITMENT_STATUS_LABELS.get(self.status, self.status)


class IssueCommitmentUpdate(Base):
    """One progress report on a commitment."""

    __tablename__ = "issue_commitment_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("issue_commitments.id", ondelete="CASCADE"), index=True)
    progress: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[IssueCommitment] = relationship(back_populates="updates")


class IssueRating(Base):
    """A citizen's rating (1–5) of how an issue was handled; once per member message."""

    __tablename__ = "issue_ratings"
    __table_args__ = (UniqueConstraint("issue_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
