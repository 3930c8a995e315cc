"""Jurisdictions: city › district/county › street/town › community."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base

REGION_LEVELS = ("province", "city", "district", "county", "street", "town", "community")


class Region(Base):
    """A node of the jurisdiction tree. ``path`` is a materialised ancestry
    ("/3/17/42/") so a subtree is one ``LIKE 'prefix%'`` away."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)

    parent: Mapped[Region | None] = relationship(remote_side=[id])
