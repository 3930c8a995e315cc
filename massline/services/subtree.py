"""Filters by a region or a category that include everything under it.

A district filter matches what was filed at its streets and communities
(``Region.path`` is the materialised ancestry "/3/17/", so the subtree is one
``LIKE 'prefix%'``); a first-level category matches its sub-categories
(``Category.path`` "城乡建设/安全生产" starts with "城乡建设/"). The same rule as
``services.board`` applies to messages.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from massline.models import Category, Region


def region_subtree(session: Session, region_id: int) -> Select[Any]:
    """SELECT of the ids of the region and every region under it (none when the region is unknown)."""
    path = session.scalar(select(Region.path).where(Region.id == region_id))
    if not path:
        return select(Region.id).where(Region.id == region_id)
    return select(Region.id).where(Region.path.startswith(path, autoescape=True))


def category_subtree(session: Session, category_id: int) -> Select[Any]:
    """SELECT of the ids of the category and every category under it (none when the category is unknown)."""
    path = session.scalar(select(Category.path).where(Category.id == category_id))
    if path is None:
        return select(Category.id).where(false())
    return select(Category.id).where(or_(Category.path == path, Category.path.startswith(f"{path}/", autoescape=True)))


def in_region(session: Session, column: Any, region_id: int | None) -> ColumnElement[bool] | None:
    """Condition: ``column`` (a region id) lies in the subtree of ``region_id``; None when no filter."""
    return None if region_id is None else column.in_(region_subtree(session, region_id))


def in_category(session: Session, column: Any, category_id: int | None) -> ColumnElement[bool] | None:
    """Condition: ``column`` (a category id) lies in the subtree of ``category_id``; None when no filter."""
    return None if category_id is None else column.in_(category_subtree(session, category_id))
