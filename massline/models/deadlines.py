"""Reply deadlines per category and kind."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

import massline.models.taxonomy  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base


class DeadlineRule(Base):
    """Days to answer; the most specific rule wins (category+kind > category > kind > default)."""

    __tablename__ = "deadline_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    kind: Mapped[str | None] = mapped_column(String(10))
    days: Mapped[int] = mapped_column(Integer)


class SiteSetting(Base):
    """Deployment-wide values loaded from the configuration (name, due-soon days ...)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))
