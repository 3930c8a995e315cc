"""Manual research entries: an online survey, a live Q&A session, a field visit, each with its
date, hours, online or offline, its findings (what was learned) and what it led to."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import RESEARCH_ENTRY_KINDS, ResearchEntry, User
from massline.services import audit
from massline.services.access import access_issue_by_id, access_message_by_id
from massline.services.deployment import deployment_zone
from massline.services.errors import NotFound, ValidationFailed


class EntryInput(BaseModel):
    """A manual research entry as the form or the API gives it (validated by ``check_add_entry``)."""

    kind: str = Field(title="调研方式")
    title: str = Field(min_length=1, max_length=200, title="调研主题")
    held_on: date = Field(title="调研日期")
    hours: float = Field(gt=0, le=24, title="时长（小时）")
    online: bool = Field(title="网上或线下")
    findings: str = Field(min_length=5, max_length=5000, title="调研发现")
    outcome: str = Field(default="", max_length=5000, title="成果转化")
    issue_id: int | None = Field(default=None, title="关联问题编号")
    message_id: int | None = Field(default=None, title="关联留言编号")

    @field_validator("title", "findings", "outcome", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def check_add_entry(session: Session, user: User, data: EntryInput, now: datetime) -> ResearchEntry:
    """Add ``user``'s own research entry (audited); ``ValidationFailed`` with Chinese messages when the
    kind is unknown, the date is in the future, or the linked issue or case is not one they may read."""
    errors: dict[str, str] = {}
    today = now.astimezone(deployment_zone(session)).date()
    if data.kind not in RESEARCH_ENTRY_KINDS:
        errors["kind"] = "请选择调研方式"
    if data.held_on > today:
        errors["held_on"] = "调研日期不能晚于今天"
    if data.held_on.year < today.year - 1:
        errors["held_on"] = "只能补记今年和去年的调研"
    if data.issue_id is not None:
        try:
            access_issue_by_id(session, user, data.issue_id)
        except NotFound:
            errors["issue_id"] = "找不到该问题，或您无权查看"
    if data.message_id is not None:
        try:
            access_message_by_id(session, user, data.message_id)
        except NotFound:
            errors["message_id"] = "找不到该留言，或您无权查看"
    if errors:
        raise ValidationFailed(errors)
    entry = ResearchEntry(
        user_id=user.id, kind=data.kind, title=data.title, held_on=data.held_on, minutes=round(data.hours * 60),
        online=data.online, findings=data.findings, outcome=data.outcome, issue_id=data.issue_id,
        message_id=data.message_id, created_at=now,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    audit.record(session, user, "research_entry_added", "research_entry", entry.id, kind=data.kind)
    return entry


def entries_of(session: Session, user_id: int, year: int) -> list[ResearchEntry]:
    """The official's manual entries held in ``year``, newest first."""
    query = select(ResearchEntry).where(
        ResearchEntry.user_id == user_id,
        ResearchEntry.held_on >= date(year, 1, 1),
        ResearchEntry.held_on <= date(year, 12, 31),
    )
    return list(session.scalars(query.order_by(ResearchEntry.held_on.desc(), ResearchEntry.id.desc())))
