"""Accounts of officials and staff. Citizens need no account."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Office
from massline.models.regions import Region

ROLES = ("citizen", "official", "dispatcher", "office_head", "leader", "supervisor", "admin")
ROLE_LABELS = {
    "citizen": "群众",
    "official": "经办人",
    "dispatcher": "派单员",
    "office_head": "单位负责人",
    "leader": "领导",
    "supervisor": "监督员",
    "admin": "管理员",
}


class User(Base):
    """A staff account; ``password_hash`` is argon2. ``token_version`` bumps
    on password reset so old sessions and API tokens stop working (the reset
    also revokes the user's ``WebSession`` rows)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: unused: accounts are no longer locked (failed logins are throttled per address and username,
    #: ``services.ratelimit``); kept so that older databases need no table rebuild
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    #: the leader's level for the research quota ("provincial" 省部级, "city_county" 市县级); None: from the
    #: level of the user's region (or their office's): a province means provincial, anything else city/county
    research_level: Mapped[str | None] = mapped_column(String(20))
    #: the official agrees to be named with their exemplary replies in the monthly report (set on their own
    #: account page; without it the report shows the office only)
    name_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def role_label(self) -> str:
        """The role's Chinese name."""
        return ROLE_LABELS.get(self.role, self.role)
