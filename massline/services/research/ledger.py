"""The research ledger: per leader and year, days of online and offline research against the quota
of the leader's level.

Online time is the workbench activity (each run's time plus the credit for its last event, see
``activity``) plus the manual entries marked online; offline time is the manual entries marked
offline. Hours become days at ``research.hours_per_day`` (default 8). Online and offline research are
interchangeable: both count toward the same quota, and the ledger shows both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from massline.models import ResearchActivity, ResearchEntry, User
from massline.services.policy import ResearchPolicy

LEVEL_LABELS = {"provincial": "省部级", "city_county": "市县级"}


def leader_level(user: User) -> str:
    """The leader's level for the quota: their own ``research_level``, else from their region (or
    their office's): a province means ``provincial``, any other level ``city_county``."""
    if user.research_level:
        return user.research_level
    region = user.region or (user.office.region if user.office else None)
    return "provincial" if region is not None and region.level == "province" else "city_county"


def quota_days(policy: ResearchPolicy, level: str) -> int:
    """Days of research a year the ``level`` asks for."""
    return policy.provincial_days if level == "provincial" else policy.city_county_days


def year_bounds(year: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """The start of ``year`` and of the next, in the deployment's time zone, as UTC."""
    start = datetime(year, 1, 1, tzinfo=zone).astimezone(UTC)
    return start, datetime(year + 1, 1, 1, tzinfo=zone).astimezone(UTC)


@dataclass
class Ledger:
    """One leader's research in one year."""

    user: User
    year: int
    level: str
    quota_days: int
    hours_per_day: float
    activity_hours: float = 0.0
    activity_runs: int = 0
    activity_kinds: dict[str, int] = field(default_factory=dict)
    entry_online_hours: float = 0.0
    offline_hours: float = 0.0

    @property
    def online_hours(self) -> float:
        """Online research: workbench activity and online entries."""
        return self.activity_hours + self.entry_online_hours

    @property
    def online_days(self) -> float:
        """Online research in days."""
        return round(self.online_hours / self.hours_per_day, 2)

    @property
    def offline_days(self) -> float:
        """Offline research (field visits and other offline entries) in days."""
        return round(self.offline_hours / self.hours_per_day, 2)

    @property
    def total_days(self) -> float:
        """Online and offline research together: both count toward the quota."""
        return round((self.online_hours + self.offline_hours) / self.hours_per_day, 2)

    @property
    def remaining_days(self) -> float:
        """Days still owed this year (0 when the quota is met)."""
        return round(max(0.0, self.quota_days - self.total_days), 2)

    @property
    def met(self) -> bool:
        """True when the year's research reaches the quota."""
        return self.total_days >= self.quota_days

    @property
    def level_label(self) -> str:
        """The level's Chinese name."""
        return LEVEL_LABELS.get(self.level, self.level)


def ledger(session: Session, user: User, year: int, policy: ResearchPolicy, zone: tzinfo) -> Ledger:
    """``user``'s research ledger for ``year`` (calendar year in the deployment's time zone)."""
    level = leader_level(user)
    result = Ledger(user, year, level, quota_days(policy, level), policy.hours_per_day)
    start, end = year_bounds(year, zone)
    runs = session.execute(
        select(func.count(), func.coalesce(func.sum(ResearchActivity.seconds), 0),
               *(func.coalesce(func.sum(getattr(ResearchActivity, k)), 0) for k in _KINDS))
        .where(ResearchActivity.user_id == user.id, ResearchActivity.started_at >= start,
               ResearchActivity.started_at < end)
    ).one()  # fmt: skip
    result.activity_runs = int(runs[0])
    result.activity_hours = (int(runs[1]) + result.activity_runs * policy.event_credit_minutes * 60) / 3600
    result.activity_kinds = {k: int(n) for k, n in zip(_KINDS, runs[2:], strict=True)}
    for online, minutes in session.execute(
        select(ResearchEntry.online, func.sum(ResearchEntry.minutes))
        .where(ResearchEntry.user_id == user.id, ResearchEntry.held_on >= date(year, 1, 1),
               ResearchEntry.held_on <= date(year, 12, 31))
        .group_by(ResearchEntry.online)
    ):  # fmt: skip
        if online:
            result.entry_online_hours = int(minutes) / 60
        else:
            result.offline_hours = int(minutes) / 60
    return result


_KINDS = ("reading", "analysis", "replying", "meeting")


def report_leaders(session: Session) -> list[User]:
    """Whom the yearly report lists: active leaders and anyone given a research level."""
    query = select(User).where(User.is_active.is_(True), or_(User.role == "leader", User.research_level.is_not(None)))
    return list(session.scalars(query.order_by(User.id)))


def yearly_report(session: Session, year: int, policy: ResearchPolicy, zone: tzinfo) -> list[Ledger]:
    """Every listed leader's ledger for ``year``."""
    return [ledger(session, user, year, policy, zone) for user in report_leaders(session)]
