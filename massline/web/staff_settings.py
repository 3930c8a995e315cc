"""The admin's configuration pages under ``/staff/admin``: the taxonomy (分类), deadlines (办理期限),
and the casework policy with, read-only, the category model's status (办理规则与分类模型).

Who may is the admin (``CurrentAdmin``; the services check again); the changes are
``services.deployment``'s, audited there and taking effect like a configuration load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import KINDS, Category, User
from massline.services import deployment
from massline.services.classifier import model_status
from massline.services.errors import ValidationFailed
from massline.web.deps import CsrfChecked, CurrentAdmin, PlatformDep, SessionDep
from massline.web.ids import PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff/admin", include_in_schema=False)
Field = Annotated[str, Form(max_length=300)]

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


# ---- casework policy and the category model ------------------------------------------------------


def _casework_page(
    request: Request, session: Session, admin: User, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    platform = request.app.state.platform
    return render(request, "staff/admin_casework.html", {
        "user": admin, "nav": "admin_casework", "fields": deployment.policy_fields(session, admin),
        "errors": errors or {}, "values": values,
        "model": model_status(session, platform.settings.classifier_model_path),
        "threshold": platform.settings.classifier_threshold,
    })


@router.get("/casework", response_class=HTMLResponse)
def casework(request: Request, admin: CurrentAdmin, session: SessionDep) -> Response:
    """The deployment's casework policy (its file's ``casework:``), with the form to change it, and whether
    a category model routes new messages, with what to do when none does (admins only)."""
    return _casework_page(request, session, admin)


@router.post("/casework", dependencies=[CsrfChecked])
async def set_casework_policy(request: Request, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Replace the casework policy (validated like the deployment file's ``casework:``); audited."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token" and len(v) <= 20}

    def change(session: Session, actor: User) -> str:
        changed = deployment.check_set_casework_policy(session, actor, values)
        return "办理规则已保存，立即生效。" if changed else "办理规则没有变化。"
    return await run_in_threadpool(_change, request, platform, admin, change, "/staff/admin/casework",
                                   _casework_page, values)
