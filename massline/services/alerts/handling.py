"""Reading and handling alerts: the lists a user may see, acknowledging and resolving.

Who may see or act on an alert is decided in ``services.access`` (``alert_scope``,
``access_alert_for_action``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Alert, User
from massline.services import audit
from massline.services.access import access_alert_for_action, alert_scope
from massline.services.errors import Conflict
from massline.services.subtree import in_category, in_region


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


def check_acknowledge(session: Session, user: User, alert_id: int, now: datetime, note: str = "") -> Alert:
    """The responsible office (or a dispatcher) has seen the alert (已知悉)."""
    alert = access_alert_for_action(session, user, alert_id)
    if alert.status != "open":
        raise Conflict("该预警已知悉或已解除")
    alert.status = "acknowledged"
    alert.acknowledged_by_id = user.id
    alert.acknowledged_at = now
    alert.note = note.strip()[:1000] or alert.note
    audit.record(session, user, "alert_acknowledged", "alert", alert.id)
    return alert


def check_resolve(session: Session, user: User, alert_id: int, now: datetime, note: str = "") -> Alert:
    """Close the alert (已解除); a later trigger opens a new one."""
    alert = access_alert_for_action(session, user, alert_id)
    if alert.status == "resolved":
        raise Conflict("该预警已解除")
    alert.status = "resolved"
    alert.resolved_by_id = user.id
    alert.resolved_at = now
    alert.note = note.strip()[:1000] or alert.note
    audit.record(session, user, "alert_resolved", "alert", alert.id)
    return alert
