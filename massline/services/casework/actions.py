"""Casework: what an office does with a message, each action one atomic step.

The acting ``user`` is None only for system or imported steps (demo, bulk import).

Every function runs inside the caller's transaction, checks that the action
fits the case's state, changes it and writes the event row. Access checks
happen before, in ``services.access``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import KINDS, Category, DeadlineExtension, Message, Office, Reply, User
from massline.services.access import OFFICE_ROLES
from massline.services.casework import closing
from massline.services.deployment import deployment_zone
from massline.services.errors import Conflict, ValidationFailed
from massline.services.events import add_event
from massline.services.routing import compute_due

REPLY_MIN, REPLY_MAX = 10, 5000


# The states in which each action is possible: the one statement of the case's state rules.
ACTION_STATES: dict[str, tuple[str, ...]] = {
    "dispatch": ("received", "assigned"),
    "accept": ("assigned", "reopened"),
    "assign": ("assigned", "accepted", "reopened"),
    "transfer": ("assigned", "accepted", "reopened"),
    "reject": ("received", "assigned", "accepted"),
    "reply": ("accepted",),
    "publish": ("accepted",),
    "close": ("replied",),
    "extend_request": ("assigned", "accepted", "reopened"),
    "callback": ("replied",),
    "kind": ("assigned", "accepted", "reopened"),
    # approvals and oversight (casework.approvals, casework.oversight)
    "submit_reply": ("accepted",),
    "approve_reply": ("accepted",),
    "return_reply": ("accepted",),
    "request_transfer": ("assigned", "accepted", "reopened"),
    "decide_transfer": ("assigned", "accepted", "reopened"),
    "urge": ("assigned", "accepted", "reopened"),
    "supervise": ("assigned", "accepted", "reopened"),
}


def action_fits(action: str, message: Message) -> bool:
    """True when ``action`` is possible in the message's current state."""
    return message.status in ACTION_STATES.get(action, (message.status,))


def need_state(message: Message, action: str) -> None:
    """Conflict (409) unless ``action`` is possible in the message's current state."""
    if not action_fits(action, message):
        raise Conflict(f"当前状态为「{message.status_label}」，不能执行此操作")


def written(value: str, field: str, what: str, note: str = "") -> str:
    """``value`` cleaned, 4 to 1000 characters, else ValidationFailed for ``field`` naming ``what`` (理由, 批示...)."""
    text = clean_text(value).strip()
    if len(text) < 4:
        raise ValidationFailed({field: f"请写明{what}（至少 4 个字）{note}"})
    if len(text) > 1000:
        raise ValidationFailed({field: f"{what}不能超过 1000 个字"})
    return text


def _reason(text: str, field: str = "reason") -> str:
    return written(text, field, "理由", "，理由会告知群众")


def _office_by_code(session: Session, code: str) -> Office:
    office = session.scalar(select(Office).where(Office.code == clean_text(code).strip()))
    if office is None:
        raise ValidationFailed({"office": "目标单位不存在"})
    return office


def do_dispatch(session: Session, user: User | None, message: Message, office_code: str, now: datetime) -> Message:
    """A dispatcher sends a queued (or wrongly routed, not yet accepted) message to an office."""
    need_state(message, "dispatch")
    office = _office_by_code(session, office_code)
    if office.is_dispatch:
        raise ValidationFailed({"office": "不能派给派单中心本身，请选择承办单位"})
    message.office = office
    message.office_id = office.id
    message.assignee_id = None
    message.due_at = compute_due(session, message, now)
    add_event(session, message, "dispatched", now, actor=user, to_status="assigned", note=office.name)
    return message


def do_route(session: Session, message: Message, office: Office, now: datetime, note: str, **data: Any) -> Message:
    """The system routes a queued message (received, no office) to ``office``; its deadline starts now.

    Used when the analysis supplies what intake lacked (category, region); no person acts.
    """
    if message.status != "received" or message.office_id is not None:
        raise Conflict("只有待派单的留言可以自动分派")
    message.office = office
    message.office_id = office.id
    message.due_at = compute_due(session, message, now)
    add_event(session, message, "routed", now, to_status="assigned", note=note, **data)
    return message


def do_accept(session: Session, user: User | None, message: Message, now: datetime) -> Message:
    """The office signs for the case (签收); the accepting official becomes its handler."""
    need_state(message, "accept")
    if message.assignee_id is None and user is not None:
        message.assignee_id = user.id
    add_event(session, message, "accepted", now, actor=user, to_status="accepted")
    return message


def do_assign(session: Session, user: User, message: Message, colleague_id: int, now: datetime) -> Message:
    """Hand the case to a colleague in the same office."""
    need_state(message, "assign")
    colleague = session.get(User, colleague_id)
    if colleague is None or colleague.office_id != message.office_id or colleague.role not in OFFICE_ROLES:
        raise ValidationFailed({"assignee": "只能指派给本单位的工作人员"})
    if not colleague.is_active:
        raise ValidationFailed({"assignee": "该账号已停用"})
    message.assignee_id = colleague.id
    add_event(session, message, "assigned", now, actor=user, note=colleague.display_name, public=False)
    return message


def do_transfer(
    session: Session, user: User | None, message: Message, office_code: str, reason: str, now: datetime
) -> Message:
    """Send the case to another office with a stated reason (转办)."""
    need_state(message, "transfer")
    why = _reason(reason)
    office = _office_by_code(session, office_code)
    if office.id == message.office_id:
        raise ValidationFailed({"office": "不能转给本单位"})
    if office.is_dispatch:
        raise ValidationFailed({"office": "请选择具体承办单位"})
    old = message.office.name if message.office else ""
    message.office = office
    message.office_id = office.id
    message.assignee_id = None
    message.due_at = compute_due(session, message, now)
    add_event(
        session,
        message,
        "transferred",
        now,
        actor=user,
        to_status="assigned",
        note=why,
        from_office=old,
        to_office=office.name,
    )
    return message


def do_reject(session: Session, user: User | None, message: Message, reason: str, now: datetime) -> Message:
    """Decline the case (out of scope, abusive ...) with a reason the citizen sees."""
    need_state(message, "reject")
    why = _reason(reason)
    message.reject_reason = why
    message.closed_at = now
    add_event(session, message, "rejected", now, actor=user, to_status="rejected", note=why)
    return message


def check_draft_reply(session: Session, user: User | None, message: Message, body: str, now: datetime) -> Reply:
    """Write or update the case's unpublished reply."""
    need_state(message, "reply")
    text = clean_text(body).strip()
    if len(text) < REPLY_MIN:
        raise ValidationFailed({"body": f"答复内容至少 {REPLY_MIN} 个字"})
    if len(text) > REPLY_MAX:
        raise ValidationFailed({"body": f"答复内容不能超过 {REPLY_MAX} 个字"})
    draft = next((r for r in message.replies if r.status == "draft"), None)
    if draft is None:
        assert message.office_id is not None
        draft = Reply(
            message=message,
            office_id=message.office_id,
            author_id=user.id if user else None,
            body=text,
            status="draft",
            created_at=now,
        )
        session.add(draft)
    else:
        draft.body = text
        draft.author_id = user.id if user else None
    add_event(session, message, "reply_drafted", now, actor=user, public=False)
    return draft


def do_publish_reply(session: Session, user: User | None, message: Message, now: datetime) -> Reply:
    """Publish the drafted reply: the citizen sees it and the case is replied."""
    need_state(message, "publish")
    draft = next((r for r in message.replies if r.status == "draft"), None)
    if draft is None:
        raise Conflict("请先起草答复")
    draft.status = "published"
    draft.published_at = now
    message.replied_at = now
    add_event(session, message, "replied", now, actor=user, to_status="replied", reply_id=draft.id)
    return draft


def do_close(session: Session, user: User | None, message: Message, now: datetime) -> Message:
    """Close a replied case (办结) where the casework policy allows it (``closing.close_refusal``):
    once the citizen rated the reply, or ``close_after_days`` after it; otherwise Conflict."""
    need_state(message, "close")
    refusal = closing.close_refusal(session, message, now)
    if refusal is not None:
        raise Conflict(refusal)
    message.closed_at = now
    add_event(session, message, "closed", now, actor=user, to_status="closed")
    return message


def check_request_extension(
    session: Session, user: User, message: Message, days: int, reason: str, now: datetime
) -> DeadlineExtension:
    """Ask for more days (decided by the office head or the dispatch centre); one pending request at a time."""
    need_state(message, "extend_request")
    if not 1 <= days <= 30:
        raise ValidationFailed({"days": "延期天数须在 1 到 30 天之间"})
    why = _reason(reason)
    pending = session.scalar(
        select(DeadlineExtension).where(
            DeadlineExtension.message_id == message.id, DeadlineExtension.status == "pending"
        )
    )
    if pending is not None:
        raise Conflict("已有待审批的延期申请")
    ext = DeadlineExtension(message=message, requested_by_id=user.id, days=days, reason=why, created_at=now)
    session.add(ext)
    add_event(session, message, "extension_requested", now, actor=user, note=why, public=False, days=days)
    return ext


def do_decide_extension(
    session: Session, head: User, ext: DeadlineExtension, approve: bool, now: datetime
) -> DeadlineExtension:
    """The office head (or the dispatch centre, by policy) approves or denies a pending extension
    (access checked by the caller); an approval is public with the new deadline."""
    if ext.status != "pending":
        raise Conflict("该申请已处理")
    ext.status = "approved" if approve else "denied"
    ext.decided_by_id = head.id
    ext.decided_at = now
    message = ext.message
    if approve:
        base = message.due_at or now
        message.due_at = base + timedelta(days=ext.days)
        note = f"新办理期限：{message.due_at.astimezone(deployment_zone(session)):%Y-%m-%d %H:%M}"
        add_event(session, message, "extension_approved", now, actor=head, note=note, days=ext.days,
                  due_at=message.due_at.isoformat())  # fmt: skip
    else:
        add_event(session, message, "extension_denied", now, actor=head, public=False)
    return ext


def do_change_category(session: Session, user: User, message: Message, category_path: str, now: datetime) -> Message:
    """Correct a message's category (the correction feeds the classifier's next training)."""
    category = session.scalar(select(Category).where(Category.path == clean_text(category_path)))
    if category is None:
        raise ValidationFailed({"category": "所选领域不存在"})
    old = message.category.path if message.category else None
    message.category = category
    add_event(session, message, "category_changed", now, actor=user, public=False, old=old, new=category.path)
    return message


def do_change_kind(session: Session, user: User, message: Message, kind: str, reason: str, now: datetime) -> Message:
    """Correct a message's kind with a reason: event ``kind_changed`` (改类) with the old and new kind, by the
    office holding the case. Accountability's 降级 check counts such changes from 投诉/求助/举报 to 咨询/建言."""
    new = clean_text(kind).strip()
    if new not in KINDS:
        raise ValidationFailed({"kind": "请选择类型：" + "、".join(KINDS)})
    if new == message.kind:
        raise ValidationFailed({"kind": f"类型已是「{new}」，无需更正"})
    text = written(reason, "reason", "理由")
    old, message.kind = message.kind, new
    add_event(session, message, "kind_changed", now, actor=user, public=False, note=text, old=old, new=new)
    return message
