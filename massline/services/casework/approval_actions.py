"""The approval and oversight case actions, registered in ``cases.CASE_ACTIONS`` like the others.

Reply approval (提交审核, 审核通过并发布, 退回修改), transfer requests decided by the
centre (申请退单, 审核退单) and 催办 / 督办. The logic is in ``approvals`` and
``oversight``; these are the typed steps pages and the API call through ``cases.act``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import Message, User
from massline.services.casework import approval_schemas as a
from massline.services.casework import approvals, oversight
from massline.services.casework import schemas as s
from massline.services.casework.cases import case_action


@case_action(a.SubmitReplyRequest, a.ReplySubmitted, label="提交审核",
             done="答复已提交单位负责人审核，审核通过后公开发布。")  # fmt: skip
def submit_reply(
    session: Session, user: User, message: Message, req: a.SubmitReplyRequest, now: datetime
) -> a.ReplySubmitted:
    """提交审核: send the saved draft to the office head (when the deployment requires reply approval)."""
    reply = approvals.check_submit_reply(session, user, message, now)
    session.flush()
    return a.ReplySubmitted(**s.CaseResult.fields_of(message), reply_id=reply.id)


@case_action(a.ApproveReplyRequest, s.PublishResult, label="审核通过并发布", done="答复已审核通过并公开发布。")
def approve_reply(
    session: Session, user: User, message: Message, req: a.ApproveReplyRequest, now: datetime
) -> s.PublishResult:
    """审核通过并发布: the office head approves the pending reply; it is published now."""
    reply = approvals.do_approve_reply(session, user, message, now)
    return s.PublishResult(**s.CaseResult.fields_of(message), reply_id=reply.id, published_at=reply.published_at)


@case_action(a.ReturnReplyRequest, a.ReplyReturned, label="退回修改", done="答复已退回经办人修改。")
def return_reply(
    session: Session, user: User, message: Message, req: a.ReturnReplyRequest, now: datetime
) -> a.ReplyReturned:
    """退回修改: the office head returns the pending reply to the official as a draft, with a comment."""
    reply = approvals.do_return_reply(session, user, message, req.comment, now)
    comment = approvals.return_comment(message) or ""
    return a.ReplyReturned(**s.CaseResult.fields_of(message), reply_id=reply.id, comment=comment)


@case_action(a.TransferApplication, a.TransferApplied, label="申请退单",
             done="退单申请已提交派单中心审核，审核前本件仍由本单位办理。")  # fmt: skip
def request_transfer(
    session: Session, user: User, message: Message, req: a.TransferApplication, now: datetime
) -> a.TransferApplied:
    """申请退单: ask the dispatch centre to transfer the case (when the deployment requires it)."""
    row = approvals.check_request_transfer(session, user, message, req.office, req.reason, now)
    session.flush()
    suggested = row.office.name if row.office else None
    return a.TransferApplied(**s.CaseResult.fields_of(message), request_id=row.id, suggested_office=suggested)


@case_action(a.TransferDecision, a.TransferDecided, label="审核退单", done="退单申请已审核。")
def decide_transfer(
    session: Session, user: User, message: Message, req: a.TransferDecision, now: datetime
) -> a.TransferDecided:
    """审核退单: a dispatcher approves (the case moves, new deadline) or refuses (with a reason) the request."""
    row = approvals.do_decide_transfer(session, user, message, req.approve, req.office, req.note, now)
    return a.TransferDecided(**s.CaseResult.fields_of(message), request_id=row.id, request_status=row.status)


@case_action(a.UrgeRequest, a.UrgeResult, label="催办", done="已催办，承办单位会在待办中看到。")
def urge(session: Session, user: User, message: Message, req: a.UrgeRequest, now: datetime) -> a.UrgeResult:
    """催办: a note to the handling office (internal)."""
    oversight.do_urge(session, user, message, req.note, now)
    return a.UrgeResult(**s.CaseResult.fields_of(message))


@case_action(a.SuperviseRequest, a.SuperviseResult, label="督办", done="已督办，批示已送达承办单位。")
def supervise(
    session: Session, user: User, message: Message, req: a.SuperviseRequest, now: datetime
) -> a.SuperviseResult:
    """督办: mark the case supervised with an instruction (批示), optionally a new deadline."""
    oversight.do_supervise(session, user, message, req.instruction, req.public_instruction, req.days, now)
    return a.SuperviseResult(**s.CaseResult.fields_of(message), escalated=message.escalated)
