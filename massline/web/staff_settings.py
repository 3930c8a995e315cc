"""The admin's configuration pages under ``/staff/admin``: the taxonomy (分类), deadlines (办理期限),
and, read-only, the casework policy with the category model's status (办理规则与分类模型).

Who may is the admin (``CurrentAdmin``; the services check again); the changes are
``services.deployment``'s, audited there and taking effect like a configuration load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import KINDS, Category, User
from massline.services import deployment
from massline.services.classifier import model_status
from massline.services.errors import ValidationFailed
from massline.services.policy import casework_policy
from massline.web.deps import CsrfChecked, CurrentAdmin, PlatformDep, SessionDep
from massline.web.ids import PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff/admin", include_in_schema=False)
Field = Annotated[str, Form(max_length=300)]

#: the casework policy's fields as the page names them (the deployment file's ``casework:`` keys)
POLICY_LABELS = {
    "moderation": ("留言审核", {"pre": "先审后发（审核通过才公开）", "post": "先发后审（立即公开，事后审核）"}),
    "reply_approval": ("答复须经单位负责人审批后发布", None),
    "centre_approves_transfers": ("退单（转办）由派单中心审批", None),
    "centre_approves_extensions": ("延期由派单中心审批", None),
    "remind_before_hours": ("到期前提醒（小时，0 为不提醒）", None),
    "escalate_to_head_after_hours": ("超期后升级到单位负责人（小时）", None),
    "escalate_to_centre_after_hours": ("超期后升级到派单中心（小时）", None),
    "close_after_days": ("答复后无人评价自动办结（天，0 为只在评价后办结）", None),
    "callback_after_days": ("答复后无人评价进入回访（天）", None),
}


def _row(key: str, value: Any) -> tuple[str, str]:
    """The label and the shown value of a policy field (a field without a label shows its key)."""
    label, choices = POLICY_LABELS.get(key, (key, None))
    if isinstance(value, bool):
        return label, "是" if value else "否"
    return label, choices.get(value, str(value)) if choices else str(value)


def _done(request: Request, message: str, url: str) -> Response:
    flash(request, message)
    return RedirectResponse(url, status_code=303)


def _change(
    request: Request, platform: PlatformDep, admin: User, change: Callable[[Session, User], str], url: str,
    page: Callable[[Request, Session, User, dict[str, str], dict[str, str]], Response], values: dict[str, str],
) -> Response:
    """Run ``change`` in a write transaction as the admin; its message is flashed, or the page shown again
    with the errors (422)."""
    try:
        with platform.write() as session:
            actor = session.get(User, admin.id)
            assert actor is not None
            message = change(session, actor)
    except ValidationFailed as exc:
        with platform.read() as session:
            response = page(request, session, admin, exc.errors, values)
            response.status_code = 422
            return response
    return _done(request, message, url)


# ---- taxonomy ----------------------------------------------------------------------------------


def _taxonomy_page(
    request: Request, session: Session, admin: User, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    return render(request, "staff/admin_taxonomy.html", {
        "user": admin, "nav": "admin_taxonomy", "rows": deployment.taxonomy_rows(session, admin),
        "errors": errors or {}, "values": values or {},
    })


@router.get("/taxonomy", response_class=HTMLResponse)
def taxonomy(request: Request, admin: CurrentAdmin, session: SessionDep) -> Response:
    """The three-level taxonomy with what uses each category, and the forms to add and rename (admins only)."""
    return _taxonomy_page(request, session, admin)


@router.post("/taxonomy", dependencies=[CsrfChecked])
def add_category(
    request: Request, admin: CurrentAdmin, platform: PlatformDep, name: Field = "",
    parent: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Add a category (first level, or under ``parent``, a category id); audited."""
    def change(session: Session, actor: User) -> str:
        parent_id = int(parent) if parent.isdigit() else None
        if parent and parent_id is None:
            raise ValidationFailed({"parent": "上级分类不存在"})
        return f"分类“{deployment.check_add_category(session, actor, name, parent_id).path}”已添加。"
    return _change(request, platform, admin, change, "/staff/admin/taxonomy", _taxonomy_page,
                   {"name": name, "parent": parent})


@router.post("/taxonomy/{category_id}", dependencies=[CsrfChecked])
def rename_category(
    request: Request, category_id: PathId, admin: CurrentAdmin, platform: PlatformDep, name: Field = "",
) -> Response:
    """Rename a category (its sub-categories follow); audited."""
    def change(session: Session, actor: User) -> str:
        try:
            renamed = deployment.check_rename_category(session, actor, category_id, name)
        except ValidationFailed as exc:  # shown on top, not at the form that adds a category
            raise ValidationFailed({"rename": exc.message}) from None
        return f"分类已改名为“{renamed.path}”。"
    return _change(request, platform, admin, change, "/staff/admin/taxonomy", _taxonomy_page, {})


@router.post("/taxonomy/{category_id}/delete", dependencies=[CsrfChecked])
def delete_category(request: Request, category_id: PathId, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Delete a category nothing uses; audited."""
    def change(session: Session, actor: User) -> str:
        return f"分类“{deployment.check_delete_category(session, actor, category_id)}”已删除。"
    return _change(request, platform, admin, change, "/staff/admin/taxonomy", _taxonomy_page, {})


# ---- deadlines ---------------------------------------------------------------------------------


def _deadlines_page(
    request: Request, session: Session, admin: User, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    current = deployment.deadlines(session, admin)
    shown = {"default_days": str(current.default_days), "due_soon_days": str(current.due_soon_days), **(values or {})}
    return render(request, "staff/admin_deadlines.html", {
        "user": admin, "nav": "admin_deadlines", "deadlines": current, "errors": errors or {}, "values": shown,
        "categories": session.scalars(select(Category.path).order_by(Category.path)).all(), "kinds": KINDS,
    })


@router.get("/deadlines", response_class=HTMLResponse)
def deadlines(request: Request, admin: CurrentAdmin, session: SessionDep) -> Response:
    """The default deadline, the due-soon days and the rules by category and kind (admins only)."""
    return _deadlines_page(request, session, admin)


@router.post("/deadlines", dependencies=[CsrfChecked])
def set_deadline_defaults(
    request: Request, admin: CurrentAdmin, platform: PlatformDep, default_days: Field = "", due_soon_days: Field = "",
) -> Response:
    """Set the default days to answer and the due-soon days; audited."""
    def change(session: Session, actor: User) -> str:
        deployment.check_set_deadline_defaults(session, actor, default_days, due_soon_days)
        return "默认办理期限已保存，新分派的留言按此计算期限。"
    return _change(request, platform, admin, change, "/staff/admin/deadlines", _deadlines_page,
                   {"default_days": default_days, "due_soon_days": due_soon_days})


@router.post("/deadlines/rules", dependencies=[CsrfChecked])
def set_deadline_rule(
    request: Request, admin: CurrentAdmin, platform: PlatformDep, category: Field = "", kind: Field = "",
    days: Field = "",
) -> Response:
    """Add a rule (or change the days of the rule for the same category and kind); audited."""
    def change(session: Session, actor: User) -> str:
        deployment.check_set_deadline_rule(session, actor, category, kind, days)
        return "期限规则已保存。"
    return _change(request, platform, admin, change, "/staff/admin/deadlines", _deadlines_page,
                   {"category": category, "kind": kind, "days": days})


@router.post("/deadlines/rules/{rule_id}/delete", dependencies=[CsrfChecked])
def delete_deadline_rule(request: Request, rule_id: PathId, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Delete a deadline rule; audited."""
    def change(session: Session, actor: User) -> str:
        deployment.check_delete_deadline_rule(session, actor, rule_id)
        return "期限规则已删除。"
    return _change(request, platform, admin, change, "/staff/admin/deadlines", _deadlines_page, {})


# ---- casework policy and the category model (read-only) ----------------------------------------


@router.get("/casework", response_class=HTMLResponse)
def casework(request: Request, admin: CurrentAdmin, platform: PlatformDep, session: SessionDep) -> Response:
    """The deployment's casework policy (its file's ``casework:``) and whether a category model routes
    new messages, with what to do when none does (admins only)."""
    policy = casework_policy(session)
    rows = [(key, *_row(key, getattr(policy, key))) for key in type(policy).model_fields]
    return render(request, "staff/admin_casework.html", {
        "user": admin, "nav": "admin_casework", "policy_rows": rows,
        "model": model_status(session, platform.settings.classifier_model_path),
        "threshold": platform.settings.classifier_threshold,
    })
