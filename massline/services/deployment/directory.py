"""Read-only lists a form or a client needs: regions, categories, offices, leaders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from massline.models import Category, Office, Region, SiteSetting


@dataclass
class RegionItem:
    """A region with its depth for indented pick lists."""

    code: str
    name: str
    level: str
    depth: int
    parent: str | None


@dataclass
class LeaderItem:
    """A leader a citizen may address."""

    id: int
    title: str
    name: str
    office: str
    office_code: str


@dataclass
class Directory:
    """Everything a submission form offers."""

    site_name: str
    regions: list[RegionItem]
    categories: list[str]
    offices: list[tuple[str, str]]
    leaders: list[LeaderItem]


def directory(session: Session) -> Directory:
    """The deployment's regions (tree order), first-level categories, offices and leaders."""
    regions = session.scalars(select(Region).order_by(Region.path)).all()
    codes = {r.id: r.code for r in regions}
    # order by tree: sort by the list of ids in the path
    ordered = sorted(regions, key=lambda r: [int(x) for x in r.path.strip("/").split("/") if x])
    region_items = [
        RegionItem(r.code, r.name, r.level, r.path.strip("/").count("/"), codes.get(r.parent_id or -1)) for r in ordered
    ]
    categories = list(session.scalars(select(Category.path).where(Category.level == 1).order_by(Category.id)))
    offices = session.scalars(
        select(Office).where(Office.is_dispatch.is_(False)).order_by(Office.id).options(selectinload(Office.leaders))
    ).all()
    leaders = [LeaderItem(ldr.id, ldr.title, ldr.name, o.name, o.code) for o in offices for ldr in o.leaders]
    name = session.get(SiteSetting, "site_name")
    return Directory(
        site_name=name.value if name else "网络问政平台",
        regions=region_items,
        categories=categories,
        offices=[(o.code, o.name) for o in offices],
        leaders=leaders,
    )


def site_setting(session: Session, key: str, default: str = "") -> str:
    """A deployment-wide value loaded from the configuration."""
    row = session.get(SiteSetting, key)
    return row.value if row else default
