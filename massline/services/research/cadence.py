"""The cadence ledger (有而不发, 看而不评), issue 15: per office and official, days since the last
published reply — or the last time they spoke online otherwise (a post, a clarification, an answer in
a post's thread or an interview: ``people.last_spoken``, the notion the silent-account list of
services.publishing reads too) — the cases an official opened and nobody has answered yet ("read but silent", from
the case views that research activity records), the median time to a first reply, and who has been
silent longer than ``research.silent_after_days`` (default 14).

Office heads see their own office, supervisors and admins every office
(``services.access.cadence_offices``). ``weekly_digest`` is the same in a few lines of text.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import OPEN_STATUSES, Message, Office, Reply, ResearchCaseView, User
from massline.services.access import cadence_offices
from massline.services.people import last_spoken
from massline.services.policy import ResearchPolicy, research_policy

#: replies counted for the median time to a first reply
WINDOW_DAYS = 90
STAFF_ROLES = ("official", "office_head")


@dataclass
class SilentCase:
    """A case an official opened that is still waiting for an answer."""

    message_id: int
    title: str
    opened_at: datetime
    days: int


@dataclass
class Cadence:
    """One office's or one official's figures."""

    name: str
    last_reply_at: datetime | None
    days_since_reply: int | None
    replies: int
    median_hours: float | None
    silent: bool
    read_but_silent: list[SilentCase] = field(default_factory=list)


@dataclass
class OfficeCadence:
    """An office and its officials."""

    office: Office
    figures: Cadence
    officials: list[tuple[User, Cadence]]


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((t for t in (a, b) if t is not None), default=None)


def _days(now: datetime, at: datetime | None) -> int | None:
    return None if at is None else max(0, (now - at).days)


def _first_replies(session: Session, office_ids: list[int], since: datetime) -> list[tuple[int, int | None, float]]:
    """(office, author, hours from arrival) of every case's first published reply since ``since``."""
    first = (select(Reply.message_id, func.min(Reply.published_at).label("at"))
             .where(Reply.status == "published", Reply.office_id.in_(office_ids)).group_by(Reply.message_id)
             .subquery())  # fmt: skip
    rows = session.execute(
        select(Reply.office_id, Reply.author_id, Message.created_at, first.c.at)
        .join(first, (first.c.message_id == Reply.message_id) & (first.c.at == Reply.published_at))
        .join(Message, Message.id == Reply.message_id).where(first.c.at >= since)
    )  # fmt: skip
    return [(o, a, (at - created).total_seconds() / 3600) for o, a, created, at in rows]


def _cadence(name: str, last: datetime | None, hours: list[float], now: datetime, limit: int) -> Cadence:
    days = _days(now, last)
    median = round(statistics.median(hours), 1) if hours else None
    return Cadence(name, last, days, len(hours), median, days is None or days > limit)


def _silent_cases(session: Session, office: Office, now: datetime) -> dict[int, list[SilentCase]]:
    rows = session.execute(
        select(ResearchCaseView.user_id, Message.id, Message.title, ResearchCaseView.first_at)
        .join(Message, Message.id == ResearchCaseView.message_id)
        .where(Message.office_id == office.id, Message.status.in_(OPEN_STATUSES))
        .order_by(ResearchCaseView.first_at)
    )  # fmt: skip
    out: dict[int, list[SilentCase]] = {}
    for uid, mid, title, at in rows:
        out.setdefault(uid, []).append(SilentCase(mid, title, at, _days(now, at) or 0))
    return out


def office_cadence(session: Session, viewer: User | None, now: datetime) -> list[OfficeCadence]:
    """The cadence of the offices ``viewer`` may see (else Forbidden), silent ones first; ``viewer``
    None: every answering office (the operator's command)."""
    policy: ResearchPolicy = research_policy(session)
    if viewer is None:
        offices = list(session.scalars(select(Office).where(Office.is_dispatch.is_(False)).order_by(Office.id)))
    else:
        offices = cadence_offices(session, viewer)
    ids = [o.id for o in offices]
    published = select(Reply.office_id, Reply.author_id, func.max(Reply.published_at)).where(
        Reply.status == "published", Reply.office_id.in_(ids)).group_by(Reply.office_id, Reply.author_id)  # fmt: skip
    last = {(o, a): at for o, a, at in session.execute(published) if at is not None}
    firsts = _first_replies(session, ids, now - timedelta(days=WINDOW_DAYS))
    staff = session.scalars(select(User).where(User.office_id.in_(ids), User.role.in_(STAFF_ROLES),
                                               User.is_active.is_(True)).order_by(User.id)).all()  # fmt: skip
    limit, result, spoken = policy.silent_after_days, [], last_spoken(session)
    for office in offices:
        office_last = _later(max((at for (o, _), at in last.items() if o == office.id), default=None),
                             spoken.get(("office", office.id)))
        figures = _cadence(office.name, office_last, [h for o, _, h in firsts if o == office.id], now, limit)
        silent_cases = _silent_cases(session, office, now)
        people = []
        for user in (u for u in staff if u.office_id == office.id):
            hours = [h for o, a, h in firsts if o == office.id and a == user.id]
            c = _cadence(user.display_name, _later(last.get((office.id, user.id)), spoken.get(("official", user.id))),
                         hours, now, limit)
            c.read_but_silent = silent_cases.get(user.id, [])
            people.append((user, c))
        result.append(OfficeCadence(office, figures, people))
    return sorted(result, key=lambda oc: (not oc.figures.silent, -(oc.figures.days_since_reply or 10**6), oc.office.id))


def weekly_digest(session: Session, viewer: User | None, now: datetime) -> str:
    """The cadence in plain Chinese text (for a weekly mail or a cron job's log); ``viewer`` as for
    ``office_cadence``."""
    limit = research_policy(session).silent_after_days
    lines = [f"网上答复节奏周报（{now.date().isoformat()}，{limit} 天未答复列为沉默）"]
    for oc in office_cadence(session, viewer, now):
        f = oc.figures
        since = "从未答复" if f.days_since_reply is None else f"{f.days_since_reply} 天前最后答复"
        median = "—" if f.median_hours is None else f"{f.median_hours} 小时"
        silent_cases = sum(len(c.read_but_silent) for _, c in oc.officials)
        mark = "【沉默】" if f.silent else ""
        lines.append(f"{mark}{oc.office.name}：{since}；近{WINDOW_DAYS}天首次答复 {f.replies} 件，"
                     f"中位用时 {median}；已阅未答 {silent_cases} 件")  # fmt: skip
        for user, c in oc.officials:
            if c.silent or c.read_but_silent:
                state = "从未答复" if c.days_since_reply is None else f"{c.days_since_reply} 天未答复"
                lines.append(f"  - {user.display_name}：{state}；已阅未答 {len(c.read_but_silent)} 件")
    return "\n".join(lines) + "\n"
