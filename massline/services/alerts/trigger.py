"""Raising alerts (预警): one alert per unresolved ``dedupe_key``, and the checks of one issue.

Triggers:

* ``burst_issue`` — an issue's messages per day: the last day against the
  ``history`` days before it (``analysis.bursts.detect_burst``); evaluated when
  the issue step adds messages to the issue;
* ``burst_category`` / ``burst_region`` — the same per first-level category and
  per region (each message counts for its region and every ancestor); evaluated
  by ``scan.scan``, which the worker calls every ``MASSLINE_ALERT_SCAN_MINUTES``;
* ``urgent_new_issue`` — a new issue (first message within
  ``MASSLINE_ALERT_URGENT_NEW_DAYS``) with an urgent message, or several elevated
  ones with the same risk signal (``analysis.bursts.urgent_issue_alert``).

While an alert is not resolved its ``dedupe_key`` is unique (a partial unique
index): a repeated trigger adds to ``trigger_count`` and replaces the evidence
of the one alert instead of raising a storm. After it is resolved, a new
trigger opens a new alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.analysis.classify import Signal, Urgency
from massline.analysis.issues import BurstParams, BurstResult, bin_counts, detect_burst, urgent_issue_alert
from massline.models import Alert, Issue, Message, MessageAnalysis
from massline.services import audit
from massline.services.alerts.params import DAY, AlertParams


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


def day_series(times: Iterable[datetime], now: datetime, p: BurstParams) -> list[int]:
    """Messages per day over the ``history + window`` days up to ``now``."""
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


def evaluate_issue(
    session: Session,
    issue: Issue,
    now: datetime,
    params: AlertParams | None = None,
    times: Sequence[datetime] | None = None,
) -> list[Alert]:
    """Burst and urgent-new-issue checks for one issue with ``params`` (default: the built-in thresholds);
    returns the alerts raised or updated. ``times``: when its messages were received, if already read
    (any range: only the burst window is used)."""
    p = params or AlertParams()
    raised: list[Alert] = []
    start = now - DAY * (p.burst.history + p.burst.window)
    counts = day_series(_times_since(session, issue, start, times), now, p.burst)
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


def _times_since(session: Session, issue: Issue, start: datetime, times: Sequence[datetime] | None) -> list[datetime]:
    if times is not None:
        return [t for t in times if t >= start]
    stmt = select(Message.created_at).where(Message.issue_id == issue.id, Message.created_at >= start)
    return list(session.scalars(stmt))


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
