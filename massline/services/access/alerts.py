"""Who may see alerts and act on them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from massline.models import Alert, Office, Region, User
from massline.services.access.messages import (
    OFFICE_ROLES,
    READ_ALL_ROLES,
    _region_path,
)
from massline.services.errors import Forbidden, NotFound


def alert_scope(session: Session, user: User) -> ColumnElement[bool]:
    """SQL condition selecting the alerts ``user`` may see: all (dispatchers, supervisors, admins);
    their office's (officials); those about their region or its offices (leaders)."""
    if not user.is_active:
        return false()
    if user.role in READ_ALL_ROLES:
        return true()
    if user.role in OFFICE_ROLES and user.office_id is not None:
        return Alert.office_id == user.office_id
    if user.role == "leader" and user.region_id is not None:
        path = _region_path(session, user.region_id)
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


def allowed_alert_actions(user: User | None, alert: Alert) -> list[str]:
    """What ``user`` may do with the alert now: "acknowledge" (while open), "resolve" (until resolved)."""
    if user is None or alert.status == "resolved" or not can_act_on_alert(user, alert):
        return []
    return ["acknowledge", "resolve"] if alert.status == "open" else ["resolve"]


def access_alert_for_action(session: Session, user: User, alert_id: int) -> Alert:
    """The alert, if ``user`` may see it (else NotFound) and act on it (else Forbidden)."""
    alert = access_alert_by_id(session, user, alert_id)
    if not can_act_on_alert(user, alert):
        raise Forbidden()
    return alert
