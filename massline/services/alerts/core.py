"""Early warning (预警): raise, deduplicate, scope, acknowledge and resolve alerts.

Triggers:

* ``burst_issue`` — an issue's messages per day: the last day against the
  ``history`` days before it (``analysis.bursts.detect_burst``); evaluated when
  the issue step adds messages to the issue;
* ``burst_category`` / ``burst_region`` — the same per first-level category and
  per region (each message counts for its region and every ancestor); evaluated
  by :func:`scan`, which the worker calls every ``MASSLINE_ALERT_SCAN_MINUTES``;
* ``urgent_new_issue`` — a new issue (first message within
  ``MASSLINE_ALERT_URGENT_NEW_DAYS``) with an urgent message, or several elevated
  ones with the same risk signal (``analysis.bursts.urgent_issue_alert``).

While an alert is not resolved its ``dedupe_key`` is unique (a partial unique
index): a repeated trigger adds to ``trigger_count`` and replaces the evidence
of the one alert instead of raising a storm. After it is resolved, a new
trigger opens a new alert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.analysis.classify import Signal, Urgency
from massline.analysis.issues import BurstParams, BurstResult, bin_counts, detect_burst, urgent_issue_alert
from massline.models import Alert, Category, Issue, Message, MessageAnalysis, Office, Region, User, office_categories
from massline.services import audit
from massline.services.access import OFFICE_ROLES, READ_ALL_ROLES
from massline.services.errors import Conflict, Forbidden, NotFound
from massline.services.subtree import in_category, in_region

DAY = timedelta(days=1)


@dataclass(frozen=True)
class AlertParams:
    """Thresholds of early warning (the worker fills them from the settings)."""

    burst: BurstParams = field(default_factory=BurstParams)
    urgent_new_days: int = 7
    urgent_min_elevated: int = 3

    @classmethod
    def from_settings(cls, settings: Any) -> AlertParams:
        """Parameters from a ``massline.config.Settings``."""
        return cls(
            BurstParams(
                history=settings.alert_burst_history_days,
                min_count=settings.alert_burst_min_count,
                min_ratio=settings.alert_burst_min_ratio,
                max_p=settings.alert_burst_max_p,
            ),
            urgent_new_days=settings.alert_urgent_new_days,
            urgent_min_elevated=settings.alert_urgent_min_elevated,
        )


_params = AlertParams()


def configure(params: AlertParams) -> None:
    """Set the process's thresholds (the worker calls this with the settings' values)."""
    global _params
    _params = params


def current_params() -> AlertParams:
    """The thresholds in use."""
    return _params


# ---- raising -----------------------------------------------------------------------------


def trigger(
    session: Session,
    kind: str,
    dedupe_key: str,
    now: datetime,
    *,
    title: str,
    evidence: dict[str, Any],
    issue_id: int | None = None,
    category_id: int | None = None,
    region_id: int | None = None,
    office_id: int | None = None,
) -> Alert:
    """Raise an alert, or update the unresolved one with the same key (count, last time, evidence)."""
    existing = session.scalar(select(Alert).where(Alert.dedupe_key == dedupe_key, Alert.status != "resolved"))
    if existing is None:
        alert = Alert(
            kind=kind,
            dedupe_key=dedupe_key,
            status="open",
            title=title[:300],
            issue_id=issue_id,
            category_id=category_id,
            region_id=region_id,
            office_id=office_id,
            first_triggered_at=now,
            last_triggered_at=now,
            trigger_count=1,
            evidence=evidence,
            note="",
        )
        try:
            with session.begin_nested():
                session.add(alert)
            audit.record(session, None, "alert_raised", "alert", alert.id, kind=kind, key=dedupe_key)
            return alert
        except IntegrityError:  # another writer raised it first: update that one
            existing = session.scalar(select(Alert).where(Alert.dedupe_key == dedupe_key, Alert.status != "resolved"))
            if existing is None:
                raise
    existing.trigger_count += 1
    existing.last_triggered_at = now
    existing.evidence = evidence
    existing.title = title[:300]
    if office_id is not None:
        existing.office_id = office_id
    return existing


def burst_evidence(result: BurstResult, counts: list[int], unit: str = "day") -> dict[str, Any]:
    """The evidence of a burst as stored and shown: counts, baseline, ratio, p, z, thresholds."""
    return {
        "current": result.current,
        "baseline": result.baseline,
        "ratio": result.ratio,
        "p_value": result.p_value,
        "z_score": result.z_score,
        "counts": counts,
        "unit": unit,
        "params": asdict(result.params),
    }


def burst_title(subject: str, result: BurstResult) -> str:
    """A burst alert's title in Chinese: what, how many in the last window, against its usual daily rate."""
    return (f"{subject}留言激增：近 {result.params.window} 天 {result.current} 条，"
            f"此前日均 {result.baseline:g} 条（{result.ratio:.1f} 倍）")  # fmt: skip


def urgent_reason(evidence: list[dict[str, Any]]) -> str:
    """Why a new issue is urgent, in Chinese: the risk signals and how many messages carry them."""
    labels = list(dict.fromkeys(str(e.get("label") or "紧急风险") for e in evidence))
    if any(e.get("level") == "urgent" for e in evidence):
        return f"{'、'.join(labels)}（{len(evidence)} 条紧急留言）"
    return f"{'、'.join(labels)}（{len(evidence)} 条较急留言有同一风险信号）"


def _issue_name(issue: Issue) -> str:
    return f"“{issue.title}”" if issue.title else f" #{issue.id} "


def _series(times: Iterable[datetime], now: datetime, p: BurstParams) -> list[int]:
    return bin_counts(times, now, p.history + p.window, DAY)


def issue_office(session: Session, issue: Issue) -> int | None:
    """The office responsible for an issue: its owner, else the office handling most of its messages."""
    if issue.owner_office_id is not None:
        return issue.owner_office_id
    row = session.execute(
        select(Message.office_id, func.count())
        .where(Message.issue_id == issue.id, Message.office_id.is_not(None))
        .group_by(Message.office_id)
        .order_by(func.count().desc(), Message.office_id)
        .limit(1)
    ).first()
    return None if row is None else row[0]


def evaluate_issue(session: Session, issue: Issue, now: datetime, params: AlertParams | None = None) -> list[Alert]:
    """Burst and urgent-new-issue checks for one issue; returns the alerts raised or updated."""
    p = params or _params
    raised: list[Alert] = []
    start = now - DAY * (p.burst.history + p.burst.window)
    times = list(
        session.scalars(select(Message.created_at).where(Message.issue_id == issue.id, Message.created_at >= start))
    )
    counts = _series(times, now, p.burst)
    result = detect_burst(counts, p.burst)
    if result.is_burst:
        raised.append(
            trigger(
                session,
                "burst_issue",
                f"burst_issue:{issue.id}",
                now,
                title=burst_title(f"问题{_issue_name(issue)}", result),
                evidence=burst_evidence(result, counts),
                issue_id=issue.id,
                region_id=issue.region_id,
                category_id=issue.category_id,
                office_id=issue_office(session, issue),
            )  # fmt: skip
        )
    first = issue.first_message_at
    if first is not None and now - first <= timedelta(days=p.urgent_new_days):
        urgencies = _urgencies(session, issue.id)
        decision = urgent_issue_alert(
            [u for _, u in urgencies], first, now, timedelta(days=p.urgent_new_days), p.urgent_min_elevated
        )
        if decision.raise_alert:
            evidence = [
                {**e, "message": urgencies[int(str(e["message"]))][0]} for e in decision.evidence if "message" in e
            ]
            reason = urgent_reason(evidence)
            raised.append(
                trigger(
                    session,
                    "urgent_new_issue",
                    f"urgent_new_issue:{issue.id}",
                    now,
                    title=f"新问题{_issue_name(issue)}含紧急风险信号：{reason}",
                    evidence={"reason": reason, "messages": evidence},
                    issue_id=issue.id,
                    region_id=issue.region_id,
                    category_id=issue.category_id,
                    office_id=issue_office(session, issue),
                )  # fmt: skip
            )
    return raised


def _urgencies(session: Session, issue_id: int, limit: int = 200) -> list[tuple[int, Urgency]]:
    rows = session.execute(
        select(MessageAnalysis.message_id, MessageAnalysis.urgency_level, MessageAnalysis.urgency_score,
               MessageAnalysis.evidence)
        .join(Message, Message.id == MessageAnalysis.message_id)
        .where(Message.issue_id == issue_id, MessageAnalysis.urgency_level.in_(("urgent", "elevated")))
        .order_by(Message.id)
        .limit(limit)
    )  # fmt: skip
    out = []
    for mid, level, score, evidence in rows:
        signals = [
            Signal(s.get("code", ""), s.get("label", ""), s.get("strength", 0.0), list(s.get("words", [])))
            for s in ((evidence or {}).get("urgency") or {}).get("signals", [])
        ]
        out.append((mid, Urgency(level, score or 0.0, signals)))
    return out


# ---- periodic scan ---------------------------------------------------------------------------


@dataclass
class ScanReport:
    """What a scan looked at and raised."""

    messages: int = 0
    categories: int = 0
    regions: int = 0
    alerts: list[Alert] = field(default_factory=list)


def scan(session: Session, now: datetime, params: AlertParams | None = None) -> ScanReport:
    """Burst checks per first-level category and per region over the recent messages."""
    p = params or _params
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
            counts = _series(times, now, p.burst)
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


# ---- access and actions --------------------------------------------------------------------


def alert_scope(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition selecting the alerts ``user`` may see."""
    if not user.is_active:
        return false()
    if user.role in READ_ALL_ROLES:
        return true()
    if user.role in OFFICE_ROLES and user.office_id is not None:
        return Alert.office_id == user.office_id
    if user.role == "leader" and user.region_id is not None:
        path = session.scalar(select(Region.path).where(Region.id == user.region_id))
        if path is None:
            return false()
        subtree = select(Region.id).where(Region.path.like(f"{path}%"))
        offices = select(Office.id).where(Office.region_id.in_(subtree))
        return or_(Alert.region_id.in_(subtree), Alert.office_id.in_(offices))
    return false()


def access_alert_by_id(session: Session, user: User, alert_id: int) -> Alert:
    """The alert, if ``user`` may see it; otherwise NotFound (the same answer as a missing one)."""
    alert = session.scalar(select(Alert).where(Alert.id == alert_id, alert_scope(session, user)))
    if alert is None:
        raise NotFound()
    return alert


def list_alerts(
    session: Session,
    user: User,
    *,
    status: str = "",
    limit: int = 100,
    region_id: int | None = None,
    category_id: int | None = None,
) -> list[Alert]:
    """Alerts ``user`` may see, unresolved first, latest trigger first. ``status`` filters; a region
    or category filter keeps the alerts about it or anything under it (a district's filter keeps
    its streets' bursts and its issues' alerts)."""
    stmt = select(Alert).where(alert_scope(session, user))
    for cond in (in_region(session, Alert.region_id, region_id), in_category(session, Alert.category_id, category_id)):
        if cond is not None:
            stmt = stmt.where(cond)
    if status == "unresolved":
        stmt = stmt.where(Alert.status != "resolved")
    elif status:
        stmt = stmt.where(Alert.status == status)
    stmt = stmt.order_by((Alert.status == "resolved").asc(), Alert.last_triggered_at.desc(), Alert.id.desc())
    return list(session.scalars(stmt.limit(limit)))


def all_alerts(session: Session, *, status: str = "unresolved", limit: int = 100) -> list[Alert]:
    """Every alert, unscoped: for the command line (the deployment's operator)."""
    stmt = select(Alert)
    if status == "unresolved":
        stmt = stmt.where(Alert.status != "resolved")
    elif status:
        stmt = stmt.where(Alert.status == status)
    return list(session.scalars(stmt.order_by(Alert.last_triggered_at.desc(), Alert.id.desc()).limit(limit)))


def can_act_on_alert(user: User, alert: Alert) -> bool:
    """True when ``user`` (who may see ``alert``) may acknowledge or resolve it: the staff of the
    responsible office, dispatchers and admins. Leaders and supervisors only read."""
    if not user.is_active:
        return False
    if user.role in ("dispatcher", "admin"):
        return True
    if user.role not in OFFICE_ROLES:
        return False
    if alert.office_id is None:
        return False
    return alert.office_id == user.office_id


def check_acknowledge(session: Session, user: User, alert_id: int, now: datetime, note: str = "") -> Alert:
    """The responsible office (or a dispatcher) has seen the alert (已知悉)."""
    alert = access_alert_by_id(session, user, alert_id)
    if not can_act_on_alert(user, alert):
        raise Forbidden()
    if alert.status != "open":
        raise Conflict("该预警已知悉或已解除 (already acknowledged or resolved)")
    alert.status = "acknowledged"
    alert.acknowledged_by_id = user.id
    alert.acknowledged_at = now
    alert.note = note.strip()[:1000] or alert.note
    audit.record(session, user, "alert_acknowledged", "alert", alert.id)
    return alert


def check_resolve(session: Session, user: User, alert_id: int, now: datetime, note: str = "") -> Alert:
    """Close the alert (已解除); a later trigger opens a new one."""
    alert = access_alert_by_id(session, user, alert_id)
    if not can_act_on_alert(user, alert):
        raise Forbidden()
    if alert.status == "resolved":
        raise Conflict("该预警已解除 (already resolved)")
    alert.status = "resolved"
    alert.resolved_by_id = user.id
    alert.resolved_at = now
    alert.note = note.strip()[:1000] or alert.note
    audit.record(session, user, "alert_resolved", "alert", alert.id)
    return alert
