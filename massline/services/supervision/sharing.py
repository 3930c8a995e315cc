"""Sharing a report's key with a handler who got a key pair after the report was filed.

A report is sealed to the handlers who had a key pair when it was filed. A handler who
joins the supervision office later, or whose key pair was replaced (an administrator's
password reset drops the old pair, and its sealed copies with it), cannot read it until
someone who can re-seals the report key to their new public key. The platform does that
whenever a current recipient opens the report or acts on it (their unlocked key opens the
report key in memory): every active handler of the receiving office — and of the escalation
office, as an escalation recipient — who has a public key and no usable copy gets one. Each
share is an audit row ``supervision_key_shared`` naming the newcomer and an entry in the
report's history. The database alone still never opens a report: sealing needs the report
key, which only a recipient's unlocked private key (or the reporter's secret) gives.
A handler who stepped aside is never sealed to again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import Office, SupervisionRecipient, SupervisionReport, User
from massline.services import audit
from massline.services.access import is_accused_side
from massline.services.supervision import sealing
from massline.services.supervision.entries import add_entry
from massline.services.supervision.keys import public_keys
from massline.services.supervision.routing import handlers_of


def _wanted(session: Session, report: SupervisionReport) -> dict[int, tuple[User, str]]:
    out: dict[int, tuple[User, str]] = {}
    for office_id, role in ((report.escalation_office_id, "escalation"), (report.office_id, "handler")):
        office = session.get(Office, office_id) if office_id is not None else None
        if office is None:
            continue
        for handler in handlers_of(session, office):
            if not is_accused_side(session, handler, report):
                out[handler.id] = (handler, role)
    return out


def share_key(session: Session, report: SupervisionReport, key: bytes, by: User, now: datetime) -> list[int]:
    """Seal the report ``key`` to every handler of the report's offices with a key pair and no usable copy
    (``by`` holds the key now); returns the ids of those it was shared with."""
    wanted = _wanted(session, report)
    keys = public_keys(session, list(wanted))
    rows = {r.user_id: r for r in report.recipients}
    shared = []
    for user_id, public in keys.items():
        row = rows.get(user_id)
        if row is not None and (row.stepped_aside_at is not None or row.sealed_key):
            continue
        role = wanted[user_id][1]
        if row is None:
            row = SupervisionRecipient(report_id=report.id, user_id=user_id, role=role, sealed_key=b"")
            session.add(row)
            report.recipients.append(row)
        row.sealed_key = sealing.seal_to(public, key)
        audit.record(session, by, "supervision_key_shared", "supervision_report", report.id, to=user_id,
                     role=row.role)
        shared.append(user_id)
    if shared:
        add_entry(session, report, None, "key_shared", by, "", now)
    return shared

