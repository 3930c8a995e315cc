"""Pilot registration beforehand (事前备案): an official registers a new approach — what, why, the
risks and the period — before trying it; a later tolerance review shows the registrations whose
period covers the case."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import TolerancePilot, User
from massline.services import audit
from massline.services.access import pilot_scope
from massline.services.errors import ValidationFailed


class PilotInput(BaseModel):
    """A pilot registration as the form gives it."""

    title: str = Field(min_length=2, max_length=200, title="新做法")
    reason: str = Field(min_length=5, max_length=5000, title="理由")
    risks: str = Field(min_length=2, max_length=5000, title="可能的风险")
    starts_on: date = Field(title="开始日期")
    ends_on: date = Field(title="结束日期")

    @field_validator("title", "reason", "risks", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


def check_register_pilot(session: Session, official: User, data: PilotInput, now: datetime) -> TolerancePilot:
    """Register ``official``'s own pilot approach (audited); the period must not end before it starts."""
    if data.ends_on < data.starts_on:
        raise ValidationFailed({"ends_on": "结束日期不能早于开始日期"})
    pilot = TolerancePilot(official_id=official.id, title=data.title, reason=data.reason, risks=data.risks,
                           starts_on=data.starts_on, ends_on=data.ends_on, created_at=now)  # fmt: skip
    session.add(pilot)
    session.flush()
    audit.record(session, official, "tolerance_pilot_registered", "tolerance_pilot", pilot.id)
    return pilot


def pilots_for(session: Session, viewer: User) -> list[TolerancePilot]:
    """The registrations ``viewer`` may read (their own; every one for reviewers), newest first."""
    query = select(TolerancePilot).where(pilot_scope(viewer))
    return list(session.scalars(query.order_by(TolerancePilot.created_at.desc(), TolerancePilot.id.desc())))


def covering_pilots(session: Session, official_id: int, at: datetime) -> list[TolerancePilot]:
    """The official's registrations made before ``at`` (the case's time) whose period covers its day."""
    on = at.date()
    query = select(TolerancePilot).where(
        TolerancePilot.official_id == official_id, TolerancePilot.created_at <= at,
        TolerancePilot.starts_on <= on, TolerancePilot.ends_on >= on,
    )  # fmt: skip
    return list(session.scalars(query.order_by(TolerancePilot.starts_on)))
