"""Messages (留言), their case history, replies, ratings and supports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.issues  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Leader, Office
from massline.models.people import User
from massline.models.regions import Region
from massline.models.taxonomy import Category

KINDS = ("投诉", "求助", "咨询", "建言", "表扬", "举报")
STATUSES = ("received", "assigned", "accepted", "replied", "closed", "rejected", "reopened")
STATUS_LABELS = {
    "received": "待派单",
    "assigned": "待签收",
    "accepted": "办理中",
    "replied": "已答复",
    "closed": "已办结",
    "rejected": "不予受理",
    "reopened": "重新办理",
}
OPEN_STATUSES = ("received", "assigned", "accepted", "reopened")
#: review before publishing (docs/casework.md): "pending" waits for a moderator and is not public
#: (pre-moderation); "unreviewed" is public and waits for review (post-moderation); "published" was
#: reviewed and is public (maybe with a moderator's edits, ``public_title``/``public_body``);
#: "withheld" was kept private by a moderator, with a reason the citizen sees
REVIEW_STATES = ("pending", "unreviewed", "published", "withheld")
REVIEW_LABELS = {
    "pending": "待审核",
    "unreviewed": "已公开待审核",
    "published": "已审核公开",
    "withheld": "审核后不公开",
}
#: the review states in which a message may be shown to the public (``access.public_condition``)
REVIEW_VISIBLE = ("unreviewed", "published")
#: the review states of the moderation queue
REVIEW_QUEUE = ("pending", "unreviewed")
#: the author name stored for a message sent without one (each such message is a person of its own)
ANONYMOUS_AUTHOR = "匿名网友"


class Message(Base):
    """One citizen submission and its current case state."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_office_status_due", "office_id", "status", "due_at"),
        Index("ix_messages_public_created", "is_public", "created_at"),
        # the board's count looks each search match up by id for what its visibility and filters read
        # (``shown_publicly``, region, category, kind, status): from this index, not from the row, whose
        # columns after a long ``body`` sit on overflow pages (services/casework/board.py, migration 0027)
        Index(
            "ix_messages_board_lookup",
            "id",
            "is_public",
            "status",
            "review_state",
            "region_id",
            "kind",
            "category_id",
        ),
        # (PostgreSQL also has ix_messages_board_region: a region's messages with what the count tests of them,
        # key (region_id, kind, id), INCLUDE the rest; migration 0028 only, as SQLite keeps its plans)
        # the few messages not yet in the search index (services/search_backlog)
        Index(
            "ix_messages_search_pending",
            "id",
            sqlite_where=text("search_pending = 1"),
            postgresql_where=text("search_pending"),
        ),
        # the few messages the pipeline has not analysed yet (services/pipeline/runner.py)
        Index(
            "ix_messages_analysis_pending",
            "id",
            sqlite_where=text("analysis_pending = 1"),
            postgresql_where=text("analysis_pending"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    addressee_office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    addressee_leader_id: Mapped[int | None] = mapped_column(ForeignKey("leaders.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default="received", index=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    author_name: Mapped[str] = mapped_column(String(100), default="")
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(20), default="web")
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    oppose_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: stored but not yet in the search index: the worker indexes it within seconds (board search
    #: finds it meanwhile by substring, see services/search.py)
    search_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: not analysed yet (no ``MessageAnalysis`` row): true when stored, cleared when the pipeline stores its
    #: analysis; the worker's poll finds new work through a partial index instead of scanning every message.
    #: Code that deletes analysis rows to have them redone sets it again (a cascade from the message needs not)
    analysis_pending: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: how far an overdue case has gone up for its current deadline: "head" (单位负责人) or
    #: "centre" (派单中心); None when not overdue long enough (set by the deadline sweep)
    escalation_level: Mapped[str | None] = mapped_column(String(10))
    reject_reason: Mapped[str | None] = mapped_column(Text)
    #: review before publishing (``REVIEW_STATES``); messages stored before review existed count as reviewed
    review_state: Mapped[str] = mapped_column(String(12), default="published", server_default="published", index=True)
    #: the moderator's edited title and body shown to the public (None: the citizen's own); the originals stay
    public_title: Mapped[str | None] = mapped_column(String(200))
    public_body: Mapped[str | None] = mapped_column(Text)
    #: why a moderator kept the message private (shown to the citizen on the tracking page)
    review_reason: Mapped[str | None] = mapped_column(Text)
    #: the automatic checks' findings at submission (``analysis.text.review_findings``, as JSON objects)
    review_findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the issue (问题) the message belongs to; set by the issue step of the pipeline
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"), index=True)

    region: Mapped[Region | None] = relationship()
    category: Mapped[Category | None] = relationship()
    office: Mapped[Office | None] = relationship(foreign_keys=[office_id])
    addressee_office: Mapped[Office | None] = relationship(foreign_keys=[addressee_office_id])
    addressee_leader: Mapped[Leader | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    events: Mapped[list[MessageEvent]] = relationship(
        back_populates="message", order_by="MessageEvent.id", cascade="all, delete-orphan"
    )
    replies: Mapped[list[Reply]] = relationship(
        back_populates="message", order_by="Reply.id", cascade="all, delete-orphan"
    )
    ratings: Mapped[list[Rating]] = relationship(
        back_populates="message", order_by="Rating.id", cascade="all, delete-orphan"
    )

    @hybrid_property
    def shown_publicly(self) -> bool:
        """True when the public may see the message — the one rule of every public read (board, message page,
        search, public API, public issues): the citizen made it public, it was not rejected, and review before
        publishing lets it be seen (``REVIEW_VISIBLE``). In a query it is the same condition in SQL."""
        return bool(self.is_public) and self.status != "rejected" and self.review_state in REVIEW_VISIBLE

    @shown_publicly.inplace.expression
    @classmethod
    def _shown_publicly_sql(cls) -> ColumnElement[bool]:
        return cls.is_public.is_(True) & (cls.status != "rejected") & cls.review_state.in_(REVIEW_VISIBLE)

    @property
    def public_text(self) -> tuple[str, str]:
        """Title and body as the public reads them before redaction: a moderator's edits, else the citizen's own."""
        title = self.public_title if self.public_title is not None else self.title
        body = self.public_body if self.public_body is not None else self.body
        return title, body

    @property
    def status_label(self) -> str:
        """The status in Chinese, as citizens see it."""
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def published_reply(self) -> Reply | None:
        """The latest published reply, if any."""
        published = [r for r in self.replies if r.status == "published"]
        return published[-1] if published else None


class MessageEvent(Base):
    """One step of the case history, written in the same transaction as the change."""

    __tablename__ = "message_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str | None] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    note: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[Message] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    office: Mapped[Office | None] = relationship()


class Reply(Base):
    """An office's answer; drafted first, then published to the citizen."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the office head must approve this reply whatever the policy's ``reply_approval`` (set by the reply
    #: desk when its review scored the draft below the deployment's ``replies.min_score``)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    message: Mapped[Message] = relationship(back_populates="replies")
    office: Mapped[Office] = relationship()


class Rating(Base):
    """A citizen's satisfaction (1–5) with a reply."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[Message] = relationship(back_populates="ratings")


class Support(Base):
    """One citizen's 点赞 (``stance="support"``) or 反对 (``"oppose"``) of a message, at most one per citizen.

    ``supporter_key`` is a salted hash of the citizen's browser token.
    """

    __tablename__ = "supports"
    __table_args__ = (UniqueConstraint("message_id", "supporter_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    supporter_key: Mapped[str] = mapped_column(String(64))
    stance: Mapped[str] = mapped_column(String(8), default="support", server_default="support")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeadlineExtension(Base):
    """A request to extend a case's deadline, decided by the office head."""

    __tablename__ = "deadline_extensions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    message: Mapped[Message] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class SubmissionKey(Base):
    """A submission's idempotency key (the API's ``Idempotency-Key``, the portal's form token).

    Written in the transaction that stores the message, so a repeated request
    finds it even when the first answer was lost. ``secret_encrypted`` keeps the
    citizen's secret for the replay window only (cleared afterwards).
    """

    __tablename__ = "submission_keys"
    __table_args__ = (
        # the keys whose secret is still kept (cleared after the replay window)
        Index(
            "ix_submission_keys_secret_kept",
            "created_at",
            sqlite_where=text("secret_encrypted IS NOT NULL"),
            postgresql_where=text("secret_encrypted IS NOT NULL"),
        ),
    )

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
