"""The admin's office pages under ``/staff/admin/offices``: every office with its active accounts
(单位), adding an office, and editing one (name, region, categories answered, dispatch centre).

Who may is ``services.deployment``'s chokepoint (the admin, through ``CurrentAdmin`` and
``access_office_for_admin``); the changes are ``services.deployment``'s, audited there and taking
effect like a configuration load.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Category, Office, Region, User
from massline.services import deployment, people
from massline.services.errors import ValidationFailed
from massline.web.deps import CsrfChecked, CurrentAdmin, PlatformDep, SessionDep
from massline.web.ids import PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff/admin/offices", include_in_schema=False)
Field = Annotated[str, Form(max_length=200)]
Categories = Annotated[list[Annotated[str, Form(max_length=300)]], Form(max_length=200)]


def _choices(session: Session) -> dict[str, object]:
    return {
        "regions": session.scalars(select(Region).order_by(Region.path)).all(),
        "top_categories": list(session.scalars(select(Category.path).where(Category.level == 1).order_by(Category.id))),
    }


def _list_page(
    request: Request, session: Session, admin: User, *, errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None, status: int = 200,
) -> Response:
    return render(request, "staff/admin_offices.html", {
        "user": admin, "nav": "admin_offices", "rows": people.office_staffing(session, admin),
        "errors": errors or {}, "values": values or {"categories": []}, **_choices(session),
    }, status_code=status)


def _edit_page(
    request: Request, session: Session, admin: User, office: Office, *, errors: dict[str, str] | None = None,
    values: dict[str, object] | None = None, status: int = 200,
) -> Response:
    current = {"name": office.name, "region": office.region.code, "dispatch": office.is_dispatch,
               "categories": [c.path for c in office.categories]}
    return render(request, "staff/admin_office.html", {
        "user": admin, "nav": "admin_offices", "office": office, "errors": errors or {},
        "values": values or current, **_choices(session),
    }, status_code=status)


@router.get("", response_class=HTMLResponse)
def offices(request: Request, admin: CurrentAdmin, session: SessionDep) -> Response:
    """Every office with its active accounts (an office where nobody can take a case is marked), and the
    form to add one (admins only)."""
    return _list_page(request, session, admin)


@router.post("", dependencies=[CsrfChecked])
def add_office(
    request: Request, admin: CurrentAdmin, platform: PlatformDep, code: Field = "", name: Field = "",
    region: Field = "", categories: Categories = [], dispatch: Annotated[str, Form(max_length=1)] = "",  # noqa: B006
) -> Response:
    """Add an office (audited); routing may send cases there at once."""
    data = deployment.OfficeInput(name=name, region=region, categories=categories, dispatch=dispatch == "1", code=code)
    try:
        with platform.write() as session:
            actor = session.get(User, admin.id)
            assert actor is not None
            deployment.check_add_office(session, actor, data)
    except ValidationFailed as exc:
        values = {"code": code, "name": name, "region": region, "categories": categories, "dispatch": data.dispatch}
        with platform.read() as session:
            return _list_page(request, session, admin, errors=exc.errors, values=values, status=422)
    flash(request, f"单位 {data.name.strip()} 已添加。请在账号管理中为其创建账号，否则派到那里的留言无人办理。")
    return RedirectResponse("/staff/admin/offices", status_code=303)


@router.get("/{office_id}", response_class=HTMLResponse)
def office_form(request: Request, office_id: PathId, admin: CurrentAdmin, session: SessionDep) -> Response:
    """The form to edit an office (admins only)."""
    return _edit_page(request, session, admin, deployment.access_office_for_admin(session, admin, office_id))


@router.post("/{office_id}", dependencies=[CsrfChecked])
def update_office(
    request: Request, office_id: PathId, admin: CurrentAdmin, platform: PlatformDep, name: Field = "",
    region: Field = "", categories: Categories = [], dispatch: Annotated[str, Form(max_length=1)] = "",  # noqa: B006
) -> Response:
    """Change an office's name, region, categories answered and dispatch flag (audited); routing uses them at once."""
    data = deployment.OfficeInput(name=name, region=region, categories=categories, dispatch=dispatch == "1")
    try:
        with platform.write() as session:
            actor = session.get(User, admin.id)
            assert actor is not None
            deployment.check_update_office(session, actor, office_id, data)
    except ValidationFailed as exc:
        values = {"name": name, "region": region, "categories": categories, "dispatch": data.dispatch}
        with platform.read() as session:
            office = deployment.access_office_for_admin(session, admin, office_id)
            return _edit_page(request, session, admin, office, errors=exc.errors, values=values, status=422)
    flash(request, f"单位 {data.name.strip()} 已修改，新的分派规则立即生效。")
    return RedirectResponse("/staff/admin/offices", status_code=303)
