"""Issues (问题/议题): clusters of messages about one problem in one place, and what offices do about them.

Membership is ``Message.issue_id`` (a message belongs to at most one issue; one
indexed column, so the issue's figures and the public pages are one join).
The clustering state needed for incremental assignment lives beside the issue
(``IssueCluster``: place key, centroid, keys, posted terms) with indexed side
tables, so a new message finds its candidate issues by indexed lookups:

* ``issue_place_keys`` — (place key, issue): the block of issues of a place;
* ``issue_place_pieces`` — (piece, place key): every substring of a stored key,
  so compatible keys (``魅力之城`` ~ ``万科魅力之城``) are one lookup;
* ``issue_postings`` — (place key or ``*``, term, issue): the issues posted
  under a top term, inside a large place block or globally;
* ``issue_vocabulary`` — place keys learnt with a suffix, found again in texts
  that omit it; ``issue_term_df`` — document frequencies (term ``""`` holds the
  number of documents).

Manual merges and splits are ``IssueDecision`` rows that a rebuild replays.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.messages  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Office
from massline.models.people import User
from massline.models.regions import Region
from massline.models.taxonomy import Category

ISSUE_STATUSES = ("open", "owned", "in_progress", "resolved", "merged")
ISSUE_STATUS_LABELS = {
    "open": "待认领",
    "owned": "已认领",
    "in_progress": "办理中",
    "resolved": "已解决",
    "merged": "已合并",
}
COMMITMENT_STATUSES = ("planned", "in_progress", "done", "cancelled")
COMMITMENT_STATUS_LABELS = {"planned": "已承诺", "in_progress": "推进中", "done": "已完成", "cancelled": "已取消"}


class Issue(Base):
    """One concrete problem in one place, with its figures, heat and status."""

    __tablename__ = "issues"
    __table_args__ = (Index("ix_issues_status_heat", "status", "heat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    problem: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    representatives: Mapped[list[int]] = mapped_column(JSON, default=list)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"), index=True)
    first_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    people_count: Mapped[int] = mapped_column(Integer, default=0)
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    opposition_count: Mapped[int] = mapped_column(Integer, default=0)
    public_count: Mapped[int] = mapped_column(Integer, default=0)
    sentiment: Mapped[float | None] = mapped_column(Float)
    heat: Mapped[float] = mapped_column(Float, default=0.0)
    heat_components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    heat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    recurring: Mapped[bool] = mapped_column(Boolean, default=False)
    recurrence_count: Mapped[int] = mapped_column(Integer, default=0)
    owner_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    described_count: Mapped[int] = mapped_column(Integer, default=0)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()
    category: Mapped[Category | None] = relationship()
    owner_office: Mapped[Office | None] = relationship()

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return ISSUE_STATUS_LABELS.get(self.status, self.status)


class IssueCluster(Base):
    """The clustering state of an issue (an ``analysis.concentrate.Cluster``, storable)."""

    __tablename__ = "issue_clusters"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)
    place_key: Mapped[str] = mapped_column(String(100), default="")
    centroid: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    norm2: Mapped[float] = mapped_column(Float, default=0.0)
    keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    posted: Mapped[list[str]] = mapped_column(JSON, default=list)
    place_names: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    regions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class IssuePlaceKey(Base):
    """An issue is found under this place key (its block)."""

    __tablename__ = "issue_place_keys"

    place_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)


class IssuePlacePiece(Base):
    """A substring (≥ 2 characters) of a stored place key: compatible keys in one lookup."""

    __tablename__ = "issue_place_pieces"

    piece: Mapped[str] = mapped_column(String(100), primary_key=True)
    place_key: Mapped[str] = mapped_column(String(100), primary_key=True)


class IssuePosting(Base):
    """An issue posted under a top term, inside a place block (or ``*``: globally)."""

    __tablename__ = "issue_postings"
    __table_args__ = (Index("ix_issue_postings_issue_id", "issue_id"),)

    place_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    term: Mapped[str] = mapped_column(String(50), primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True)


class IssueVocabulary(Base):
    """A place key learnt from a name with a suffix (``丽发新城小区`` → ``丽发新城``)."""

    __tablename__ = "issue_vocabulary"

    place_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer, default=1)


class IssuePlaceAlias(Base):
    """Another name of a place learnt by the batch rebuild (``广铁集团`` for ``伊景园滨河苑``)."""

    __tablename__ = "issue_place_aliases"

    alias_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    place_key: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class IssueTermDf(Base):
    """Document frequency of a problem term; the term ``""`` holds the number of documents."""

    __tablename__ = "issue_term_df"

    term: Mapped[str] = mapped_column(String(50), primary_key=True)
    df: Mapped[int] = mapped_column(Integer, default=0)


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
