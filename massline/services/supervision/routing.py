"""Where a report goes (discipline-inspection rules) and who handles it there.

A supervision office (纪检监察) is named in the deployment's ``supervision:``
section with the regions and offices it oversees (default: its own region). A
report about an office goes to the supervision office that oversees it by name,
else to the one overseeing the office's region, else its parent region's, and so
on up; a report naming the office's head (a leader of the office, or a user with
the office_head role there) goes one level up (the supervision office above the
first one's region). Never to the accused office itself or one under it.
The level above that is the escalation office (overdue reports).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Leader, Office, Region, User
from massline.services.policy import SupervisionPolicy, supervision_policy

HANDLER_ROLES = ("official", "office_head", "leader", "supervisor", "dispatcher")


@dataclass(frozen=True)
class Route:
    """The handling office, the escalation office (None at the top) and whether it names the office's head."""

    office: Office
    escalation: Office | None
    about_head: bool


def _overseers(session: Session, policy: SupervisionPolicy) -> list[tuple[Office, set[int], set[str]]]:
    out = []
    for spec in policy.offices:
        office = session.scalar(select(Office).where(Office.code == spec.office))
        if office is None:
            continue
        region_ids = {
            r.id for r in session.scalars(select(Region).where(Region.code.in_(spec.regions)))
        } if spec.regions else {office.region_id}
        out.append((office, region_ids, set(spec.offices)))
    return out


def supervision_office_ids(session: Session) -> set[int]:
    """The ids of the deployment's supervision offices."""
    return {office.id for office, _, _ in _overseers(session, supervision_policy(session))}


def is_handler(session: Session, user: User) -> bool:
    """True when ``user`` is an active staff member of a supervision office."""
    return bool(user.is_active and user.role in HANDLER_ROLES and user.office_id in supervision_office_ids(session))


def _ancestry(region: Region) -> list[Region]:
    chain: list[Region] = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def _above(overseers: list[tuple[Office, set[int], set[str]]], start: Region | None, exclude: Office) -> Office | None:
    for region in _ancestry(start) if start is not None else []:
        for office, region_ids, _ in overseers:
            if region.id in region_ids and office.id != exclude.id:
                return office
    return None


def is_office_head(session: Session, office: Office, person: str) -> bool:
    """True when ``person`` (a name, as the reporter typed it) is a leader or the head of ``office``."""
    name = "".join(person.split())
    if not name:
        return False
    leaders = session.scalars(select(Leader.name).where(Leader.office_id == office.id)).all()
    heads = session.scalars(
        select(User.display_name).where(User.office_id == office.id, User.role == "office_head")
    ).all()
    names = ["".join(n.split()) for n in [*leaders, *heads] if n]
    return any(name == n or (len(n) >= 2 and n in name) for n in names)


def route_report(session: Session, accused: Office, accused_person: str) -> Route | None:
    """Where a report about ``accused`` (and ``accused_person``) goes; None when no supervision office fits."""
    overseers = _overseers(session, supervision_policy(session))
    base = next((o for o, _, codes in overseers if accused.code in codes and o.id != accused.id), None)
    if base is None:
        base = _above(overseers, accused.region, accused)
    if base is None:
        return None
    about_head = is_office_head(session, accused, accused_person)
    office = base
    if about_head or base.id == accused.id:
        office = _above(overseers, base.region.parent, accused) or base
    escalation = _above(overseers, office.region.parent, accused)
    return Route(office=office, escalation=escalation, about_head=about_head)


def handlers_of(session: Session, office: Office) -> list[User]:
    """The active staff of a supervision office who may handle reports."""
    return list(session.scalars(
        select(User).where(User.office_id == office.id, User.is_active.is_(True), User.role.in_(HANDLER_ROLES))
        .order_by(User.id)
    ))
