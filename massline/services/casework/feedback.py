"""What citizens do after a reply: rate it, reopen the case, support or oppose messages."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from itsdangerous import Signer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import Message, Rating, Support
from massline.services.access import can_reopen, rating_refusal
from massline.services.casework import closing
from massline.services.casework.staffing import reopen_handler
from massline.services.errors import Conflict, ValidationFailed
from massline.services.events import add_event
from massline.services.ratelimit import StanceLimits
from massline.services.routing import compute_due


def check_rate(
    session: Session, message: Message, score: int, comment: str, now: datetime, *, close: bool = True
) -> Rating:
    """Rate the latest published reply once (1–5, optional comment); the rule is ``access.rating_refusal``.

    Rating a replied case closes it (办结, ``closing``), unless ``close`` is False: the
    citizen asks in the same breath for the case to be handled again (then reopened)."""
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
    if close:
        closing.close_on_rating(session, message, now)
    return rating


def check_reopen(session: Session, message: Message, reason: str, now: datetime, escalate_after: int = 2) -> Message:
    """The citizen is not satisfied: the case goes back to the office that replied.

    It leaves the official who handled it: its office's head takes it (``staffing.reopen_handler``),
    or, with no head, it waits unassigned so the whole office sees it as a new case.
    """
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
    handler = reopen_handler(session, message.office_id)
    message.assignee_id = handler.id if handler else None
    to_handler: dict[str, Any] = {"handler": handler.display_name} if handler else {}
    add_event(session, message, "reopened", now, to_status="reopened", note=why[:1000], **to_handler)
    if message.reopen_count >= escalate_after and not message.escalated:
        message.escalated = True
        add_event(session, message, "escalated", now, note=f"第 {message.reopen_count} 次重新办理，升级督办")
    return message


_SUPPORTER_SALT = "massline-supporter"
BAD_SUPPORTER_TOKEN = "无效的支持者标识，请重新获取 (invalid client_token: get one from /api/v1/supporter-token)"  # noqa: S105 - a message, not a secret


def issue_supporter_token(secret: str) -> str:
    """A new supporter token for one browser or client: a random id signed by the server."""
    return Signer(secret, salt=_SUPPORTER_SALT).sign(secrets.token_urlsafe(16)).decode("ascii")


def is_supporter_token(token: str, secret: str) -> bool:
    """True when ``token`` is one the server signed (see :func:`issue_supporter_token`)."""
    return Signer(secret, salt=_SUPPORTER_SALT).validate(token.encode("utf-8", "replace"))


def supporter_key(client_token: str, secret: str) -> str:
    """A salted hash of the citizen's signed browser token: counts once, stores nothing identifying.

    A token the server did not sign (chosen or forged by the client) is refused (422).
    """
    if not is_supporter_token(client_token, secret):
        raise ValidationFailed({"client_token": BAD_SUPPORTER_TOKEN})
    return hashlib.sha256(f"{secret}:{client_token}".encode()).hexdigest()


STANCES = ("support", "oppose")
_STANCE_WORD = {"support": "支持", "oppose": "反对"}


def check_support(
    session: Session, message: Message, key: str, now: datetime, stance: str = "support",
    *, address: str = "", limits: StanceLimits | None = None,
) -> int:  # fmt: skip
    """Record one citizen's 点赞 (``stance="support"``) or 反对 (``"oppose"``); returns the new count of that stance.

    A citizen takes one stance per message, once: a second click of either
    button is refused with a message saying which stance was taken. With
    ``limits``, one client ``address`` adds at most so many stances to a message
    a day and so many an hour (RateLimited beyond): fresh browser tokens from
    one address do not multiply a count. The counts (and the heat index built
    on them) hold only accepted stances.
    """
    if stance not in STANCES:
        raise ValidationFailed({"stance": "只能是 support（支持）或 oppose（反对）"})
    taken = session.scalar(select(Support.stance).where(Support.message_id == message.id, Support.supporter_key == key))
    if taken is not None:
        raise Conflict(f"您已经{_STANCE_WORD.get(taken, '支持')}过这条留言")
    if limits is not None:  # counted with the stance: a refused or failed stance counts nothing
        limits.per_message.hit(session, f"{address}\0{message.id}", now)
        limits.per_hour.hit(session, address, now)
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
