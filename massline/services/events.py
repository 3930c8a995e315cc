"""The case history: every state change of a message is an event row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from massline.models import Message, MessageEvent, User

EVENT_LABELS = {
    "submitted": "群众提交留言",
    "routed": "系统分派",
    "dispatched": "派单",
    "accepted": "单位签收",
    "assigned": "指定经办人",
    "transferred": "转办",
    "rejected": "不予受理",
    "reply_drafted": "起草答复",
    "replied": "公开答复",
    "closed": "办结",
    "rated": "群众评价",
    "reopened": "群众要求重新办理",
    "escalated": "升级督办",
    "extension_requested": "申请延期",
    "extension_approved": "同意延期",
    "extension_denied": "不同意延期",
    "category_changed": "更正分类",
    "issue_replied": "问题统一答复",
}


def add_event(
    session: Session,
    message: Message,
    type_: str,
    now: datetime,
    *,
    actor: User | None = None,
    to_status: str | None = None,
    note: str | None = None,
    public: bool = True,
    **data: Any,
) -> MessageEvent:
    """Record one step, moving the message to ``to_status`` when given.

    Must be called inside the transaction that makes the change.
    """
    from_status = message.status
    if to_status is not None:
        message.status = to_status
    message.updated_at = now
    event = MessageEvent(
        message=message,
        type=type_,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.id if actor else None,
        office=message.office,
        note=note,
        is_public=public,
        data=data,
        created_at=now,
    )
    session.add(event)
    return event
