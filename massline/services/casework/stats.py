"""Message statistics for the officials' dashboard, scoped by the viewer's rights.

Every figure counts only messages the viewer may read (``access.message_scope``)
and matching the filters (period, region subtree, category subtree):

* ``series`` — messages received per day (per week for periods over 120 days)
  and messages answered (a reply published) per day, in the deployment's time zone;
* ``by_category`` — the first-level categories, or the children of the
  selected category (drill-down);
* ``by_region`` — the regions one level below the root: the selected region, or
  the leader's own region, or the top of the tree (the city's districts);
  messages filed at the root itself count as "（本级）";
* ``by_status`` — the current status of the period's messages;
* ``answer_rate`` — messages of the period with a published reply ÷ messages of
  the period that were not rejected; ``mean_reply_hours`` — mean time from
  receipt to the published reply over the answered ones;
* ``open_now`` / ``overdue_now`` / ``due_soon_now`` — open messages *now*
  (whatever the period), those past their deadline and those due within the
  deployment's "due soon" days;
* ``followup`` — of the period's messages: the resolution rate (已解决 in the
  回访) and the satisfaction rates of the 回访 and of citizens' ratings, kept
  apart (``callbacks.FollowupFigures``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from massline.models import OPEN_STATUSES, STATUS_LABELS, Category, Message, Region, User
from massline.services.access import message_scope
from massline.services.casework.callbacks import FollowupFigures, followup_figures
from massline.services.deployment import deployment_zone
from massline.services.errors import ValidationFailed
from massline.services.routing import due_soon_days

PERIODS = {7: "近7天", 30: "近30天", 90: "近90天", 365: "近一年"}
WEEKLY_AFTER_DAYS = 120
NO_REGION = "未选择区域"
NO_CATEGORY = "未分类"


@dataclass
class StatsFilters:
    """Dashboard filters: ``days`` one of PERIODS, ``region`` a region code, ``category`` a category path."""

    days: int = 30
    region: str = ""
    category: str = ""


@dataclass
class Bucket:
    """One point of the trend: a day (or a week starting ``start``)."""

    start: date
    label: str
    received: int = 0
    replied: int = 0


@dataclass
class Share:
    """One bar of a breakdown; ``code`` is the filter value that drills into it ("" when none)."""

    label: str
    count: int
    code: str = ""

    def percent(self, total: int) -> float:
        """This share of ``total``, in percent."""
        return 100.0 * self.count / total if total else 0.0


@dataclass
class MessageStats:
    """The dashboard's message figures for one viewer and one set of filters."""

    filters: StatsFilters
    start: date
    end: date
    unit: str
    series: list[Bucket]
    total: int = 0
    answered: int = 0
    rejected: int = 0
    mean_reply_hours: float | None = None
    open_now: int = 0
    overdue_now: int = 0
    due_soon_now: int = 0
    by_status: list[Share] = field(default_factory=list)
    by_category: list[Share] = field(default_factory=list)
    by_region: list[Share] = field(default_factory=list)
    region_root: str = ""
    region_up: str | None = None
    category_root: str = ""
    category_up: str | None = None
    followup: FollowupFigures = field(default_factory=FollowupFigures)

    @property
    def answer_rate(self) -> float | None:
        """Answered share (percent) of the period's messages that were not rejected; None when there are none."""
        base = self.total - self.rejected
        return 100.0 * self.answered / base if base > 0 else None

    @property
    def replied_total(self) -> int:
        """Replies published within the period (the second trend series)."""
        return sum(b.replied for b in self.series)



def _ids(path: str) -> list[int]:
    return [int(x) for x in path.strip("/").split("/") if x]


@dataclass
class _RegionTree:
    by_id: dict[int, Region]
    by_code: dict[str, Region]

    @classmethod
    def load(cls, session: Session) -> _RegionTree:
        regions = list(session.scalars(select(Region)))
        return cls({r.id: r for r in regions}, {r.code: r for r in regions})

    def roots(self) -> list[Region]:
        return sorted((r for r in self.by_id.values() if r.parent_id is None), key=lambda r: r.id)


def _region_root(tree: _RegionTree, user: User, code: str) -> Region | None:
    """The region whose children the breakdown shows (None: the forest's roots are the bars)."""
    if code:
        region = tree.by_code.get(code)
        if region is None:
            raise ValidationFailed({"region": "所选区域不存在"})
        return region
    if user.role == "leader" and user.region_id is not None and user.region_id in tree.by_id:
        return tree.by_id[user.region_id]
    roots = tree.roots()
    return roots[0] if len(roots) == 1 else None


def _category_condition(session: Session, path: str) -> tuple[ColumnElement[bool], Category]:
    category = session.scalar(select(Category).where(Category.path == path))
    if category is None:
        raise ValidationFailed({"category": "所选领域不存在"})
    sub = select(Category.id).where((Category.path == path) | Category.path.like(f"{path}/%"))
    return Message.category_id.in_(sub), category


def _conditions(session: Session, user: User, f: StatsFilters, tree: _RegionTree) -> list[ColumnElement[bool]]:
    conds = [message_scope(session, user)]
    if f.region:
        region = tree.by_code.get(f.region)
        if region is None:
            raise ValidationFailed({"region": "所选区域不存在"})
        conds.append(Message.region_id.in_(select(Region.id).where(Region.path.like(f"{region.path}%"))))
    if f.category:
        conds.append(_category_condition(session, f.category)[0])
    return conds


def _period(f: StatsFilters, now: datetime, tz: tzinfo) -> tuple[date, date, datetime]:
    if f.days not in PERIODS:
        raise ValidationFailed({"days": "统计周期须为 " + "、".join(f"{d}" for d in PERIODS) + " 天之一"})
    end = now.astimezone(tz).date()
    start = end - timedelta(days=f.days - 1)
    return start, end, datetime.combine(start, time(), tz)


def _buckets(start: date, end: date, unit: str) -> list[Bucket]:
    out = []
    day = start
    step = timedelta(days=7 if unit == "week" else 1)
    while day <= end:
        label = f"{day.month}/{day.day}" + ("起" if unit == "week" else "")
        out.append(Bucket(day, label))
        day += step
    return out


def _bin(buckets: list[Bucket], start: date, unit: str, when: datetime, tz: tzinfo) -> Bucket | None:
    offset = (when.astimezone(tz).date() - start).days
    index = offset // 7 if unit == "week" else offset
    return buckets[index] if 0 <= index < len(buckets) else None


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def message_stats(
    session: Session, user: User, f: StatsFilters, now: datetime, *, default_tz: str = "Asia/Shanghai"
) -> MessageStats:
    """The dashboard's message figures for ``user`` (see the module docstring for each figure)."""
    tz = deployment_zone(session, default_tz)
    tree = _RegionTree.load(session)
    conds = _conditions(session, user, f, tree)
    start, end, since = _period(f, now, tz)
    unit = "week" if f.days > WEEKLY_AFTER_DAYS else "day"
    stats = MessageStats(f, start, end, unit, _buckets(start, end, unit))
    in_period = [*conds, Message.created_at >= since, Message.created_at <= now]

    hours: list[float] = []
    for created, replied in session.execute(select(Message.created_at, Message.replied_at).where(*in_period)):
        bucket = _bin(stats.series, start, unit, _aware(created), tz)
        if bucket is not None:
            bucket.received += 1
        if replied is not None:
            hours.append((_aware(replied) - _aware(created)).total_seconds() / 3600)
    stats.total = sum(b.received for b in stats.series)
    stats.answered = len(hours)
    stats.mean_reply_hours = sum(hours) / len(hours) if hours else None
    replied_rows = session.scalars(
        select(Message.replied_at).where(*conds, Message.replied_at >= since, Message.replied_at <= now)
    )
    for replied in replied_rows:
        if replied is None:
            continue
        bucket = _bin(stats.series, start, unit, _aware(replied), tz)
        if bucket is not None:
            bucket.replied += 1

    statuses: dict[str, int] = {
        status: int(n) for status, n in session.execute(
            select(Message.status, func.count()).where(*in_period).group_by(Message.status))
    }  # fmt: skip
    stats.rejected = int(statuses.get("rejected", 0))
    stats.by_status = [Share(label, int(statuses[code]), code) for code, label in STATUS_LABELS.items()
                       if statuses.get(code)]  # fmt: skip

    open_ = Message.status.in_(OPEN_STATUSES)
    soon = now + timedelta(days=due_soon_days(session))
    row = session.execute(
        select(
            func.count(),
            func.count().filter(Message.due_at < now),
            func.count().filter(Message.due_at >= now, Message.due_at < soon),
        ).where(*conds, open_)
    ).one()
    stats.open_now, stats.overdue_now, stats.due_soon_now = (int(x or 0) for x in row)

    stats.followup = followup_figures(session, in_period)
    _category_breakdown(session, stats, in_period)
    _region_breakdown(session, user, stats, in_period, tree)
    return stats


def _category_breakdown(session: Session, stats: MessageStats, conds: list[ColumnElement[bool]]) -> None:
    """Counts by first-level category, or by the children of the selected one."""
    level = 1
    if stats.filters.category:
        parent = session.scalar(select(Category).where(Category.path == stats.filters.category))
        assert parent is not None  # checked by _conditions
        level = parent.level + 1
        stats.category_root = parent.path
        stats.category_up = parent.path.rsplit("/", 1)[0] if "/" in parent.path else ""
    paths: dict[int, str] = {cid: path for cid, path in session.execute(select(Category.id, Category.path))}
    counts: Counter[str] = Counter()
    rows = session.execute(select(Message.category_id, func.count()).where(*conds).group_by(Message.category_id))
    for category_id, n in rows:
        path = paths.get(category_id) if category_id is not None else None
        if path is None:
            counts[""] += n
            continue
        parts = path.split("/")
        counts["/".join(parts[:level]) if len(parts) >= level else "="] += n
    shares = []
    for key, n in counts.items():
        if key == "":
            shares.append(Share(NO_CATEGORY, n))
        elif key == "=":
            shares.append(Share(f"{stats.category_root.rsplit('/', 1)[-1]}（未细分）", n))
        else:
            shares.append(Share(key.rsplit("/", 1)[-1], n, key))
    stats.by_category = sorted(shares, key=lambda s: (-s.count, s.label))


def _region_breakdown(
    session: Session, user: User, stats: MessageStats, conds: list[ColumnElement[bool]], tree: _RegionTree
) -> None:
    """Counts by the regions one level below the root (see the module docstring)."""
    root = _region_root(tree, user, stats.filters.region)
    depth = len(_ids(root.path)) if root is not None else 0
    if root is not None:
        stats.region_root = root.name
        parent = tree.by_id.get(root.parent_id) if root.parent_id is not None else None
        if stats.filters.region:
            stats.region_up = parent.code if parent is not None else ""
    counts: Counter[int | str] = Counter()
    rows = session.execute(select(Message.region_id, func.count()).where(*conds).group_by(Message.region_id))
    for region_id, n in rows:
        region = tree.by_id.get(region_id) if region_id is not None else None
        if region is None:
            counts[NO_REGION] += n
            continue
        ids = _ids(region.path)
        if root is not None and root.id not in ids:
            counts["其他区域"] += n
        elif len(ids) > depth:
            counts[ids[depth]] += n
        else:
            counts["本级"] += n
    shares = []
    for key, n in counts.items():
        if isinstance(key, int) and key in tree.by_id:
            child = tree.by_id[key]
            shares.append(Share(child.name, n, child.code))
        elif key == "本级" and root is not None:
            shares.append(Share(f"{root.name}（本级）", n))
        else:
            shares.append(Share(str(key), n))
    stats.by_region = sorted(shares, key=lambda s: (-s.count, s.label))


def stats_summary(stats: MessageStats) -> dict[str, Any]:
    """The headline figures as plain values (for the JSON API or a report)."""
    return {
        "start": stats.start.isoformat(),
        "end": stats.end.isoformat(),
        "total": stats.total,
        "answered": stats.answered,
        "rejected": stats.rejected,
        "answer_rate": stats.answer_rate,
        "mean_reply_hours": stats.mean_reply_hours,
        "open_now": stats.open_now,
        "overdue_now": stats.overdue_now,
        "due_soon_now": stats.due_soon_now,
        "resolution_rate": stats.followup.resolution_rate,
        "callback_satisfaction_rate": stats.followup.callback_satisfaction_rate,
        "rating_satisfaction_rate": stats.followup.rating_satisfaction_rate,
    }

