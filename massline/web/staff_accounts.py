"""Staff account pages under ``/staff``: one's own password (修改密码) and consent to be named in the
monthly report, and the admin's pages
(账号管理: list, create, change the role and office, deactivate/reactivate, reset a password).

Who may do what is ``services.people``'s chokepoint (``can_administer_accounts``, through ``CurrentAdmin``, and
``access_account_for_admin``); the changes are ``services.people``'s, audited there. A generated password
is shown once, on a page that is not stored (``no_store``), never in a redirect or a flash.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import ROLE_LABELS, ROLES, Office, Region, User
from massline.services import people, supervision
from massline.services.errors import RateLimited, ValidationFailed
from massline.web.deps import (
    CsrfChecked,
    CurrentAdmin,
    CurrentOfficial,
    PlatformDep,
    SessionDep,
    client_key,
    see_other,
    staff_session_token,
)
from massline.web.ids import Key, PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff", include_in_schema=False)
STAFF_ROLES = [r for r in ROLES if r != "citizen"]
Field = Annotated[str, Form(max_length=100)]
SELF_RESET = "您本人的密码已重置：此浏览器保持登录，您在其他浏览器和设备上的登录已全部退出"



# ---- one's own password ------------------------------------------------------


@router.get("/password", response_class=HTMLResponse)
def password_form(request: Request, user: CurrentOfficial) -> Response:
    """The form to change one's own password."""
    return render(request, "staff/password.html", {"user": user, "nav": "password"})


@router.post("/password", dependencies=[CsrfChecked])
def change_password(
    request: Request, user: CurrentOfficial, platform: PlatformDep, current: Annotated[Key, Form()] = "",
    new: Annotated[Key, Form()] = "", repeat: Annotated[Key, Form()] = "",
) -> Response:
    """Change one's own password (limited like the login); this browser stays logged in, every other session ends."""
    address = client_key(request, platform)
    try:
        platform.rate_limit(platform.login_limiter, address)
    except RateLimited as exc:
        return render(request, "staff/password.html", {"user": user, "nav": "password",
                                                       "errors": {"current": exc.message}}, status_code=429)
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        result = people.check_change_own_password(
            session, actor, current, new, repeat, platform.now(), keep_token=staff_session_token(request),
            address=address, failures=platform.login_failures, passwords=platform.passwords)
        if result.done:  # a supervision handler's private key follows the password
            supervision.do_rewrap_key(session, actor, current, new)
    if not result.done:
        return render(request, "staff/password.html", {"user": user, "nav": "password", "errors": result.errors},
                      status_code=429 if result.throttled else 422)
    flash(request, "密码已修改。您在其他浏览器和设备上的登录已全部退出。")
    return see_other("/staff")


@router.post("/consent", dependencies=[CsrfChecked])
def set_name_consent(request: Request, user: CurrentOfficial, platform: PlatformDep,
                     consent: Annotated[str, Form(max_length=3)] = "") -> Response:  # fmt: skip
    """One's own consent to be named with one's exemplary replies in the monthly report (checkbox)."""
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        people.do_set_name_consent(session, actor, consent == "yes")
    named = "月度报告将署上您的姓名" if consent == "yes" else "月度报告只列单位，不署您的姓名"
    flash(request, f"已保存：{named}。")
    return see_other("/staff/password")


# ---- accounts (admin) ----------------------------------------------------------


def _accounts_page(
    request: Request, session: Session, admin: User, *, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None, shown: tuple[User, str, str] | None = None, status: int = 200,
) -> Response:
    return render(request, "staff/admin_users.html", {
        "user": admin, "nav": "admin", "accounts": people.staff_accounts(session, admin),
        "offices": session.scalars(select(Office).order_by(Office.code)).all(),
        "regions": session.scalars(select(Region).order_by(Region.path)).all(),
        "roles": STAFF_ROLES, "role_labels": ROLE_LABELS, "errors": errors or {}, "values": values or {},
        "shown": shown,
    }, status_code=status, no_store=shown is not None)


@router.get("/admin/users", response_class=HTMLResponse)
def accounts(request: Request, admin: CurrentAdmin, session: SessionDep) -> Response:
    """Every staff account, with the forms to create, deactivate, reactivate and reset (admins only)."""
    return _accounts_page(request, session, admin)


@router.post("/admin/users", dependencies=[CsrfChecked])
def create_account(
    request: Request, admin: CurrentAdmin, platform: PlatformDep, username: Annotated[Key, Form()] = "",
    display_name: Field = "", role: Field = "", office: Field = "", region: Field = "",
) -> Response:
    """Create an account (the same service as ``massline user add``); its password is shown once."""
    values: dict[str, Any] = {"username": username, "display_name": display_name, "role": role,
                              "office": office, "region": region}
    try:
        with platform.write() as session:
            actor = session.get(User, admin.id)
            created, password = people.check_add_user(
                session, username, display_name, role, office_code=office or None, region_code=region or None,
                actor=actor, passwords=platform.passwords)
            return _accounts_page(request, session, admin, shown=(created, password, "新账号已创建"))
    except ValidationFailed as exc:
        with platform.read() as session:
            return _accounts_page(request, session, admin, errors=exc.errors, values=values, status=422)


@router.post("/admin/users/{account_id}/active", dependencies=[CsrfChecked])
def set_active(
    request: Request, account_id: PathId, admin: CurrentAdmin, platform: PlatformDep,
    active: Annotated[str, Form()] = "",
) -> Response:
    """Deactivate (its sessions end at once) or reactivate an account."""
    try:
        with platform.write() as session:
            actor = session.get(User, admin.id)
            assert actor is not None
            account = people.access_account_for_admin(session, actor, account_id)
            people.check_set_active(session, actor, account, active == "1", platform.now())
            name = account.username
    except ValidationFailed as exc:
        flash(request, exc.message, "error")
        return see_other("/staff/admin/users")
    flash(request, f"账号 {name} 已启用。" if active == "1" else f"账号 {name} 已停用，其登录已全部退出。")
    return see_other("/staff/admin/users")


@router.post("/admin/users/{account_id}/password", dependencies=[CsrfChecked])
def reset_password(request: Request, account_id: PathId, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Give an account a new generated password (shown once); its sessions and API tokens end."""
    with platform.write() as session:
        actor = session.get(User, admin.id)
        assert actor is not None
        account = people.access_account_for_admin(session, actor, account_id)
        password = people.check_reset_password(session, account.username, actor=actor, passwords=platform.passwords,
                                               keep_token=staff_session_token(request))
        supervision.do_forget_key(session, account)  # nobody can unwrap it any more (docs/supervision.md)
        what = SELF_RESET if account.id == admin.id else "密码已重置，该账号的登录已全部退出"
        return _accounts_page(request, session, admin, shown=(account, password, what))


def _account_page(
    request: Request, session: Session, admin: User, account: User, *, errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None, status: int = 200,
) -> Response:
    current = {"display_name": account.display_name, "role": account.role,
               "office": account.office.code if account.office else "",
               "region": account.region.code if account.region else ""}
    return render(request, "staff/admin_user.html", {
        "user": admin, "nav": "admin", "account": account, "values": values or current, "errors": errors or {},
        "offices": session.scalars(select(Office).order_by(Office.code)).all(),
        "regions": session.scalars(select(Region).order_by(Region.path)).all(),
        "roles": STAFF_ROLES, "role_labels": ROLE_LABELS,
    }, status_code=status)


@router.get("/admin/users/{account_id}", response_class=HTMLResponse)
def account_form(request: Request, account_id: PathId, admin: CurrentAdmin, session: SessionDep) -> Response:
    """The form to change an account's name, role, office and region (admins only)."""
    account = people.access_account_for_admin(session, admin, account_id)
    return _account_page(request, session, admin, account)


@router.post("/admin/users/{account_id}", dependencies=[CsrfChecked])
def update_account(
    request: Request, account_id: PathId, admin: CurrentAdmin, platform: PlatformDep, display_name: Field = "",
    role: Field = "", office: Field = "", region: Field = "",
) -> Response:
    """Change an account's name, role, office and region (audited); it applies at the account's next request."""
    values = {"display_name": display_name, "role": role, "office": office, "region": region}
    try:
        with platform.write() as session:
            actor = session.get(User, admin.id)
            assert actor is not None
            account = people.access_account_for_admin(session, actor, account_id)
            people.check_update_account(session, actor, account, display_name=display_name, role=role,
                                        office_code=office or None, region_code=region or None)
            name = account.username
    except ValidationFailed as exc:
        with platform.read() as session:
            account = people.access_account_for_admin(session, admin, account_id)
            return _account_page(request, session, admin, account, errors=exc.errors, values=values, status=422)
    flash(request, f"账号 {name} 已修改。")
    return see_other("/staff/admin/users")
