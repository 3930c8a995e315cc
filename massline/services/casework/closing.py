"""When a replied case closes (办结): the citizen's rating, a 回访, or the policy's period without rating.

A replied case is not closed by the office at will: it closes when the
citizen rates the reply, when the dispatch centre records a 回访, or when
``close_after_days`` have passed since the reply without a rating (the
deadline sweep closes it, "逾期未评价，自动办结"). An official may close it
only in those same cases (:func:`close_refusal`), e.g. where no worker runs
the sweep. A rejected case (不予受理) is closed at once, as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Message, User
from massline.services.events import add_event
from massline.services.policy import CaseworkPolicy, casework_policy

#: the notes of the "closed" event, by what closed the case
CLOSED_BY_RATING = "群众已评价，办结"
CLOSED_UNRATED = "逾期未评价，自动办结"


def is_rated(message: Message) -> bool:
    """True when the citizen has rated the case's latest published reply."""
    reply = message.published_reply
    return reply is not None and any(r.reply_id == reply.id for r in message.ratings)


def close_due_at(message: Message, policy: CaseworkPolicy) -> datetime | None:
    """When the replied case closes without a rating (None: only a rating or a 回访 closes it)."""
    if message.replied_at is None or policy.close_after_days <= 0:
        return None
    return message.replied_at + timedelta(days=policy.close_after_days)


def close_refusal(session: Session, message: Message, now: datetime) -> str | None:
    """Why an official may not close the replied ``message`` now, or None when the policy allows it:
    the citizen rated the reply, or ``close_after_days`` have passed since it."""
    if is_rated(message):
        return None
    due = close_due_at(message, casework_policy(session))
    if due is not None and due <= now:
        return None
    when = f"；答复满 {casework_policy(session).close_after_days} 天仍未评价的，由系统自动办结" if due else ""
    return f"群众评价答复后才能办结（或由派单中心回访后办结）{when}"


def close_case(session: Session, message: Message, now: datetime, note: str, actor: User | None = None) -> Message:
    """Close the replied ``message`` with a "closed" event saying why (the caller checked that it may)."""
    message.closed_at = now
    add_event(session, message, "closed", now, actor=actor, to_status="closed", note=note)
    return message


def close_expired(session: Session, now: datetime, policy: CaseworkPolicy, limit: int | None = None) -> int:
    """Close the replied cases whose reply is ``close_after_days`` old (rated or not), at most ``limit``
    of them, the oldest first; returns how many."""
    if policy.close_after_days <= 0:
        return 0
    cutoff = now - timedelta(days=policy.close_after_days)
    messages = session.scalars(
        select(Message).where(Message.status == "replied", Message.replied_at <= cutoff)
        .order_by(Message.id).limit(limit)
    ).all()
    for message in messages:
        close_case(session, message, now, CLOSED_BY_RATING if is_rated(message) else CLOSED_UNRATED)
    return len(messages)


def close_on_rating(session: Session, message: Message, now: datetime) -> None:
    """The citizen rated the reply of a replied case: the case closes (办结)."""
    if message.status == "replied":
        close_case(session, message, now, CLOSED_BY_RATING)
