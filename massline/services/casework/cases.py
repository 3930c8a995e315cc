"""The actions an official takes on a case, each one typed function, and the case page's data.

Each action is one function taking its own request schema and returning its
own result schema (``casework.schemas``), registered with :func:`case_action`
under its name, label and the sentence shown after it. Pages and the JSON API
both call :func:`act`, which answers "may this user do it" through
``services.access`` (404 for a case the user may not read, 403 for an action
they may not take) and then runs the action. Adding an action means: its
function here, its schema, its line in ``access.can_act`` and its form in the
case page's template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import OPEN_STATUSES, DeadlineExtension, Message, Office, Reply, TransferRequest, User
from massline.services import audit
from massline.services.access import (
    OFFICE_ROLES,
    access_extension_for_decision,
    access_message_by_id,
    access_message_for_action,
    can_act,
    can_list_extensions,
    can_read,
    require,
)
from massline.services.actions import Action, ActionTable
from massline.services.casework import actions as casework
from massline.services.casework import approvals, oversight, staffing
from massline.services.casework import schemas as s
from massline.services.crypto import FieldCipher
from massline.services.errors import Conflict
from massline.services.policy import casework_policy

#: a registered case action (its request and result schemas, function, label)
CaseAction = Action
#: every case action by name, in the order pages offer them
CASE_ACTIONS = ActionTable()
case_action = CASE_ACTIONS.register


def act(session: Session, user: User, message_id: int, request: s.CaseRequest, now: datetime) -> s.CaseResult:
    """Check access (NotFound, Forbidden), then do the action ``request`` asks for; returns its result."""
    return _run(session, user, message_id, request, now)[1]


def _run(
    session: Session, user: User, message_id: int, request: s.CaseRequest, now: datetime
) -> tuple[Message, s.CaseResult]:
    spec = CASE_ACTIONS[request.action]
    message = access_message_for_action(session, user, message_id, spec.name)
    result: s.CaseResult = spec.run(session, user, message, request, now)
    return message, result


# ---- the actions -------------------------------------------------------------------------------


@case_action(s.AcceptRequest, s.AcceptResult, label="签收", done="已签收，您是本件经办人。")
def accept(session: Session, user: User, message: Message, req: s.AcceptRequest, now: datetime) -> s.AcceptResult:
    """签收: the office signs for the case; the accepting official becomes its handler."""
    casework.do_accept(session, user, message, now)
    return s.AcceptResult(**s.CaseResult.fields_of(message))


@case_action(s.AssignRequest, s.AssignResult, label="指派经办人", done="已指派经办人。")
def assign(session: Session, user: User, message: Message, req: s.AssignRequest, now: datetime) -> s.AssignResult:
    """Hand the case to a colleague of the same office."""
    casework.do_assign(session, user, message, req.user_id, now)
    session.flush()
    session.refresh(message, ["assignee"])
    return s.AssignResult(**s.CaseResult.fields_of(message))


@case_action(s.TransferRequest, s.TransferResult, label="转办", done="已转办。")
def transfer(session: Session, user: User, message: Message, req: s.TransferRequest, now: datetime) -> s.TransferResult:
    """转办: send the case to another office with a stated reason."""
    old = message.office.name if message.office else None
    if casework_policy(session).centre_approves_transfers:
        raise Conflict("转办须经派单中心审核，请使用“申请退单”")
    if not req.confirm_unstaffed:
        staffing.check_staffed(session, req.office)
    casework.do_transfer(session, user, message, req.office, req.reason, now)
    return s.TransferResult(**s.CaseResult.fields_of(message), from_office=old)


@case_action(s.RejectRequest, s.RejectResult, label="不予受理", done="已作不予受理处理。")
def reject(session: Session, user: User, message: Message, req: s.RejectRequest, now: datetime) -> s.RejectResult:
    """不予受理: decline the case with a reason the citizen sees."""
    casework.do_reject(session, user, message, req.reason, now)
    return s.RejectResult(**s.CaseResult.fields_of(message), reason=message.reject_reason or "")


@case_action(s.ReplyRequest, s.ReplyResult, label="保存答复草稿",
             done="答复草稿已保存。确认无误后请点击“发布答复”。")  # fmt: skip
def draft_reply(session: Session, user: User, message: Message, req: s.ReplyRequest, now: datetime) -> s.ReplyResult:
    """Write or update the case's unpublished reply (not while one waits for the office head's approval)."""
    approvals.check_not_waiting(message)
    draft = casework.check_draft_reply(session, user, message, req.body, now)
    session.flush()
    return s.ReplyResult(**s.CaseResult.fields_of(message), reply_id=draft.id)


@case_action(s.PublishRequest, s.PublishResult, label="发布答复", done="答复已公开发布。")
def publish_reply(
    session: Session, user: User, message: Message, req: s.PublishRequest, now: datetime
) -> s.PublishResult:
    """Publish the drafted reply: the citizen sees it and the case is replied (with reply approval on, only
    the office head publishes directly; officials submit the draft for approval)."""
    approvals.check_may_publish(session, user, message)
    reply = casework.do_publish_reply(session, user, message, now)
    return s.PublishResult(**s.CaseResult.fields_of(message), reply_id=reply.id, published_at=reply.published_at)


@case_action(s.CloseRequest, s.CloseResult, label="办结", done="已办结。")
def close(session: Session, user: User, message: Message, req: s.CloseRequest, now: datetime) -> s.CloseResult:
    """办结: close a replied case."""
    casework.do_close(session, user, message, now)
    return s.CloseResult(**s.CaseResult.fields_of(message), closed_at=message.closed_at)


@case_action(s.ExtensionRequest, s.ExtensionRequested, label="申请延期",
             done="延期申请已提交，等待审批。")  # fmt: skip
def request_extension(
    session: Session, user: User, message: Message, req: s.ExtensionRequest, now: datetime
) -> s.ExtensionRequested:
    """Ask for more days (the office head or, by policy, the dispatch centre decides); one pending at a time."""
    ext = casework.check_request_extension(session, user, message, req.days, req.reason, now)
    session.flush()
    return s.ExtensionRequested(**s.CaseResult.fields_of(message), extension_id=ext.id, days=ext.days)


@case_action(s.DispatchRequest, s.DispatchResult, label="派单", done="已派单。")
def dispatch(session: Session, user: User, message: Message, req: s.DispatchRequest, now: datetime) -> s.DispatchResult:
    """派单: a dispatcher sends a queued (or wrongly routed, not yet accepted) case to an office."""
    casework.do_dispatch(session, user, message, req.office, now)
    return s.DispatchResult(**s.CaseResult.fields_of(message))


@case_action(s.CategoryRequest, s.CategoryResult, label="更正分类", done="分类已更正。")
def change_category(
    session: Session, user: User, message: Message, req: s.CategoryRequest, now: datetime
) -> s.CategoryResult:
    """更正分类: correct the category (the correction feeds the classifier's next training)."""
    casework.do_change_category(session, user, message, req.category, now)
    category = message.category.path if message.category else None
    return s.CategoryResult(**s.CaseResult.fields_of(message), category=category)


@case_action(s.KindRequest, s.KindResult, label="更正类型", done="类型已更正。")
def change_kind(session: Session, user: User, message: Message, req: s.KindRequest, now: datetime) -> s.KindResult:
    """更正类型: the handling office corrects the kind, with a reason kept in the history (改类)."""
    casework.do_change_kind(session, user, message, req.kind, req.reason, now)
    return s.KindResult(**s.CaseResult.fields_of(message), kind=message.kind)


# ---- extensions and the contact ---------------------------------------------------------------


def decide_extension(
    session: Session, user: User, extension_id: int, req: s.ExtensionDecision, now: datetime
) -> s.ExtensionDecided:
    """The decision on an extension request: the office head's, or the dispatch centre's when the policy's
    ``centre_approves_extensions`` is on (NotFound for a case the user may not read, Forbidden for others)."""
    by_centre = casework_policy(session).centre_approves_extensions
    ext = access_extension_for_decision(session, user, extension_id, by_centre)
    casework.do_decide_extension(session, user, ext, req.approve, now)
    return s.ExtensionDecided.of(ext)


def pending_extensions(session: Session, user: User) -> list[s.PendingExtension]:
    """The pending deadline extensions the user decides: of the office head's office, or all of them for the
    centre's dispatchers when the policy says so (Forbidden for anyone else)."""
    by_centre = casework_policy(session).centre_approves_extensions
    require(can_list_extensions(user, by_centre))
    stmt = select(DeadlineExtension).join(Message).where(DeadlineExtension.status == "pending")
    if not by_centre:
        stmt = stmt.where(Message.office_id == user.office_id)
    rows = session.scalars(stmt.order_by(DeadlineExtension.id)).all()
    return [
        s.PendingExtension(id=r.id, message_id=r.message_id, days=r.days, reason=r.reason,
                           requested_by=r.requested_by.display_name)
        for r in rows
    ]  # fmt: skip


def reveal_contact(session: Session, cipher: FieldCipher, user: User, message_id: int) -> str:
    """The citizen's contact for the handling office; every read is audited."""
    message = access_message_for_action(session, user, message_id, "reveal_contact")
    audit.record(session, user, "contact_read", "message", message.id)
    if message.contact_encrypted is None:
        return ""
    return cipher.decrypt(message.contact_encrypted)


# ---- the case page -------------------------------------------------------------------------------


def allowed_case_actions(user: User, message: Message) -> list[str]:
    """The actions ``user`` (who may read ``message``) may take now: allowed to them by
    ``access.can_act`` and possible in the case's state."""
    return [a for a in CASE_ACTIONS if can_act(user, a, message) and casework.action_fits(a, message)]


def reopen_reason(message: Message) -> str | None:
    """The citizen's reason of the latest reopen, while the case is being handled again (shown on top)."""
    if not message.reopen_count or message.status not in OPEN_STATUSES:
        return None
    return next((e.note for e in reversed(message.events) if e.type == "reopened"), None)


@dataclass
class CaseView:
    """A case as an official sees it, with what they may do next."""

    message: Message
    actions: list[str]
    colleagues: list[User]
    offices: list[Office]
    pending_extensions: list[DeadlineExtension]
    can_reveal_contact: bool = False
    can_decide_extensions: bool = False
    #: the 督办 (with 批示) and 催办 of the open case, shown on top
    instructions: list[oversight.Instruction] = field(default_factory=list)
    #: the reply waiting for the office head's approval
    pending_reply: Reply | None = None
    #: the office head's comment on a returned reply (reply approval)
    return_comment: str | None = None
    #: the transfer request waiting for the dispatch centre
    transfer_request: TransferRequest | None = None
    #: extensions are decided by the dispatch centre (policy), not the office head
    extensions_by_centre: bool = False
    #: False when the user may no longer read the case (right after an action: act_and_view)
    readable: bool = True


def case_view(session: Session, user: User, message_id: int) -> CaseView:
    """The case page's data: the message, its history and the actions allowed now (by role and state)."""
    message = access_message_by_id(session, user, message_id)
    actions = approvals.offered(session, user, message, allowed_case_actions(user, message))
    colleagues: list[User] = []
    if message.office_id is not None and "assign" in actions:
        colleagues = list(
            session.scalars(
                select(User).where(
                    User.office_id == message.office_id, User.is_active.is_(True), User.role.in_(OFFICE_ROLES)
                )
            )
        )
    offices = list(session.scalars(select(Office).where(Office.is_dispatch.is_(False)).order_by(Office.id)))
    pending = list(
        session.scalars(
            select(DeadlineExtension).where(
                DeadlineExtension.message_id == message.id, DeadlineExtension.status == "pending"
            )
        )
    )
    centre = casework_policy(session).centre_approves_extensions
    return CaseView(
        message, actions, colleagues, offices, pending,
        can_reveal_contact=message.contact_encrypted is not None and can_act(user, "reveal_contact", message),
        can_decide_extensions=can_act(user, "extend_decide_centre" if centre else "extend_decide", message),
        instructions=oversight.instructions(message), return_comment=approvals.return_comment(message),
        transfer_request=approvals.pending_transfer(session, message), extensions_by_centre=centre,
        pending_reply=approvals.pending_reply(message),
    )  # fmt: skip


def act_and_view(
    session: Session, user: User, message_id: int, request: s.CaseRequest, now: datetime
) -> tuple[s.CaseResult, CaseView]:
    """:func:`act`, then the case as it stands after the action, for the answer to the action.

    Normally the case page's data (:func:`case_view`). An action may take the
    case out of the user's reach — 转办 to another office — and the action
    still succeeded: the view is then the case right after it (what the user
    saw before, plus what they just did), ``readable`` False and no action
    allowed; the case does not open for them afterwards.
    """
    message, result = _run(session, user, message_id, request, now)
    session.flush()
    if can_read(session, user, message):
        return result, case_view(session, user, message_id)
    return result, CaseView(message, [], [], [], [], readable=False)


# The approval and oversight actions and the 回访 one register in CASE_ACTIONS too, after the ones above,
# whichever name of the package is used first (they need ``case_action``, defined above).
from massline.services.casework import approval_actions as _approval_actions  # noqa: E402, F401, I001
from massline.services.casework import callbacks as _callbacks  # noqa: E402, F401, I001
