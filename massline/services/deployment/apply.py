"""Write a validated deployment configuration into the database.

Loading is idempotent: regions, categories, offices and users are matched
by their codes, paths and usernames and updated in place; deadline rules are
replaced. New users get a generated password, returned once to the caller.
Nothing in the configuration is deleted from the database (old messages may
refer to it); removed entries are reported instead.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from massline.io.deployment_yaml import CategoryNode, DeploymentSpec
from massline.models import Category, DeadlineRule, Leader, Office, Region, SiteSetting, User
from massline.services import audit
from massline.services.people import DEFAULT_PASSWORDS, Passwords, check_add_user


@dataclass
class LoadReport:
    """What a configuration load changed, and the passwords of new accounts."""

    regions: int = 0
    categories: int = 0
    offices: int = 0
    users_created: dict[str, str] = field(default_factory=dict)
    users_updated: int = 0


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(SiteSetting, key)
    if row is None:
        session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value


def _load_categories(session: Session, nodes: list[CategoryNode], parent: Category | None, report: LoadReport) -> None:
    for node in nodes:
        path = f"{parent.path}/{node.name}" if parent else node.name
        cat = session.scalar(select(Category).where(Category.path == path))
        if cat is None:
            cat = Category(name=node.name, path=path, level=(parent.level + 1) if parent else 1, parent=parent)
            session.add(cat)
            session.flush()
        report.categories += 1
        _load_categories(session, node.children, cat, report)


def check_apply_deployment(
    session: Session, spec: DeploymentSpec, actor: User | None = None, *, passwords: Passwords = DEFAULT_PASSWORDS
) -> LoadReport:
    """Apply ``spec`` in the caller's transaction (all or nothing); new accounts' passwords are hashed
    with ``passwords`` (the platform's cost)."""
    report = LoadReport()
    _set(session, "site_name", spec.deployment.name)
    _set(session, "timezone", spec.deployment.timezone)
    _set(session, "default_deadline_days", str(spec.deadlines.default_days))
    _set(session, "due_soon_days", str(spec.deadlines.due_soon_days))
    _set(session, "config_version", uuid.uuid4().hex)
    _set(session, "language_profile", spec.language.profile)
    _set(session, "language_rules", json.dumps(spec.language.rules, ensure_ascii=False, sort_keys=True))
    _set(session, "casework_policy", spec.casework.model_dump_json())
    _set(session, "supervision_policy", spec.supervision.model_dump_json())
    _set(session, "replies_policy", spec.replies.model_dump_json())
    _set(session, "research_policy", spec.research.model_dump_json())
    _set(session, "publishing_policy", spec.publishing.model_dump_json())
    _set(session, "accountability_policy", spec.accountability.model_dump_json())
    _set(session, "calendar_policy", spec.calendar.model_dump_json())
    _load_categories(session, spec.taxonomy, None, report)
    regions = _load_regions(session, spec, report)
    categories = {c.path: c for c in session.scalars(select(Category))}
    _load_offices(session, spec, regions, categories, report)
    _load_users(session, spec, regions, actor, report, passwords)
    session.execute(delete(DeadlineRule))
    for rule in spec.deadlines.rules:
        session.add(
            DeadlineRule(
                category_id=categories[rule.category].id if rule.category else None,
                kind=rule.kind,
                days=rule.days,
            )
        )
    audit.record(session, actor, "config_loaded", "deployment", None, name=spec.deployment.name)
    return report


def _load_regions(session: Session, spec: DeploymentSpec, report: LoadReport) -> dict[str, Region]:
    by_code: dict[str, Region] = {}
    for rspec, parent_code in spec.iter_regions():
        region = session.scalar(select(Region).where(Region.code == rspec.code))
        parent = by_code.get(parent_code) if parent_code else None
        if region is None:
            region = Region(code=rspec.code)
            session.add(region)
        region.name = rspec.name
        region.level = rspec.level
        region.aliases = list(rspec.aliases)
        region.parent = parent
        session.flush()
        region.path = f"{parent.path if parent else '/'}{region.id}/"
        by_code[rspec.code] = region
        report.regions += 1
    return by_code


def _load_offices(
    session: Session,
    spec: DeploymentSpec,
    regions: dict[str, Region],
    categories: dict[str, Category],
    report: LoadReport,
) -> None:
    for ospec in spec.offices:
        office = session.scalar(select(Office).where(Office.code == ospec.code))
        if office is None:
            office = Office(code=ospec.code)
            session.add(office)
        office.name = ospec.name
        office.region = regions[ospec.region]
        office.is_dispatch = ospec.dispatch
        office.categories = [categories[p] for p in ospec.categories]
        existing = {(ldr.title, ldr.name): ldr for ldr in office.leaders}
        wanted = [(ls.title, ls.name) for ls in ospec.leaders]
        office.leaders = [existing.get(k) or Leader(title=k[0], name=k[1]) for k in wanted]
        report.offices += 1
    session.flush()


def _load_users(
    session: Session,
    spec: DeploymentSpec,
    regions: dict[str, Region],
    actor: User | None,
    report: LoadReport,
    passwords: Passwords,
) -> None:
    for uspec in spec.users:
        user = session.scalar(select(User).where(User.username == uspec.username))
        if user is None:
            user, password = check_add_user(
                session,
                uspec.username,
                uspec.name,
                uspec.role,
                office_code=uspec.office,
                region_code=uspec.region,
                actor=actor,
                passwords=passwords,
            )
            report.users_created[user.username] = password
            user.research_level = uspec.level
            continue
        user.display_name = uspec.name
        user.role = uspec.role
        user.office_id = session.scalar(select(Office.id).where(Office.code == uspec.office)) if uspec.office else None
        user.region_id = regions[uspec.region].id if uspec.region else None
        user.research_level = uspec.level
        report.users_updated += 1
