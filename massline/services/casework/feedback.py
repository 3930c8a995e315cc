"""What citizens do after a reply: rate it, reopen the case, support or oppose messages."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import Message, Rating, Support
from massline.services.access import can_reopen, rating_refusal
from massline.services.errors import Conflict, ValidationFailed
from massline.services.events import add_event
from massline.services.routing import compute_due


def check_rate(session: Session, message: Message, score: int, comment: str, now: datetime) -> Rating:
    """Rate the latest published reply once (1–5, optional comment); the rule is ``access.rating_refusal``."""
    if message.status not in ("replied", "closed"):
        raise Conflict(rating_refusal(message) or "")
    if not 1 <= score <= 5:
        raise ValidationFailed({"score": "请选择 1 到 5 星"})
    text = clean_text(comment).strip()
    if len(text) > 1000:
        raise ValidationFailed({"comment": "评价内容不能超过 1000 个字"})
    refusal = rating_refusal(message)
    if refusal is not None:
        raise Conflict(refusal)
    reply = message.published_reply
    assert reply is not None
    rating = Rating(message=message, reply_id=reply.id, score=score, comment=text, created_at=now)
    session.add(rating)
    add_event(session, message, "rated", now, note=text or None, score=score)
    return rating


def check_reopen(session: Session, message: Message, reason: str, now: datetime, escalate_after: int = 2) -> Message:
    """The citizen is not satisfied: the case goes back to the office that replied."""
    if not can_reopen(message):
        raise Conflict("只有已答复或已办结的留言可以要求重新办理")
    why = clean_text(reason).strip()
    if len(why) < 4:
        raise ValidationFailed({"reason": "请说明不满意的原因（至少 4 个字）"})
    reply = message.published_reply
    if reply is not None:
        message.office_id = reply.office_id
    message.reopen_count += 1
    message.closed_at = None
    message.due_at = compute_due(session, message, now)
    add_event(session, message, "reopened", now, to_status="reopened", note=why[:1000])
    if message.reopen_count >= escalate_after and not message.escalated:
        message.escalated = True
        add_event(session, message, "escalated", now, note=f"第 {message.reopen_count} 次重新办理，升级督办")
    return message


def supporter_key(client_token: str, salt: str) -> str:
    """A salted hash of the citizen's browser token: counts once, stores nothing identifying."""
    return hashlib.sha256(f"{salt}:{client_token}".encode()).hexdigest()


STANCES = ("support", "oppose")
_STANCE_WORD = {"support": "支持", "oppose": "反对"}


def check_support(session: Session, message: Message, key: str, now: datetime, stance: str = "support") -> int:
    """Record one citizen's 点赞 (``stance="support"``) or 反对 (``"oppose"``); returns the new count of that stance.

    A citizen takes one stance per message, once: a second click of either
    button is refused with a message saying which stance was taken.
    """
    if stance not in STANCES:
        raise ValidationFailed({"stance": "只能是 support（支持）或 oppose（反对）"})
    taken = session.scalar(select(Support.stance).where(Support.message_id == message.id, Support.supporter_key == key))
    if taken is not None:
        raise Conflict(f"您已经{_STANCE_WORD.get(taken, '支持')}过这条留言")
    try:
        with session.begin_nested():
            session.add(Support(message_id=message.id, supporter_key=key, stance=stance, created_at=now))
    except IntegrityError as exc:
        raise Conflict("您已经表达过对这条留言的态度") from exc
    if stance == "oppose":
        message.oppose_count += 1
        return message.oppose_count
    message.support_count += 1
    return message.support_count
