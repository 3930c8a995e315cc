"""Issues (问题/议题): clusters of messages about one problem in one place.

Membership is ``Message.issue_id`` (a message belongs to at most one issue; one
indexed column, so the issue's figures and the public pages are one join).
The issue's clustering state is in ``issue_clusters`` (the rebuild and the
pipeline's incremental assignment), and what offices do about it (decisions,
events, replies, commitments, ratings) in ``issue_handling``: a command that
lists issues declares neither.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Office
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
