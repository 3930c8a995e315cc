"""The silent-account list (僵尸账号): offices and leaders that have stopped speaking online.

An office's account speaks when it publishes a post or a clarification, answers in a post's
thread or an interview, or publishes a reply to a message or an issue; a leader's when a post,
a thread answer or an interview answer is published under their name. ``last_activity`` gives
each account's latest such time (``people.last_spoken``: the cadence ledger of services.research
reads the same); an account with none within ``publishing.silent_after_days`` (default 14) is silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Leader, Office, User
from massline.services.people import Account, last_spoken
from massline.services.policy import publishing_policy

__all__ = ["Account", "SilentAccount", "last_activity", "silent_accounts"]


def last_activity(session: Session) -> dict[Account, datetime | None]:
    """Every office's and leader's (and every official's who ever spoke) latest time of publishing or
    answering online (None: never): ``people.last_spoken``, the one notion the cadence ledger reads too."""
    return last_spoken(session)


@dataclass(frozen=True)
class SilentAccount:
    """An office or leader with no online activity within the period."""

    kind: str
    id: int
    name: str
    office: str
    office_id: int
    last_at: datetime | None

    @property
    def kind_label(self) -> str:
        """单位 or 领导."""
        return "单位" if self.kind == "office" else "领导"


def silent_accounts(session: Session, user: User, now: datetime) -> tuple[int, list[SilentAccount]]:
    """The period in days and the silent accounts ``user`` may see (an office head: their office and its
    leaders; supervisors and admins: all), the longest silent first. Dispatch centres are not listed."""
    days = publishing_policy(session).silent_after_days
    since = now - timedelta(days=days)
    latest = last_activity(session)
    offices = {o.id: o for o in session.scalars(select(Office).where(Office.is_dispatch.is_(False)))}
    if user.role == "office_head":
        offices = {k: v for k, v in offices.items() if k == user.office_id}
    rows = [SilentAccount("office", o.id, o.name, o.name, o.id, latest[("office", o.id)]) for o in offices.values()]
    for leader in session.scalars(select(Leader).where(Leader.office_id.in_(offices))):
        office = offices[leader.office_id]
        rows.append(SilentAccount("leader", leader.id, f"{leader.title} {leader.name}", office.name, office.id,
                                  latest[("leader", leader.id)]))  # fmt: skip
    silent = [r for r in rows if r.last_at is None or r.last_at < since]
    floor = datetime.min.replace(tzinfo=now.tzinfo)
    return days, sorted(silent, key=lambda r: (r.last_at or floor, r.office, r.name))
