"""Deadlines edited in the browser (办理期限): the default days to answer, how many days before its
deadline a case is "due soon", and the rules by category and/or kind. A later configuration load
replaces all of them with the deployment file's ``deadlines:``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import KINDS, Category, DeadlineRule, SiteSetting, User
from massline.services.deployment.changes import configuration_changed, require_admin, set_setting
from massline.services.errors import NotFound, ValidationFailed

DEFAULT_DAYS = 15
DEFAULT_DUE_SOON = 2
MAX_DAYS = 365


@dataclass(frozen=True)
class RuleRow:
    """A deadline rule as the page shows it (``category``: a path, or None for every category)."""

    id: int
    category: str | None
    kind: str | None
    days: int


@dataclass(frozen=True)
class Deadlines:
    """The deployment's deadlines: the defaults and the rules."""

    default_days: int
    due_soon_days: int
    rules: list[RuleRow]


def _setting(session: Session, key: str, default: int) -> int:
    row = session.get(SiteSetting, key)
    return int(row.value) if row else default


def deadlines(session: Session, actor: User) -> Deadlines:
    """The defaults and every rule, most specific first (admins only)."""
    require_admin(actor)
    rows = session.execute(
        select(DeadlineRule.id, Category.path, DeadlineRule.kind, DeadlineRule.days)
        .outerjoin(Category, Category.id == DeadlineRule.category_id)
        .order_by(Category.path.is_(None), Category.path, DeadlineRule.kind, DeadlineRule.id)
    )
    return Deadlines(
        _setting(session, "default_deadline_days", DEFAULT_DAYS),
        _setting(session, "due_soon_days", DEFAULT_DUE_SOON),
        [RuleRow(*row) for row in rows],
    )


def _days(raw: str, field: str, label: str, low: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValidationFailed({field: f"{label}须为整数"}) from None
    if not low <= value <= MAX_DAYS:
        raise ValidationFailed({field: f"{label}须在 {low}–{MAX_DAYS} 天之间"})
    return value


def check_set_deadline_defaults(session: Session, actor: User, default_days: str, due_soon_days: str) -> None:
    """Set the default days to answer (1–365) and the due-soon days (0–365, fewer than the default);
    new deadlines use them at once (admins only, audited ``deadlines_updated``)."""
    require_admin(actor)
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for field, raw, label, low in (("default_days", default_days, "默认办理期限", 1),
                                   ("due_soon_days", due_soon_days, "临期提醒天数", 0)):
        try:
            values[field] = _days(raw, field, label, low)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if not errors and values["due_soon_days"] >= values["default_days"]:
        errors["due_soon_days"] = "临期提醒天数须小于默认办理期限"
    if errors:
        raise ValidationFailed(errors)
    before = deadlines(session, actor)
    set_setting(session, "default_deadline_days", str(values["default_days"]))
    set_setting(session, "due_soon_days", str(values["due_soon_days"]))
    configuration_changed(session, actor, "deadlines_updated", "deadlines", None,
                          default_days=[before.default_days, values["default_days"]],
                          due_soon_days=[before.due_soon_days, values["due_soon_days"]])


def check_set_deadline_rule(session: Session, actor: User, category: str, kind: str, days: str) -> DeadlineRule:
    """Add a rule for a category (a path) and/or a kind, or change the days of the rule for the same pair
    (admins only, audited ``deadline_rule_set``). The most specific rule wins."""
    require_admin(actor)
    errors: dict[str, str] = {}
    found = session.scalar(select(Category).where(Category.path == category)) if category else None
    if category and found is None:
        errors["category"] = f"领域 {category} 不存在"
    if kind and kind not in KINDS:
        errors["kind"] = "类型须为：" + "、".join(KINDS)
    if not category and not kind:
        errors["category"] = "规则至少需要指定领域或类型之一"
    try:
        value = _days(days, "days", "办理期限", 1)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    category_id = found.id if found else None
    rule = session.scalar(select(DeadlineRule).where(
        DeadlineRule.category_id.is_(None) if category_id is None else DeadlineRule.category_id == category_id,
        DeadlineRule.kind.is_(None) if not kind else DeadlineRule.kind == kind,
    ))
    before = rule.days if rule else None
    if rule is None:
        rule = DeadlineRule(category_id=category_id, kind=kind or None, days=value)
        session.add(rule)
    rule.days = value
    session.flush()
    configuration_changed(session, actor, "deadline_rule_set", "deadline_rule", rule.id,
                          category=category or None, kind=kind or None, days=[before, value])
    return rule


def check_delete_deadline_rule(session: Session, actor: User, rule_id: int) -> None:
    """Delete a deadline rule (admins only, audited ``deadline_rule_deleted``); cases already on a
    deadline keep it, new deadlines follow the remaining rules."""
    require_admin(actor)
    rule = session.get(DeadlineRule, rule_id)
    if rule is None:
        raise NotFound("未找到该期限规则")
    category = session.get(Category, rule.category_id) if rule.category_id is not None else None
    detail = {"category": category.path if category else None, "kind": rule.kind, "days": rule.days}
    session.delete(rule)
    session.flush()
    configuration_changed(session, actor, "deadline_rule_deleted", "deadline_rule", rule_id, **detail)
