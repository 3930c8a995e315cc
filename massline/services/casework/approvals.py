"""Approvals: the office head approves replies; the dispatch centre decides transfers (退单) and extensions.

Whose approval a step needs is the deployment's ``casework:`` policy
(``services.policy.casework_policy``): with ``reply_approval`` an official's reply
waits (status "pending") until the office head approves it — only then is it
published and the "replied" event written — or returns it with a comment; the
head's own reply publishes directly. With ``centre_approves_transfers`` the office
requests a transfer (``TransferRequest``) and keeps the case until a dispatcher
approves (the case moves, its deadline starts again) or refuses it with a reason.
Who may act is ``services.access``'s rule; these functions check state and policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import DeadlineExtension, Message, Office, Reply, TransferRequest, User
from massline.services.access import can_list_extensions, require
from massline.services.casework.actions import do_publish_reply, do_transfer, need_state, written
from massline.services.casework.approval_schemas import PendingTransfer
from massline.services.errors import Conflict, ValidationFailed
from massline.services.events import add_event
from massline.services.policy import CaseworkPolicy, casework_policy

#: the reply steps an official takes, hidden while a reply waits for the head's approval
REPLY_STEPS = ("reply", "publish", "submit_reply")


def pending_reply(message: Message) -> Reply | None:
    """The case's reply waiting for the head of the office handling it now, if any (one written by an office
    the case has since left waits for nobody)."""
    return next((r for r in message.replies if r.status == "pending" and r.office_id == message.office_id), None)


def check_not_waiting(message: Message) -> None:
    """Conflict while the case's reply waits for the office head (it is not changed under their eyes)."""
    if pending_reply(message) is not None:
        raise Conflict("答复正在等待单位负责人审核，审核前不能修改")


def needs_reply_approval(policy: CaseworkPolicy, user: User, reply: Reply | None = None) -> bool:
    """True when ``user``'s reply must be approved by the office head before it is published: the policy's
    ``reply_approval``, or the reply's own ``approval_required`` (set by the reply desk's review)."""
    required = policy.reply_approval or (reply is not None and reply.approval_required)
    return required and user.role != "office_head"


def saved_draft(message: Message) -> Reply | None:
    """The case's saved, unpublished draft reply, if any."""
    return next((r for r in message.replies if r.status == "draft"), None)


def do_require_reply_approval(session: Session, message: Message, reply: Reply, needed: bool, reason: str,
                              now: datetime) -> None:  # fmt: skip
    """Whether ``reply`` needs the office head's approval whatever the policy's ``reply_approval`` — decided
    by a domain above casework (the reply desk, on its review's score); an internal event when it newly does."""
    if needed and not reply.approval_required:
        add_event(session, message, "reply_approval_required", now, note=reason, public=False, reply_id=reply.id)
    reply.approval_required = needed


def _live_requests() -> Select[TransferRequest]:
    """Pending transfer requests made by the office that still handles the case (a case re-routed meanwhile
    by other means leaves its old request behind, undecidable)."""
    return (
        select(TransferRequest)
        .join(Message, Message.id == TransferRequest.message_id)
        .join(User, User.id == TransferRequest.requested_by_id)
        .where(TransferRequest.status == "pending", User.office_id == Message.office_id)
    )


def pending_transfer(session: Session, message: Message) -> TransferRequest | None:
    """The case's transfer request waiting for the dispatch centre, if any."""
    return session.scalar(_live_requests().where(TransferRequest.message_id == message.id))


def offered(session: Session, user: User, message: Message, actions: list[str]) -> list[str]:
    """``actions`` (allowed by role and state) less those the policy or a pending approval rules out now."""
    policy = casework_policy(session)
    hidden = {"publish"} if needs_reply_approval(policy, user, saved_draft(message)) else {"submit_reply"}
    hidden |= set(REPLY_STEPS) if pending_reply(message) else {"approve_reply", "return_reply"}
    hidden.add("transfer" if policy.centre_approves_transfers else "request_transfer")
    hidden.add("request_transfer" if pending_transfer(session, message) else "decide_transfer")
    return [a for a in actions if a not in hidden]


def return_comment(message: Message) -> str | None:
    """The office head's comment on the reply they returned, until the reply is submitted again."""
    for event in reversed(message.events):
        if event.type in ("reply_submitted", "replied"):
            return None
        if event.type == "reply_returned":
            return event.note
    return None


# ---- replies -----------------------------------------------------------------------------------


def check_may_publish(session: Session, user: User, message: Message) -> None:
    """Conflict when ``user``'s reply needs the office head's approval (the policy's ``reply_approval``, or
    the draft's ``approval_required``)."""
    policy, draft = casework_policy(session), saved_draft(message)
    if needs_reply_approval(policy, user, draft):
        if not policy.reply_approval:
            raise Conflict("答复评分低于本单位设定的最低分，须经单位负责人审核后发布，请点击“提交审核”")
        raise Conflict("本单位答复须经单位负责人审核后发布，请点击“提交审核”")


def check_submit_reply(session: Session, user: User, message: Message, now: datetime) -> Reply:
    """An official submits the saved draft to the office head for approval (提交审核)."""
    need_state(message, "submit_reply")
    draft = saved_draft(message)
    if not casework_policy(session).reply_approval and not (draft is not None and draft.approval_required):
        raise Conflict("本平台的答复无须审核，请直接发布")
    if draft is None:
        raise Conflict("请先起草答复")
    draft.status = "pending"
    add_event(session, message, "reply_submitted", now, actor=user, public=False, reply_id=draft.id)
    return draft


def do_approve_reply(session: Session, head: User, message: Message, now: datetime) -> Reply:
    """The office head approves the pending reply: it is published now (the "replied" event)."""
    need_state(message, "approve_reply")
    reply = pending_reply(message)
    if reply is None:
        raise Conflict("没有待审核的答复")
    add_event(session, message, "reply_approved", now, actor=head, public=False, reply_id=reply.id)
    reply.status = "draft"
    return do_publish_reply(session, head, message, now)


def do_return_reply(session: Session, head: User, message: Message, comment: str, now: datetime) -> Reply:
    """The office head returns the pending reply to the official as a draft, with a comment."""
    need_state(message, "return_reply")
    reply = pending_reply(message)
    if reply is None:
        raise Conflict("没有待审核的答复")
    why = written(comment, "comment", "退回意见")
    reply.status = "draft"
    add_event(session, message, "reply_returned", now, actor=head, note=why, public=False, reply_id=reply.id)
    return reply


def pending_reply_cases(session: Session, user: User) -> list[Message]:
    """The cases of the office head's office whose reply waits for their approval (others: none)."""
    if user.role != "office_head" or user.office_id is None or not user.is_active:
        return []
    waiting = select(Reply.message_id).where(Reply.status == "pending", Reply.office_id == user.office_id)
    mine = (Message.office_id == user.office_id) & (Message.status == "accepted")
    return list(session.scalars(select(Message).where(mine, Message.id.in_(waiting)).order_by(Message.id)))


# ---- transfers (退单) ---------------------------------------------------------------------------


def _target(session: Session, code: str, message: Message) -> Office:
    office = session.scalar(select(Office).where(Office.code == clean_text(code).strip()))
    if office is None:
        raise ValidationFailed({"office": "目标单位不存在"})
    if office.is_dispatch or office.id == message.office_id:
        raise ValidationFailed({"office": "请选择本单位以外的具体承办单位"})
    return office


def check_request_transfer(
    session: Session, user: User, message: Message, office_code: str, reason: str, now: datetime
) -> TransferRequest:
    """The office asks the centre to transfer the case (退单), suggesting an office; it keeps the case meanwhile."""
    need_state(message, "request_transfer")
    if not casework_policy(session).centre_approves_transfers:
        raise Conflict("本平台转办无须派单中心审核，请直接转办")
    why = written(reason, "reason", "退单理由")
    office = _target(session, office_code, message) if office_code.strip() else None
    if pending_transfer(session, message) is not None:
        raise Conflict("已有待审核的退单申请")
    row = TransferRequest(message=message, requested_by_id=user.id, office=office, reason=why, created_at=now)
    session.add(row)
    add_event(session, message, "transfer_requested", now, actor=user, note=why, public=False,
              to_office=office.name if office else None)  # fmt: skip
    return row


def do_decide_transfer(
    session: Session, user: User, message: Message, approve: bool, office_code: str, note: str, now: datetime
) -> TransferRequest:
    """A dispatcher approves the pending transfer request (the case moves to the suggested office or
    ``office_code``, a new deadline) or refuses it with a reason (the office keeps the case)."""
    need_state(message, "decide_transfer")
    row = pending_transfer(session, message)
    if row is None:
        raise Conflict("没有待审核的退单申请")
    if approve:
        code = office_code.strip() or (row.office.code if row.office else "")
        if not code:
            raise ValidationFailed({"office": "申请未建议承办单位，请选择"})
        _target(session, code, message)
        add_event(session, message, "transfer_approved", now, actor=user, public=False)
        do_transfer(session, user, message, code, row.reason, now)
    else:
        row.decision_note = written(note, "note", "不同意的理由")
        add_event(session, message, "transfer_refused", now, actor=user, note=row.decision_note, public=False)
    row.status = "approved" if approve else "refused"
    row.decided_by_id, row.decided_at = user.id, now
    return row


@dataclass
class CentreRequests:
    """What waits for the dispatch centre's decision: transfer requests and (by policy) extensions."""

    transfers: list[TransferRequest]
    extensions: list[DeadlineExtension]
    decides_extensions: bool


def centre_requests(session: Session, user: User) -> CentreRequests:
    """The pending transfer requests and extension requests the centre decides, oldest first
    (Forbidden for anyone but a dispatcher)."""
    require(can_list_extensions(user, by_centre=True))
    policy = casework_policy(session)
    transfers = session.scalars(_live_requests().order_by(TransferRequest.id)).all()
    extensions: list[DeadlineExtension] = []
    if policy.centre_approves_extensions:
        extensions = list(
            session.scalars(
                select(DeadlineExtension).where(DeadlineExtension.status == "pending").order_by(DeadlineExtension.id)
            )
        )
    return CentreRequests(list(transfers), extensions, policy.centre_approves_extensions)


def pending_transfers(session: Session, user: User) -> list[PendingTransfer]:
    """The pending transfer requests as API objects (Forbidden for anyone but a dispatcher)."""
    return [
        PendingTransfer(id=r.id, message_id=r.message_id, title=r.message.title,
                        from_office=r.message.office.name if r.message.office else None,
                        suggested_office=r.office.name if r.office else None, reason=r.reason,
                        requested_by=r.requested_by.display_name, created_at=r.created_at)
        for r in centre_requests(session, user).transfers
    ]  # fmt: skip
