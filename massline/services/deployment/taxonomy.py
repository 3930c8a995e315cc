"""The taxonomy edited in the browser (分类管理): add a category at any of the three levels, rename
one (its sub-categories follow), delete one nobody uses. Messages, offices and deadline rules name
categories by id, so a rename keeps them; a later configuration load matches categories by path, so
a category renamed here and not in the deployment file comes back under its old name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import Category, DeadlineRule, Message, User, office_categories
from massline.services.deployment.changes import configuration_changed, require_admin
from massline.services.errors import NotFound, ValidationFailed

MAX_LEVEL = 3
NAME_MAX = 100


@dataclass(frozen=True)
class CategoryRow:
    """A category of the taxonomy page with what uses it (a used one cannot be deleted)."""

    category: Category
    messages: int
    children: int
    offices: int
    rules: int

    @property
    def deletable(self) -> bool:
        """True when nothing names the category: no message, sub-category, office or deadline rule."""
        return not (self.messages or self.children or self.offices or self.rules)


def _counts(session: Session, column: object, where: object = None) -> dict[int, int]:
    query = select(column, func.count()).group_by(column)  # type: ignore[call-overload]
    if where is not None:
        query = query.where(where)
    return {int(k): int(n) for k, n in session.execute(query) if k is not None}


def taxonomy_rows(session: Session, actor: User) -> list[CategoryRow]:
    """Every category in tree order (by path) with its uses (admins only)."""
    require_admin(actor)
    messages = _counts(session, Message.category_id)
    children = _counts(session, Category.parent_id)
    offices = _counts(session, office_categories.c.category_id)
    rules = _counts(session, DeadlineRule.category_id)
    return [
        CategoryRow(c, messages.get(c.id, 0), children.get(c.id, 0), offices.get(c.id, 0), rules.get(c.id, 0))
        for c in session.scalars(select(Category).order_by(Category.path))
    ]


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": "请填写分类名称"})
    if "/" in name:
        raise ValidationFailed({"name": "分类名称不能包含“/”"})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": f"分类名称不能超过 {NAME_MAX} 个字"})
    return name


def _taken(session: Session, path: str) -> None:
    if session.scalar(select(Category.id).where(Category.path == path)) is not None:
        raise ValidationFailed({"name": f"分类“{path}”已存在"})


def _category(session: Session, category_id: int) -> Category:
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound("未找到该分类")
    return category


def check_add_category(session: Session, actor: User, name: str, parent_id: int | None = None) -> Category:
    """Add a category under ``parent_id`` (None: a first-level one); at most three levels (admins only,
    audited ``category_added``)."""
    require_admin(actor)
    parent = _category(session, parent_id) if parent_id is not None else None
    if parent is not None and parent.level >= MAX_LEVEL:
        raise ValidationFailed({"parent": f"分类最多 {MAX_LEVEL} 级，不能在三级分类下再添加"})
    name = _clean_name(name)
    path = f"{parent.path}/{name}" if parent else name
    _taken(session, path)
    category = Category(name=name, path=path, level=parent.level + 1 if parent else 1, parent=parent)
    session.add(category)
    session.flush()
    configuration_changed(session, actor, "category_added", "category", category.id, path=path)
    return category


def check_rename_category(session: Session, actor: User, category_id: int, name: str) -> Category:
    """Rename a category; the paths of its sub-categories follow (admins only, audited
    ``category_renamed``). Its messages, offices and deadline rules stay with it."""
    require_admin(actor)
    category = _category(session, category_id)
    name = _clean_name(name)
    old = category.path
    new = f"{old.rsplit('/', 1)[0]}/{name}" if "/" in old else name
    if new == old:
        return category
    _taken(session, new)
    for sub in session.scalars(select(Category).where(Category.path.startswith(old + "/", autoescape=True))):
        sub.path = new + sub.path[len(old):]
    category.name, category.path = name, new
    configuration_changed(session, actor, "category_renamed", "category", category.id, before=old, after=new)
    return category


def check_delete_category(session: Session, actor: User, category_id: int) -> str:
    """Delete a category nothing uses (admins only, audited ``category_deleted``); returns its path.
    A category with messages, sub-categories, offices or deadline rules is refused: its history stays."""
    require_admin(actor)
    category = _category(session, category_id)
    uses = [
        _counts(session, column, column == category.id).get(category.id, 0)
        for column in (Message.category_id, Category.parent_id, office_categories.c.category_id,
                       DeadlineRule.category_id)
    ]
    if not CategoryRow(category, *uses).deletable:
        used = "已有留言、下级分类、承办单位或期限规则使用，不能删除"
        raise ValidationFailed({"category": f"分类“{category.path}”{used}"})
    path = category.path
    session.delete(category)
    session.flush()
    configuration_changed(session, actor, "category_deleted", "category", category_id, path=path)
    return path
