"""Online research (网上调研): activity sessions noted from an official's work on the platform, and
manual entries (surveys, live Q&A, field visits), counted toward the research quota."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

import massline.models.issues  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.messages  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.people  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow

#: what a manual entry records: an online survey, a live Q&A session, a field visit
RESEARCH_ENTRY_KINDS = ("survey", "live_qa", "field_visit")
RESEARCH_ENTRY_LABELS = {"survey": "网上问卷调查", "live_qa": "在线答问", "field_visit": "实地调研"}


class ResearchActivity(Base):
    """One run of an official's work in the workbench: pages and actions closer together than the idle
    cutoff. ``seconds`` sums the gaps between its events; the per-kind counts say what the time was spent on."""

    __tablename__ = "research_activity"
    __table_args__ = (Index("ix_research_activity_user_last", "user_id", "last_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    events: Mapped[int] = mapped_column(Integer, default=1)
    reading: Mapped[int] = mapped_column(Integer, default=0)
    analysis: Mapped[int] = mapped_column(Integer, default=0)
    replying: Mapped[int] = mapped_column(Integer, default=0)
    meeting: Mapped[int] = mapped_column(Integer, default=0)


class ResearchEntry(Base):
    """A piece of research entered by hand: when, how long, online or not, what was learned and what it
    led to (optionally linked to an issue or a case)."""

    __tablename__ = "research_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    online: Mapped[bool] = mapped_column(Boolean)
    findings: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text, default="")
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        """The kind's Chinese name."""
        return RESEARCH_ENTRY_LABELS.get(self.kind, self.kind)


class ResearchCaseView(Base):
    """The first time an official opened a case in the workbench: the cadence ledger's "read but silent"
    (cases opened and never answered) comes from these rows."""

    __tablename__ = "research_case_views"
    __table_args__ = (UniqueConstraint("user_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
