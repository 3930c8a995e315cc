"""Demands outside the office's remit (不属本单位职责): the handling office marks one demand of a message
with the office that is competent; the review then counts it as answered. Marking and unmarking are
internal case events and audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import DemandReferral, Office, User
from massline.services import audit
from massline.services.access import access_message_for_action
from massline.services.errors import Conflict, NotFound, ValidationFailed
from massline.services.events import add_event
from massline.services.replies.review import message_demands

NOTE_MAX = 500


def check_refer_demand(
    session: Session, user: User, message_id: int, index: int, office_code: str, note: str, now: datetime
) -> DemandReferral:
    """Mark demand number ``index`` of the message (as :func:`review.message_demands` splits it) outside the
    office's remit, naming the competent office (not the handling one) and an optional note."""
    message = access_message_for_action(session, user, message_id, "refer_demand")
    demands = message_demands(message)
    if not 0 <= index < len(demands):
        raise ValidationFailed({"demand": "该诉求不存在，请刷新页面后重试"})
    demand = demands[index]
    office = session.scalar(select(Office).where(Office.code == clean_text(office_code).strip()))
    if office is None or office.is_dispatch:
        raise ValidationFailed({"office": "请选择主管单位"})
    if office.id == message.office_id:
        raise ValidationFailed({"office": "主管单位不能是本单位"})
    text = clean_text(note).strip()
    if len(text) > NOTE_MAX:
        raise ValidationFailed({"note": f"说明不能超过 {NOTE_MAX} 个字"})
    taken = select(DemandReferral.id).where(DemandReferral.message_id == message.id,
                                            DemandReferral.span_start == demand.start,
                                            DemandReferral.span_end == demand.end)  # fmt: skip
    if session.scalar(taken) is not None:
        raise Conflict("该诉求已标记为不属本单位职责")
    row = DemandReferral(message_id=message.id, span_start=demand.start, span_end=demand.end,
                         demand_text=demand.text, office_id=office.id, note=text, created_by_id=user.id,
                         created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    said = f"“{demand.text.strip()}”由{office.name}主管" + (f"：{text}" if text else "")
    add_event(session, message, "demand_referred", now, actor=user, public=False, note=said, to_office=office.name)
    audit.record(session, user, "demand_referred", "message", message.id, referral=row.id, office=office.code,
                 demand=demand.text.strip())  # fmt: skip
    return row


def check_unrefer_demand(session: Session, user: User, message_id: int, referral_id: int, now: datetime) -> None:
    """Take back a demand's "outside our remit" mark."""
    message = access_message_for_action(session, user, message_id, "refer_demand")
    row = session.get(DemandReferral, referral_id)
    if row is None or row.message_id != message.id:
        raise NotFound()
    add_event(session, message, "demand_referral_removed", now, actor=user, public=False,
              note=f"“{row.demand_text.strip()}”")  # fmt: skip
    audit.record(session, user, "demand_referral_removed", "message", message.id, referral=row.id)
    session.delete(row)
