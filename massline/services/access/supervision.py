"""Who may read a supervision report (监督举报): only its recipients, never the accused side.

A report is readable by a user only when all of these hold: the account is
active; the user is a recipient the report key is sealed to and has not stepped
aside; an escalation recipient only once the report is escalated; the user's
office is not the accused office, nor an office in a region under the accused
office's region. Anything else is ``NotFound``, exactly like a report that does
not exist. (Without the key, a recipient's row gives nothing to read anyway: the
check keeps the pages and their audit honest.)
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Office, SupervisionRecipient, SupervisionReport, User
from massline.services.errors import NotFound


def is_accused_side(session: Session, user: User, report: SupervisionReport) -> bool:
    """True when ``user`` works in the accused office or in an office under its region."""
    if user.office_id is None:
        return False
    if user.office_id == report.accused_office_id:
        return True
    own = session.get(Office, user.office_id)
    accused = session.get(Office, report.accused_office_id)
    if own is None or accused is None:
        return True
    own_path, accused_path = own.region.path, accused.region.path
    return own_path != accused_path and own_path.startswith(accused_path)


def _recipient(session: Session, user: User, report: SupervisionReport) -> SupervisionRecipient | None:
    return session.scalar(
        select(SupervisionRecipient).where(
            SupervisionRecipient.report_id == report.id, SupervisionRecipient.user_id == user.id
        )
    )


def access_supervision_report(session: Session, user: User, report_id: int) -> tuple[SupervisionReport, bytes]:
    """The report ``report_id`` and the report key sealed to ``user``, or NotFound."""
    report = session.get(SupervisionReport, report_id)
    if report is None:
        raise NotFound()
    recipient = _recipient(session, user, report)
    if not user.is_active:
        raise NotFound()
    if recipient is None or not recipient.sealed_key:  # no usable copy yet: shared when a recipient opens it
        raise NotFound()
    if recipient.stepped_aside_at is not None:
        raise NotFound()
    if recipient.role == "escalation" and report.escalated_at is None:
        raise NotFound()
    if is_accused_side(session, user, report):
        raise NotFound()
    return report, recipient.sealed_key
