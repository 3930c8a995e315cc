"""The periodic scan: bursts per first-level category and per region (the worker runs it every
``MASSLINE_ALERT_SCAN_MINUTES``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.analysis.issues import detect_burst
from massline.models import Alert, Category, Message, Office, Region, office_categories
from massline.services.alerts.params import DAY, AlertParams
from massline.services.alerts.trigger import burst_evidence, burst_title, day_series, trigger


@dataclass
class ScanReport:
    """What a scan looked at and raised."""

    messages: int = 0
    categories: int = 0
    regions: int = 0
    alerts: list[Alert] = field(default_factory=list)


def scan(session: Session, now: datetime, params: AlertParams | None = None) -> ScanReport:
    """Burst checks per first-level category and per region over the recent messages, with ``params``
    (default: the built-in thresholds)."""
    p = params or AlertParams()
    start = now - DAY * (p.burst.history + p.burst.window)
    rows = session.execute(
        select(Message.category_id, Message.region_id, Message.created_at).where(
            Message.created_at >= start, Message.created_at <= now
        )
    ).all()
    report = ScanReport(messages=len(rows))
    top_of = _top_categories(session)
    ancestors = _region_ancestors(session)
    by_category: dict[int, list[datetime]] = defaultdict(list)
    by_region: dict[int, list[datetime]] = defaultdict(list)
    for category_id, region_id, created in rows:
        if category_id is not None and category_id in top_of:
            by_category[top_of[category_id][0]].append(created)
        for rid in ancestors.get(region_id, ()) if region_id is not None else ():
            by_region[rid].append(created)
    names = {cid: path for cid, path in top_of.values()}
    region_names: dict[int, str] = {rid: name for rid, name in session.execute(select(Region.id, Region.name))}
    groups = (
        ("burst_category", by_category, lambda cid: f"领域“{names.get(cid, cid)}”", "category_id", _category_office),
        ("burst_region", by_region, lambda rid: f"区域“{region_names.get(rid, rid)}”", "region_id", _region_office),
    )
    for kind, series_by_key, label, subject, office_of in groups:
        for key, times in sorted(series_by_key.items()):
            if kind == "burst_category":
                report.categories += 1
            else:
                report.regions += 1
            counts = day_series(times, now, p.burst)
            result = detect_burst(counts, p.burst)
            if result.is_burst:
                report.alerts.append(
                    trigger(
                        session,
                        kind,
                        f"{kind}:{key}",
                        now,
                        title=burst_title(label(key), result),
                        evidence=burst_evidence(result, counts),
                        office_id=office_of(session, key),
                        **{subject: key},
                    )
                )
    return report


def _top_categories(session: Session) -> dict[int, tuple[int, str]]:
    """Each category id → (its first-level category id, that category's path)."""
    rows = session.execute(select(Category.id, Category.path, Category.level)).all()
    top = {path: cid for cid, path, level in rows if level == 1}
    out = {}
    for cid, path, _level in rows:
        head = path.split("/", 1)[0]
        if head in top:
            out[cid] = (top[head], head)
    return out


def _region_ancestors(session: Session) -> dict[int, list[int]]:
    """Each region id → its own id and its ancestors' ids (from the materialised path)."""
    out = {}
    for rid, path in session.execute(select(Region.id, Region.path)):
        out[rid] = [int(x) for x in (path or "").strip("/").split("/") if x] or [rid]
    return out


def _category_office(session: Session, category_id: int) -> int | None:
    """The office answering this category with the widest region (the city bureau), if one."""
    row = session.execute(
        select(Office.id)
        .join(office_categories, office_categories.c.office_id == Office.id)
        .join(Region, Region.id == Office.region_id)
        .where(office_categories.c.category_id == category_id)
        .order_by(func.length(Region.path), Office.id)
        .limit(1)
    ).first()
    return None if row is None else row[0]


def _region_office(session: Session, region_id: int) -> int | None:
    """The general office (no categories, not dispatch) of this region, if one."""
    row = session.execute(
        select(Office.id)
        .where(Office.region_id == region_id, Office.is_dispatch.is_(False), ~Office.categories.any())
        .order_by(Office.id)
        .limit(1)
    ).first()
    return None if row is None else row[0]
