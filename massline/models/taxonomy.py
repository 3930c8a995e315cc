"""The configurable three-level category taxonomy (领域 / 一级标签 ...)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from massline.models.base import Base


class Category(Base):
    """A taxonomy node; ``path`` is the names joined by "/" (城乡建设/安全生产)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(300), unique=True)
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)

    parent: Mapped[Category | None] = relationship(remote_side=[id])

    @property
    def top_name(self) -> str:
        """The first-level category's name."""
        return self.path.split("/", 1)[0]
