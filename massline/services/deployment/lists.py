"""Read-only lists a form or a client needs: regions, categories, offices, leaders."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from massline.analysis.places import Language
from massline.io.profiles import GENERAL_PROFILE, REGION_NAME_LEVELS, ProfileError, resolve_profile
from massline.models import Category, Office, Region, SiteSetting

log = logging.getLogger(__name__)


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


def site_language(session: Session) -> Language:
    """How the deployment's messages name places: the profile and rules of its configuration
    (``language:`` in the deployment file) with the names of its regions.

    Falls back to the general language (and logs why) when the profile stored
    with the configuration can no longer be read.
    """
    names = tuple(
        sorted(
            n
            for name, aliases in session.execute(
                select(Region.name, Region.aliases).where(Region.level.in_(REGION_NAME_LEVELS))
            )
            for n in (name, *(aliases or ()))
            if len(n) >= 3
        )
    )
    profile = site_setting(session, "language_profile", "zh")
    return _language(profile, site_setting(session, "language_rules", "{}"), names)


@lru_cache(maxsize=16)
def _language(profile: str, rules: str, names: tuple[str, ...]) -> Language:
    try:
        return resolve_profile(profile, json.loads(rules), names).language
    except (ProfileError, ValueError) as exc:
        log.warning("the deployment's language profile %s is not usable (%s): general language used", profile, exc)
        return GENERAL_PROFILE.with_regions(names).language

def deployment_zone(session: Session, default: str = "Asia/Shanghai") -> tzinfo:
    """The deployment's time zone (site setting, else ``default``; China Standard Time if unknown here)."""
    name = site_setting(session, "timezone", default)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=8), "CST")
