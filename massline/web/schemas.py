"""Input and output schemas of the JSON API (kept apart from the ORM models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from massline.services.casework import CaseResult
from massline.web.ids import BodyId, Key

R = TypeVar("R", bound=CaseResult)


class MessageCreate(BaseModel):
    """A citizen's new message."""

    title: str = Field(description="标题, up to 60 characters")
    body: str = Field(description="内容, 10–5000 characters")
    kind: str = Field(description="投诉 / 求助 / 咨询 / 建言 / 表扬 / 举报")
    region: str = Field(default="", description="region code (see /api/v1/meta)")
    category: str = Field(default="", description="category path, optional")
    addressee_office: str = Field(default="", description="office code, optional")
    addressee_leader: BodyId | None = Field(default=None, description="leader id, optional")
    author_name: str = ""
    contact_phone: str = ""
    contact_email: str = Field(default="", description="电子邮箱, optional: notifications and 我的留言")
    notify: bool = Field(
        default=True, description="tell the citizen of the case's steps through the contacts given (false: opt out)"
    )
    is_public: bool = True


class Submitted(BaseModel):
    """Returned once after a submission: keep the secret to follow the case.

    A repeated request with the same ``Idempotency-Key`` is answered with the
    same message; ``secret`` is then null after the replay window (24 h).
    """

    id: int
    tracking_code: str
    secret: str | None
    status: str
    status_label: str
    office: str | None


class EventOut(BaseModel):
    """One public step of a case."""

    model_config = ConfigDict(from_attributes=True)
    type: str
    label: str
    at: datetime
    note: str | None


class ReplyOut(BaseModel):
    """A published reply."""

    model_config = ConfigDict(from_attributes=True)
    office: str
    body: str
    published_at: datetime | None


class MessagePublic(BaseModel):
    """A message as the public sees it (PII redacted, author masked)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    tracking_code: str | None = None
    title: str
    body: str
    kind: str
    status: str
    status_label: str
    author: str
    region: str | None
    category: str | None
    office: str | None
    addressee: str | None
    support_count: int
    oppose_count: int = 0
    created_at: datetime
    reply: ReplyOut | None
    history: list[EventOut] = []
    rating: int | None = None
    reject_reason: str | None = None
    reopen_count: int = 0
    due_at: datetime | None = Field(None, description="办理期限: the office's deadline while the case is open")
    review_label: str | None = Field(None, description="the owner only: 待审核 or 审核后不公开")
    review_reason: str | None = Field(None, description="the owner only: why a moderator kept the message private")


class MessagePage(BaseModel):
    """One page of public messages. The board counts exactly up to 1,000 matches (or to the end of the page
    asked for): beyond, ``total_exact`` is false, ``total`` is that cap and ``pages`` the least there are."""

    items: list[MessagePublic]
    total: int
    total_exact: bool = Field(True, description="false: there are more than `total` (the board says 1,000+)")
    page: int
    pages: int


class TrackRequest(BaseModel):
    """Tracking code and secret, shown to the citizen at submission."""

    tracking_code: Key
    secret: Key


class RateRequest(TrackRequest):
    """Rate the reply; optionally reopen the case."""

    score: int
    comment: str = ""
    reopen: bool = False
    reason: str = ""


class ReopenRequest(TrackRequest):
    """Ask for the case to be handled again."""

    reason: str


class SupportRequest(BaseModel):
    """The client token from ``POST /api/v1/supporter-token`` (signed by the server), so each citizen counts once."""

    client_token: Key = Field(min_length=8, title="支持者标识")


class SupporterToken(BaseModel):
    """A server-signed client token: send it with every support or opposition of this client."""

    client_token: str


class LoginRequest(BaseModel):
    """Staff credentials."""

    username: Key
    password: Key


class TokenOut(BaseModel):
    """A bearer token for the API."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class CaseEventOut(BaseModel):
    """A step of the full case history (officials see every step)."""

    type: str
    label: str
    at: datetime
    actor: str | None
    from_status: str | None
    to_status: str | None
    note: str | None
    public: bool


class InstructionOut(BaseModel):
    """A 督办 (with its instruction, 批示) or 催办 of the open case, newest 督办 first."""

    kind: str
    text: str
    by: str
    at: datetime
    public: bool


class CaseOut(BaseModel):
    """A case as an official sees it."""

    id: int
    tracking_code: str
    title: str
    body: str
    kind: str
    status: str
    status_label: str
    author_name: str
    has_contact: bool
    is_public: bool
    region: str | None
    category: str | None
    office: str | None
    assignee: str | None
    due_at: datetime | None
    due_state: str
    created_at: datetime
    reopen_count: int
    escalated: bool
    #: how far the overdue case has gone up for its current deadline: "head", "centre" or None
    escalation_level: str | None = None
    draft_reply: str | None
    published_reply: str | None
    actions: list[str]
    history: list[CaseEventOut]
    pending_reply: str | None = Field(None, description="the reply waiting for the office head's approval")
    return_comment: str | None = Field(None, description="the office head's comment on a returned reply")
    pending_review: dict[str, Any] | None = Field(
        None, description="the review of the reply waiting for approval, stored when it was submitted: total, "
        "composition, criteria (key, label, score, weight, evidence, suggestion), demands, unanswered, min_score"
    )  # fmt: skip
    instructions: list[InstructionOut] = []


class CaseActionOut(CaseOut, Generic[R]):
    """The case after an action, with the action's own result.

    ``readable`` is False when the action took the case out of the official's
    reach (转办 to another office): the case fields are then its state right
    after the action, ``actions`` is empty and the case no longer opens for them.
    """

    result: R
    readable: bool = True


class DecisionOut(BaseModel):
    """An extension after the office head's decision: approved or denied."""

    status: str


class CaseSummary(BaseModel):
    """A line of the inbox."""

    id: int
    tracking_code: str
    title: str
    kind: str
    status: str
    status_label: str
    region: str | None
    category: str | None
    office: str | None
    due_at: datetime | None
    due_state: str
    created_at: datetime
    escalated: bool
    escalation_level: str | None = None


class CasePage(BaseModel):
    """One page of the inbox."""

    items: list[CaseSummary]
    total: int
    page: int
    pages: int
