"""Typed input and output of the issue actions (pydantic, kept apart from the ORM classes).

Each action has its own request schema, naming the action (``action``) and
the access right it needs (``right``, see ``access.can_act_on_issue``), and
its own result schema. A request accepts only its own fields.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from massline.models import Issue


class IssueRequest(BaseModel):
    """The request of one issue action; subclasses name the action and its access right."""

    model_config = ConfigDict(extra="forbid")
    action: ClassVar[str] = ""
    right: ClassVar[str] = ""


class OwnRequest(IssueRequest):
    """认领: the user's office takes the issue; no parameters."""

    action: ClassVar[str] = "own"
    right: ClassVar[str] = "own"


class DraftReplyRequest(IssueRequest):
    """保存答复草稿: save the unpublished reply to all the issue's messages."""

    action: ClassVar[str] = "draft_reply"
    right: ClassVar[str] = "reply"
    body: str = Field(title="答复内容", description="10–5000 characters")


class PublishReplyRequest(IssueRequest):
    """发布统一答复: publish the saved draft to every message; no parameters."""

    action: ClassVar[str] = "publish_reply"
    right: ClassVar[str] = "reply"


class ReplyAllRequest(IssueRequest):
    """统一答复: draft and publish in one call (for API clients)."""

    action: ClassVar[str] = "reply"
    right: ClassVar[str] = "reply"
    body: str = Field(title="答复内容", description="10–5000 characters")


class CommitRequest(IssueRequest):
    """作出承诺: a public decision or measure with its responsible office."""

    action: ClassVar[str] = "commit"
    right: ClassVar[str] = "commit"
    text: str = Field(title="承诺内容", description="4–1000 characters")
    office: str = Field(default="", title="责任单位", description="office code (default: the owner office)")
    due_date: date | None = Field(default=None, title="完成期限", description="YYYY-MM-DD")


class UpdateCommitmentRequest(IssueRequest):
    """更新进展: report progress on a commitment (100 means done)."""

    action: ClassVar[str] = "update_commitment"
    right: ClassVar[str] = "update_commitment"
    commitment_id: int = Field(title="承诺")
    progress: int = Field(title="进度", description="0–100")
    status: str = Field(default="", title="状态", description="planned / in_progress / done / cancelled")
    note: str = Field(default="", title="进展说明")


class ResolveRequest(IssueRequest):
    """标记解决: the owner office declares the issue resolved, with a public note."""

    action: ClassVar[str] = "resolve"
    right: ClassVar[str] = "resolve"
    note: str = Field(title="办结说明", description="4–1000 characters")


class MergeRequest(IssueRequest):
    """合并问题: merge issue ``other`` into this one."""

    action: ClassVar[str] = "merge"
    right: ClassVar[str] = "merge"
    other: int = Field(title="要并入的问题编号")
    note: str = Field(default="", title="说明")


class SplitRequest(IssueRequest):
    """拆分问题: move these messages of the issue to a new issue."""

    action: ClassVar[str] = "split"
    right: ClassVar[str] = "split"
    message_ids: list[int] = Field(title="要拆出的留言")
    note: str = Field(default="", title="说明")


# ---- results ---------------------------------------------------------------------------------


class IssueResult(BaseModel):
    """The issue after an action (``issue_id``: the issue to show next)."""

    issue_id: int
    status: str
    status_label: str
    owner_office: str | None

    @classmethod
    def fields_of(cls, issue: Issue) -> dict[str, object]:
        """The common fields, read from ``issue``."""
        return {
            "issue_id": issue.id,
            "status": issue.status,
            "status_label": issue.status_label,
            "owner_office": issue.owner_office.name if issue.owner_office else None,
        }


class OwnResult(IssueResult):
    """The issue, now owned by the user's office."""


class DraftReplyResult(IssueResult):
    """The saved draft."""

    reply_id: int


class PublishReplyResult(IssueResult):
    """The published reply, how many messages it answered, and the offices whose messages it did not.

    ``not_answered`` maps each other office holding member messages to their
    count: the reply was not published on those (their office answers them and
    got a notice event).
    """

    reply_id: int
    messages: int
    not_answered: dict[str, int] = Field(default_factory=dict)


class CommitResult(IssueResult):
    """The new commitment."""

    commitment_id: int


class CommitmentUpdated(IssueResult):
    """The commitment's progress and status after the report."""

    commitment_id: int
    progress: int
    commitment_status: str


class ResolveResult(IssueResult):
    """The resolved issue."""

    resolved_at: datetime | None


class MergeResult(IssueResult):
    """The target issue, with the issue merged into it."""

    merged_issue_id: int


class SplitResult(IssueResult):
    """The new issue (``issue_id``) split from ``source_issue_id``."""

    source_issue_id: int
