"""Offices (单位/部门) that own a region and categories, and their leaders."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base
from massline.models.regions import Region
from massline.models.taxonomy import Category

office_categories = Table(
    "office_categories",
    Base.metadata,
    Column("office_id", ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Office(Base):
    """A unit that answers messages about its region and categories."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    is_dispatch: Mapped[bool] = mapped_column(Boolean, default=False)

    region: Mapped[Region] = relationship()
    categories: Mapped[list[Category]] = relationship(secondary=office_categories)
    leaders: Mapped[list[Leader]] = relationship(back_populates="office", cascade="all, delete-orphan")


class Leader(Base):
    """A leader of an office whom a citizen may address by title (局长, 区长 ...)."""

    __tablename__ = "leaders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))

    office: Mapped[Office] = relationship(back_populates="leaders")
