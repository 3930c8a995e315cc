"""The supervision sweep (worker, ``massline supervision sweep``): escalation and retention.

A report whose acceptance or outcome notice is overdue is escalated: the
supervision office one level up, to whose handlers the report key was sealed
when it was filed, may now read it. A report past the deployment's retention
period is deleted with every sealed copy of its key (crypto-shredding): what a
backup still holds of it cannot be opened by anyone's key any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from massline.models import (
    SupervisionEntry,
    SupervisionFile,
    SupervisionRecipient,
    SupervisionReport,
    SupervisionUnlock,
)
from massline.services import audit
from massline.services.supervision.entries import add_entry


@dataclass(frozen=True)
class SweepResult:
    """How many reports were escalated and deleted."""

    escalated: int
    deleted: int


def sweep_reports(session: Session, now: datetime) -> SweepResult:
    """Escalate overdue reports and delete those past retention, in the caller's transaction."""
    overdue = session.scalars(
        select(SupervisionReport).where(
            SupervisionReport.escalated_at.is_(None),
            SupervisionReport.escalation_office_id.is_not(None),
            or_(
                (SupervisionReport.status == "received") & (SupervisionReport.accept_due < now),
                (SupervisionReport.status != "concluded") & (SupervisionReport.outcome_due < now),
            ),
        )
    ).all()
    for report in overdue:
        report.escalated_at = now
        add_entry(session, report, None, "escalated", None, "", now)
        audit.record(session, None, "supervision_escalated", "supervision_report", report.id)
    expired = session.scalars(select(SupervisionReport.id).where(SupervisionReport.delete_after < now)).all()
    if expired:
        session.execute(delete(SupervisionRecipient).where(SupervisionRecipient.report_id.in_(expired)))
        session.execute(delete(SupervisionEntry).where(SupervisionEntry.report_id.in_(expired)))
        session.execute(delete(SupervisionFile).where(SupervisionFile.report_id.in_(expired)))
        session.execute(delete(SupervisionReport).where(SupervisionReport.id.in_(expired)))
        for report_id in expired:
            audit.record(session, None, "supervision_report_deleted", "supervision_report", report_id)
    session.execute(delete(SupervisionUnlock).where(SupervisionUnlock.expires_at < now))
    return SweepResult(escalated=len(overdue), deleted=len(expired))
