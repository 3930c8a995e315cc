"""The error-tolerance review (容错纠错) of an official's online statement or reply that went wrong, and
the pilot approaches officials register beforehand (事前备案)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.messages  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.people import User

#: the decisions of a review: 容错免责, 减轻, 不予容错
TOLERANCE_DECISIONS = ("exempt", "mitigate", "refuse")
TOLERANCE_DECISION_LABELS = {"exempt": "容错免责", "mitigate": "从轻减轻", "refuse": "不予容错"}


class TolerancePilot(Base):
    """A new approach an official registered before trying it (事前备案): what, why, the risks, the period."""

    __tablename__ = "tolerance_pilots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    risks: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ToleranceReview(Base):
    """The review of one case where an official's online statement or reply went wrong: the facts, the
    official's own account, the criteria applied (``criteria``: key -> {"checked", "note"}), the decision
    and its reasons, and an appeal decided by a reviewer other than the first."""

    __tablename__ = "tolerance_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="SET NULL"))
    facts: Mapped[str] = mapped_column(Text)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    account: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision: Mapped[str | None] = mapped_column(String(10))
    reasons: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    appeal: Mapped[str] = mapped_column(Text, default="")
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_decision: Mapped[str | None] = mapped_column(String(10))
    appeal_reasons: Mapped[str] = mapped_column(Text, default="")
    appeal_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appeal_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    official: Mapped[User] = relationship(foreign_keys=[official_id])

    @property
    def final_decision(self) -> str | None:
        """The decision in force: the appeal's when one was decided, else the first."""
        return self.appeal_decision or self.decision

    @property
    def status(self) -> str:
        """Where the review stands, in Chinese."""
        if self.appeal_decided_at:
            return "申诉已复核"
        if self.appealed_at:
            return "申诉待复核"
        if self.decided_at:
            return "已作出认定"
        return "待认定"
