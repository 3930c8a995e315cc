"""What the research pages show: one leader's ledger with their entries, and the yearly report
(supervisors and admins only). Access through ``services.access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import ResearchEntry, User
from massline.services.access import access_ledger_user, is_overseer, require
from massline.services.deployment import deployment_zone
from massline.services.policy import ResearchPolicy, research_policy
from massline.services.research.entries import entries_of
from massline.services.research.ledger import Ledger, ledger, yearly_report


@dataclass
class LedgerPage:
    """A leader's ledger page: the year's figures, the entries, the policy that counted them."""

    ledger: Ledger
    entries: list[ResearchEntry]
    policy: ResearchPolicy
    own: bool


def current_year(session: Session, now: datetime) -> int:
    """The year it is now in the deployment's time zone."""
    return now.astimezone(deployment_zone(session)).year


def ledger_page(session: Session, viewer: User, user_id: int, year: int) -> LedgerPage:
    """``user_id``'s ledger for ``year`` if ``viewer`` may read it (the leader, supervisors, admins), else NotFound."""
    leader = access_ledger_user(session, viewer, user_id)
    policy = research_policy(session)
    figures = ledger(session, leader, year, policy, deployment_zone(session))
    return LedgerPage(figures, entries_of(session, leader.id, year), policy, viewer.id == leader.id)


def report_for(session: Session, viewer: User, year: int) -> list[Ledger]:
    """The yearly report (every leader's ledger): supervisors and admins only, else Forbidden."""
    require(is_overseer(viewer))
    return yearly_report(session, year, research_policy(session), deployment_zone(session))
