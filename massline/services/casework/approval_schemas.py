"""Typed input and output of the approval and oversight case actions (``approvals``, ``oversight``).

Like ``schemas``: one request schema per action, naming it, accepting only its own
fields; field titles are the Chinese names used in validation messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, Field

from massline.services.casework.schemas import CaseRequest, CaseResult


class SubmitReplyRequest(CaseRequest):
    """提交审核: send the saved draft to the office head for approval; no parameters."""

    action: ClassVar[str] = "submit_reply"


class ApproveReplyRequest(CaseRequest):
    """审核通过并发布: the office head approves the pending reply, which is published; no parameters."""

    action: ClassVar[str] = "approve_reply"


class ReturnReplyRequest(CaseRequest):
    """退回修改: the office head returns the pending reply to the official as a draft."""

    action: ClassVar[str] = "return_reply"
    comment: str = Field(title="退回意见", description="at least 4 characters, shown to the official")


class TransferApplication(CaseRequest):
    """申请退单: ask the dispatch centre to transfer the case; the office keeps it until the decision."""

    action: ClassVar[str] = "request_transfer"
    office: str = Field(default="", title="建议承办单位", description="office code (see /api/v1/meta); may be empty")
    reason: str = Field(title="退单理由", description="at least 4 characters")


class TransferDecision(CaseRequest):
    """审核退单: a dispatcher approves (the case moves) or refuses (with a reason) the pending request."""

    action: ClassVar[str] = "decide_transfer"
    approve: bool = Field(title="是否同意")
    office: str = Field(default="", title="承办单位", description="approving: another office than the suggested one")
    note: str = Field(default="", title="不同意的理由", description="refusing: at least 4 characters")


class UrgeRequest(CaseRequest):
    """催办: a note to the handling office (internal)."""

    action: ClassVar[str] = "urge"
    note: str = Field(title="催办意见", description="at least 4 characters")


class SuperviseRequest(CaseRequest):
    """督办: mark the case supervised with an instruction (批示), optionally a new deadline."""

    action: ClassVar[str] = "supervise"
    instruction: str = Field(title="批示内容", description="at least 4 characters")
    public_instruction: bool = Field(default=False, title="公开批示内容",
                                     description="true: the citizen sees the instruction's text, not only 督办")
    days: int | None = Field(default=None, title="新办理期限（天）", description="1–60 days from now; empty: unchanged")


class ReplySubmitted(CaseResult):
    """The reply waiting for the office head."""

    reply_id: int


class ReplyReturned(CaseResult):
    """The reply returned to the official as a draft, with the head's comment."""

    reply_id: int
    comment: str


class TransferApplied(CaseResult):
    """The pending transfer request (the case is still with the office)."""

    request_id: int
    suggested_office: str | None


class TransferDecided(CaseResult):
    """The case after the centre's decision; ``request_status`` approved or refused."""

    request_id: int
    request_status: str


class UrgeResult(CaseResult):
    """The case after the 催办."""


class SuperviseResult(CaseResult):
    """The supervised case (``escalated`` true), with its deadline."""

    escalated: bool


class PendingTransfer(BaseModel):
    """A transfer request waiting for the dispatch centre."""

    id: int
    message_id: int
    title: str
    from_office: str | None
    suggested_office: str | None
    reason: str
    requested_by: str
    created_at: datetime
