"""The case history: every state change of a message is an event row.

``event_row`` defines an event's columns. New messages get theirs from
``write_events`` (one Core executemany, the writer of every intake channel);
a step of a loaded message (casework, feedback) is recorded with ``add_event``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from massline.models import Message, MessageEvent, User

EVENT_LABELS = {
    "submitted": "群众提交留言",
    "routed": "系统分派",
    "region_located": "智能识别区域",
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
    "reminded": "办理期限提醒",
    "callback": "电话回访",
    "callback_unreachable": "回访未联系上群众",
    "extension_requested": "申请延期",
    "extension_approved": "同意延期",
    "extension_denied": "不同意延期",
    "category_changed": "更正分类",
    "kind_changed": "更正类型",
    "reply_submitted": "答复提交审核",
    "reply_approved": "答复审核通过",
    "reply_returned": "答复退回修改",
    "transfer_requested": "申请退单",
    "transfer_approved": "同意退单",
    "transfer_refused": "不同意退单",
    "urged": "催办",
    "supervised": "督办",
    "issue_replied": "问题统一答复",
    "issue_reply_notice": "所属问题已统一答复（本件未纳入）",
    "attachments_added": "上传附件",
    "attachment_reviewed": "审核附件",
    "secret_reset": "群众重置查询密码",
    "review_published": "审核通过，公开",
    "review_redacted": "审核修改公开内容",
    "review_withheld": "审核后不予公开",
    # the reply desk (services.replies)
    "reply_approval_required": "答复评分偏低，须经负责人审核",
    "demand_referred": "诉求标记为不属本单位职责",
    "demand_referral_removed": "撤销不属本单位职责标记",
    "clarified": "所属问题发布澄清说明",
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
    """Record one step of a loaded message, moving it to ``to_status`` when given (the
    columns of ``event_row``; the event's office is the message's office).

    Must be called inside the transaction that makes the change.
    """
    from_status = message.status
    if to_status is not None:
        message.status = to_status
    message.updated_at = now
    row = event_row(
        type_, now, from_status=from_status, to_status=to_status,
        actor_id=actor.id if actor else None, note=note, public=public, **data,
    )  # fmt: skip
    del row["message_id"], row["office_id"]  # set through the relationships (the message may not be flushed yet)
    event = MessageEvent(**row, message=message, office=message.office)
    session.add(event)
    return event


def event_row(
    type_: str,
    at: datetime,
    *,
    from_status: str | None,
    to_status: str | None,
    office_id: int | None = None,
    actor_id: int | None = None,
    note: str | None = None,
    public: bool = True,
    message_id: int | None = None,
    **data: Any,
) -> dict[str, Any]:
    """One case-history row as ``write_events`` stores it (``message_id`` may be filled in later).

    The same columns and defaults as ``add_event``'s ORM object.
    """
    return {
        "message_id": message_id,
        "type": type_,
        "from_status": from_status,
        "to_status": to_status,
        "actor_id": actor_id,
        "office_id": office_id,
        "note": note,
        "is_public": public,
        "data": data,
        "created_at": at,
    }


_INSERT_EVENTS = insert(cast(Table, MessageEvent.__table__))


def write_events(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert case-history rows of ``event_row`` in the caller's transaction (one executemany).

    Every intake channel writes its events here; casework steps on a loaded
    message use ``add_event``, which builds the same row through the ORM.
    """
    if rows:
        session.execute(_INSERT_EVENTS, list(rows))
