"""Early-warning alerts (预警): bursts of an issue, a category or a region, and urgent new issues."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.issues  # noqa: F401 - loads the tables this module's foreign keys and relationships name
import massline.models.people  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Office

ALERT_KINDS = ("burst_issue", "burst_category", "burst_region", "urgent_new_issue")
ALERT_KIND_LABELS = {
    "burst_issue": "问题留言激增",
    "burst_category": "领域留言激增",
    "burst_region": "区域留言激增",
    "urgent_new_issue": "新问题含紧急风险",
}
ALERT_STATUSES = ("open", "acknowledged", "resolved")
ALERT_STATUS_LABELS = {"open": "待处理", "acknowledged": "已知悉", "resolved": "已解除"}


class Alert(Base):
    """One early warning. While not resolved, its ``dedupe_key`` is unique: a repeated
    trigger updates this row (count, last time, evidence) instead of adding another."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_dedupe_key_unresolved",
            "dedupe_key",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_alerts_status_last", "status", "last_triggered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    dedupe_key: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(12), default="open")
    title: Mapped[str] = mapped_column(String(300), default="")
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    first_triggered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_triggered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trigger_count: Mapped[int] = mapped_column(Integer, default=1)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(1000), default="")

    office: Mapped[Office | None] = relationship()

    @property
    def kind_label(self) -> str:
        """The kind in Chinese."""
        return ALERT_KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return ALERT_STATUS_LABELS.get(self.status, self.status)
