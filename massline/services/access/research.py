"""Who may read a leader's research ledger and the yearly report; who may read and act on an
error-tolerance review (容错纠错) or a pilot registration (事前备案).

Reviewers of tolerance cases are the supervisors (监督员) and the admins: the same people who see
every research ledger. An official sees only their own ledger, reviews and registrations.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from massline.models import Office, TolerancePilot, ToleranceReview, User
from massline.services.errors import Forbidden, NotFound

#: who reads every ledger and the yearly report, and who reviews tolerance cases
OVERSEER_ROLES = ("supervisor", "admin")


def is_overseer(user: User) -> bool:
    """True when ``user`` reads every research ledger and reviews tolerance cases (supervisors, admins)."""
    return user.is_active and user.role in OVERSEER_ROLES


def can_read_ledger(viewer: User, leader: User) -> bool:
    """True when ``viewer`` may read ``leader``'s research ledger: the leader themself, supervisors, admins."""
    if not viewer.is_active:
        return False
    if viewer.id == leader.id:
        return True
    return viewer.role in OVERSEER_ROLES


def access_ledger_user(session: Session, viewer: User, user_id: int) -> User:
    """The staff account whose ledger ``viewer`` asks for, if they may read it; otherwise NotFound."""
    leader = session.get(User, user_id)
    if leader is None or leader.role == "citizen":
        raise NotFound()
    if not can_read_ledger(viewer, leader):
        raise NotFound()
    return leader


def tolerance_scope(viewer: User) -> ColumnElement[bool]:
    """SQL condition selecting the reviews ``viewer`` may read."""
    if not viewer.is_active:
        return false()
    if viewer.role in OVERSEER_ROLES:
        return true()
    return ToleranceReview.official_id == viewer.id


def pilot_scope(viewer: User) -> ColumnElement[bool]:
    """SQL condition selecting the pilot registrations ``viewer`` may read."""
    if not viewer.is_active:
        return false()
    if viewer.role in OVERSEER_ROLES:
        return true()
    return TolerancePilot.official_id == viewer.id


def access_review_by_id(session: Session, viewer: User, review_id: int) -> ToleranceReview:
    """The review, if ``viewer`` may read it (the official concerned, reviewers); otherwise NotFound."""
    review = session.scalar(select(ToleranceReview).where(ToleranceReview.id == review_id, tolerance_scope(viewer)))
    if review is None:
        raise NotFound()
    return review


def allowed_review_actions(viewer: User, review: ToleranceReview) -> list[str]:
    """What ``viewer`` (who reads ``review``) may do on it now: ``account``, ``decide``, ``appeal``,
    ``decide_appeal``."""
    actions = []
    is_official = viewer.id == review.official_id
    reviewer = is_overseer(viewer) and not is_official
    if is_official and review.decided_at is None:
        actions.append("account")
    if reviewer and review.decided_at is None:
        actions.append("decide")
    if is_official and review.decided_at is not None and review.appealed_at is None:
        actions.append("appeal")
    appeal_open = review.appealed_at is not None and review.appeal_decided_at is None
    if reviewer and appeal_open and viewer.id != review.decided_by_id:
        actions.append("decide_appeal")
    return actions


def can_see_cadence(user: User) -> bool:
    """True when ``user`` sees the cadence ledger: office heads (their office), supervisors and admins."""
    if not user.is_active:
        return False
    if user.role in OVERSEER_ROLES:
        return True
    return user.role == "office_head" and user.office_id is not None


def cadence_offices(session: Session, viewer: User) -> list[Office]:
    """The offices whose cadence ``viewer`` sees: their own for an office head, all for supervisors and
    admins (the dispatch centre's excepted: it routes, it does not answer); else Forbidden."""
    if not can_see_cadence(viewer):
        raise Forbidden()
    query = select(Office).where(Office.is_dispatch.is_(False))
    if viewer.role not in OVERSEER_ROLES:
        query = query.where(Office.id == viewer.office_id)
    return list(session.scalars(query.order_by(Office.id)))
