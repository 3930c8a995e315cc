"""The reply desk's records: the stored review of each reply version, the demands an office marked
"outside our remit" (不属本单位职责) with the office that is competent, and the 网言网语 glossary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.messages  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.people  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Office

#: when a review was stored: a saved draft, or the reply as published
REVIEW_STAGES = ("draft", "published")


class ReplyReview(Base):
    """A reply's review as stored when the reply was saved (one row per version of its text) or
    published; ``scores`` holds each criterion (score, evidence, suggestion), the weights and the
    demands left unanswered; ``total`` is the overall score (总分)."""

    __tablename__ = "reply_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    stage: Mapped[str] = mapped_column(String(10), default="draft")
    total: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class DemandReferral(Base):
    """A demand of a message (its span in ``title + "。" + body``) that the handling office marked as
    outside its remit, naming the competent office; the review counts it as answered."""

    __tablename__ = "demand_referrals"
    __table_args__ = (UniqueConstraint("message_id", "span_start", "span_end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    demand_text: Mapped[str] = mapped_column(Text)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office] = relationship()


class GlossaryTerm(Base):
    """A term of the 网言网语 glossary: the expression, its variants, its plain meaning, a usage note, an
    example, whether it suits an official reply (and a hint for replies). Seeded from the shipped file
    when empty; admins edit it in the browser."""

    __tablename__ = "glossary_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(40), unique=True)
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    meaning: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    suits_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_hint: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
