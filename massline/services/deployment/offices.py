"""Offices edited in the browser (单位管理): add an office, change its name, region, the categories it
answers and whether it is the dispatch centre. The same rules as the deployment file's ``offices:``;
a later configuration load overwrites what the file names (matched by code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.io.deployment_yaml import CODE_RE
from massline.models import Category, Office, Region, User
from massline.services.deployment.changes import configuration_changed, require_admin
from massline.services.errors import NotFound, ValidationFailed

NAME_MAX = 200


@dataclass
class OfficeInput:
    """An office as the admin's form gives it (codes and category paths, as in the deployment file)."""

    name: str
    region: str
    categories: list[str] = field(default_factory=list)
    dispatch: bool = False
    code: str = ""


def _resolve(session: Session, data: OfficeInput) -> tuple[Region, list[Category]]:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "请填写单位名称"
    elif len(name) > NAME_MAX:
        errors["name"] = f"单位名称不能超过 {NAME_MAX} 个字"
    region = session.scalar(select(Region).where(Region.code == data.region)) if data.region else None
    if region is None:
        errors["region"] = f"辖区 {data.region} 不存在" if data.region else "请选择辖区"
    wanted = list(dict.fromkeys(data.categories))
    categories = list(session.scalars(select(Category).where(Category.path.in_(wanted)))) if wanted else []
    unknown = sorted(set(wanted) - {c.path for c in categories})
    if unknown:
        errors["categories"] = "领域不存在：" + "、".join(unknown)
    if errors:
        raise ValidationFailed(errors)
    assert region is not None
    return region, sorted(categories, key=lambda c: wanted.index(c.path))


def _snapshot(office: Office) -> dict[str, object]:
    return {
        "name": office.name,
        "region": office.region.code if office.region else None,
        "categories": [c.path for c in office.categories],
        "dispatch": office.is_dispatch,
    }


def check_add_office(session: Session, actor: User, data: OfficeInput) -> Office:
    """Add an office (admins only, audited ``office_added``); its code must be new and look like
    ``cs-jsj`` (lower-case letters and digits joined by ``-``)."""
    require_admin(actor)
    code = data.code.strip()
    errors: dict[str, str] = {}
    if not CODE_RE.match(code) or len(code) > 64:
        errors["code"] = "单位代码须为小写字母和数字，可用短横线连接，如 cs-jsj"
    elif session.scalar(select(Office.id).where(Office.code == code)) is not None:
        errors["code"] = f"单位代码 {code} 已存在"
    try:
        region, categories = _resolve(session, data)
    except ValidationFailed as exc:
        raise ValidationFailed({**errors, **exc.errors}) from None
    if errors:
        raise ValidationFailed(errors)
    office = Office(code=code, name=data.name.strip(), region=region, is_dispatch=data.dispatch,
                    categories=categories)
    session.add(office)
    session.flush()
    configuration_changed(session, actor, "office_added", "office", office.id, code=code, **_snapshot(office))
    return office


def check_update_office(session: Session, actor: User, office_id: int, data: OfficeInput) -> Office:
    """Change an office's name, region, categories answered and dispatch flag (admins only, audited
    ``office_updated`` with the values before and after); routing uses them at once."""
    office = access_office_for_admin(session, actor, office_id)
    region, categories = _resolve(session, data)
    if office.is_dispatch and not data.dispatch and session.scalar(
        select(User.id).where(User.office_id == office.id, User.role == "dispatcher", User.is_active.is_(True))
    ):
        raise ValidationFailed({"dispatch": "该单位有启用的派单员账号，不能取消派单中心；请先修改这些账号"})
    before = _snapshot(office)
    office.name = data.name.strip()
    office.region = region
    office.categories = categories
    office.is_dispatch = data.dispatch
    after = _snapshot(office)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        configuration_changed(session, actor, "office_updated", "office", office.id, code=office.code, **changed)
    return office


def access_office_for_admin(session: Session, actor: User, office_id: int) -> Office:
    """The office ``office_id``, if ``actor`` is the admin (else Forbidden) and it exists."""
    require_admin(actor)
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound("未找到该单位")
    return office
