"""Typed input and output of the case actions (pydantic, kept apart from the ORM classes).

Each action has its own request schema, naming the action it asks for
(``action``), and its own result schema. A request accepts only its own
fields: a body meant for another action is refused (``extra="forbid"``).
Field titles are the Chinese names used in validation messages.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from massline.models import DeadlineExtension, Message


class CaseRequest(BaseModel):
    """The request of one case action; subclasses name the action."""

    model_config = ConfigDict(extra="forbid")
    action: ClassVar[str] = ""


class AcceptRequest(CaseRequest):
    """签收: the office signs for the case; no parameters."""

    action: ClassVar[str] = "accept"


class AssignRequest(CaseRequest):
    """指派经办人: hand the case to a colleague of the same office."""

    action: ClassVar[str] = "assign"
    user_id: int = Field(title="经办人", description="the colleague's user id")


class TransferRequest(CaseRequest):
    """转办: send the case to another office, with a reason the citizen sees."""

    action: ClassVar[str] = "transfer"
    office: str = Field(title="目标单位", description="office code (see /api/v1/meta)")
    reason: str = Field(title="转办理由", description="at least 4 characters, shown to the citizen")
    confirm_unstaffed: bool = Field(
        default=False, title="确认转至无在岗人员的单位",
        description="required (true) when the target office has no active staff account; otherwise 422",
    )  # fmt: skip


class RejectRequest(CaseRequest):
    """不予受理: decline the case, with a reason the citizen sees."""

    action: ClassVar[str] = "reject"
    reason: str = Field(title="不予受理理由", description="at least 4 characters, shown to the citizen")


class ReplyRequest(CaseRequest):
    """保存答复草稿: write or update the unpublished reply."""

    action: ClassVar[str] = "reply"
    body: str = Field(title="答复内容", description="10–5000 characters")


class PublishRequest(CaseRequest):
    """发布答复: publish the saved draft; no parameters."""

    action: ClassVar[str] = "publish"


class CloseRequest(CaseRequest):
    """办结: close a replied case; no parameters."""

    action: ClassVar[str] = "close"


class ExtensionRequest(CaseRequest):
    """申请延期: ask the office head for more days."""

    action: ClassVar[str] = "extend_request"
    days: int = Field(title="延期天数", description="1–30")
    reason: str = Field(title="延期理由", description="at least 4 characters")


class DispatchRequest(CaseRequest):
    """派单: a dispatcher sends a queued case to an office."""

    action: ClassVar[str] = "dispatch"
    office: str = Field(title="承办单位", description="office code (see /api/v1/meta)")


class CategoryRequest(CaseRequest):
    """更正分类: correct the case's category."""

    action: ClassVar[str] = "category"
    category: str = Field(title="领域", description="category path (see /api/v1/meta)")


class KindRequest(CaseRequest):
    """更正类型: the handling office corrects the message's kind (投诉, 求助, 咨询, 建言, 表扬, 举报), with a reason."""

    action: ClassVar[str] = "kind"
    kind: str = Field(title="类型", description="one of 投诉 求助 咨询 建言 表扬 举报")
    reason: str = Field(title="更正理由", description="at least 4 characters; kept in the case's history")


class ExtensionDecision(BaseModel):
    """The office head's decision on a pending extension."""

    model_config = ConfigDict(extra="forbid")
    approve: bool = Field(title="是否同意")


# ---- results ---------------------------------------------------------------------------------


class CaseResult(BaseModel):
    """The case after an action: its state, office and handler."""

    message_id: int
    status: str
    status_label: str
    office: str | None
    assignee: str | None
    due_at: datetime | None

    @classmethod
    def fields_of(cls, message: Message) -> dict[str, object]:
        """The common fields, read from ``message``."""
        return {
            "message_id": message.id,
            "status": message.status,
            "status_label": message.status_label,
            "office": message.office.name if message.office else None,
            "assignee": message.assignee.display_name if message.assignee else None,
            "due_at": message.due_at,
        }


class AcceptResult(CaseResult):
    """The case signed for; ``assignee`` is its handler."""


class AssignResult(CaseResult):
    """The case with its new handler."""


class TransferResult(CaseResult):
    """The case at its new office (``office``), coming from ``from_office``."""

    from_office: str | None


class RejectResult(CaseResult):
    """The declined case and the reason the citizen sees."""

    reason: str


class ReplyResult(CaseResult):
    """The saved, unpublished reply."""

    reply_id: int


class PublishResult(CaseResult):
    """The published reply."""

    reply_id: int
    published_at: datetime | None


class CloseResult(CaseResult):
    """The closed case."""

    closed_at: datetime | None


class ExtensionRequested(CaseResult):
    """The pending extension request."""

    extension_id: int
    days: int


class DispatchResult(CaseResult):
    """The case sent to ``office``."""


class CategoryResult(CaseResult):
    """The case's category after the correction."""

    category: str | None


class KindResult(CaseResult):
    """The case's kind after the correction."""

    kind: str


class ExtensionDecided(BaseModel):
    """An extension after the office head's decision."""

    extension_id: int
    message_id: int
    status: str
    due_at: datetime | None

    @classmethod
    def of(cls, ext: DeadlineExtension) -> ExtensionDecided:
        """The decision on ``ext``."""
        return cls(extension_id=ext.id, message_id=ext.message_id, status=ext.status, due_at=ext.message.due_at)


class PendingExtension(BaseModel):
    """A deadline extension waiting for the office head."""

    id: int
    message_id: int
    days: int
    reason: str
    requested_by: str
