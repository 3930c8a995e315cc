"""Supervision of deadlines and the follow-up of replied cases: the steps of the deadline ladder
taken for a case (reminded, escalated to the office head, to the dispatch centre) and the 回访
(callbacks) in which the dispatch centre asks the citizen by phone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.messages import Message
from massline.models.people import User

#: the steps of the deadline ladder, in order: reminder before the deadline, then escalation
DEADLINE_STEPS = ("remind", "head", "centre")
#: the citizen's answers in a 回访, kept apart: was the problem solved, and are they satisfied
RESOLVED_ANSWERS = ("已解决", "部分解决", "未解决")
SATISFIED_ANSWERS = ("满意", "基本满意", "不满意")


class DeadlineStep(Base):
    """One step of the deadline ladder taken for a case and one deadline, at most once.

    ``due_at`` is the deadline the step was taken for: when an extension or a
    reopen moves the deadline, the ladder starts again from the new one.
    """

    __tablename__ = "deadline_steps"
    __table_args__ = (UniqueConstraint("message_id", "step", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Callback(Base):
    """One 回访: the dispatch centre called the citizen about a replied case.

    ``reached`` False records a try in which nobody answered. When reached,
    ``resolved`` (已解决/部分解决/未解决) and ``satisfied`` (满意/基本满意/不满意) are the
    citizen's two answers, stored apart: resolution and satisfaction are different figures;
    ``contacted`` is their answer to "did the office contact you" (the 响应率 of
    accountability; None when not asked).
    """

    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id"))
    reached: Mapped[bool] = mapped_column(Boolean, default=True)
    resolved: Mapped[str | None] = mapped_column(String(8))
    satisfied: Mapped[str | None] = mapped_column(String(8))
    contacted: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[Message] = relationship()
    by: Mapped[User | None] = relationship()
