"""Output schemas of the issue and alert API (kept apart from the ORM models and the services' views)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from massline.services.issues import IssueResult
from massline.web.ids import Key
from massline.web.schemas import MessagePublic

R = TypeVar("R", bound=IssueResult)


class HeatOut(BaseModel):
    """A heat score and every component: raw input, value, weight, contribution (heat = Σ contributions)."""

    model_config = ConfigDict(from_attributes=True)
    score: float
    components: list[dict[str, Any]]
    computed_at: datetime | None


class IssueOut(BaseModel):
    """An issue in a list."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    place: str
    problem: str
    summary: str
    keywords: list[str]
    region: str | None
    category: str | None
    status: str
    status_label: str
    recurring: bool
    recurrence_count: int
    owner_office: str | None
    first_message_at: datetime | None
    last_message_at: datetime | None
    message_count: int
    people_count: int
    support_count: int
    opposition_count: int
    sentiment: float | None
    heat: HeatOut
    created_at: datetime


class IssuePage(BaseModel):
    """One page of the issues an official may read."""

    items: list[IssueOut]
    total: int
    page: int
    pages: int


class IssueMessageOut(BaseModel):
    """A message of the issue that the official may read."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    tracking_code: str
    title: str
    status: str
    status_label: str
    office: str | None
    created_at: datetime
    is_public: bool


class IssueReplyOut(BaseModel):
    """The owner office's published reply to all messages."""

    model_config = ConfigDict(from_attributes=True)
    office: str
    body: str
    at: datetime
    messages: int


class IssueDraftOut(BaseModel):
    """The owner office's saved, unpublished reply."""

    model_config = ConfigDict(from_attributes=True)
    body: str
    author: str | None
    saved_at: datetime


class CommitmentUpdateOut(BaseModel):
    """One progress report on a commitment."""

    model_config = ConfigDict(from_attributes=True)
    at: datetime
    progress: int
    status: str
    note: str


class CommitmentOut(BaseModel):
    """A decision or measure and its progress."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    text: str
    office: str
    due_date: date | None
    progress: int
    status: str
    status_label: str
    created_at: datetime
    updated_at: datetime
    updates: list[CommitmentUpdateOut]


class IssueEventOut(BaseModel):
    """One step of an issue's history."""

    model_config = ConfigDict(from_attributes=True)
    type: str
    label: str
    at: datetime
    note: str | None
    office: str | None
    public: bool


class IssueDecisionOut(BaseModel):
    """An official's merge or split of the issue."""

    id: int
    kind: str
    issue: int
    other_issue: int | None
    messages: int
    note: str
    at: datetime


class RatingOut(BaseModel):
    """Citizens' ratings of the issue's handling: how many and their mean."""

    model_config = ConfigDict(from_attributes=True)
    count: int
    average: float | None


class AlertOut(BaseModel):
    """An early warning with its evidence and the actions the caller may take."""

    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    issue_id: int | None
    category_id: int | None
    region_id: int | None
    office: str | None
    first_triggered_at: datetime
    last_triggered_at: datetime
    trigger_count: int
    evidence: dict[str, Any]
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    note: str
    actions: list[str] = Field(description="acknowledge (while open), resolve (until resolved)")


class IssueDetailOut(BaseModel):
    """An issue as an official sees it, with the actions they may take."""

    issue: IssueOut
    messages: list[IssueMessageOut]
    hidden_messages: int
    representatives: list[int]
    replies: list[IssueReplyOut]
    draft_reply: IssueDraftOut | None
    commitments: list[CommitmentOut]
    history: list[IssueEventOut]
    decisions: list[IssueDecisionOut]
    alerts: list[AlertOut]
    rating: RatingOut
    actions: list[str]
    merged_into_id: int | None


class IssueActionOut(IssueDetailOut, Generic[R]):
    """The issue after an action (after a split: the new issue), with the action's own result."""

    result: R


class PublicIssueOut(BaseModel):
    """A public issue: its public messages (PII redacted), replies, commitments, public history, rating."""

    issue: IssueOut
    messages: list[MessagePublic]
    replies: list[IssueReplyOut]
    commitments: list[CommitmentOut]
    history: list[IssueEventOut]
    rating: RatingOut


class IssueRateRequest(BaseModel):
    """A citizen rates an issue's handling with the tracking code and secret of one of its messages."""

    tracking_code: Key
    secret: Key
    score: int = Field(ge=1, le=5, title="评分")
    comment: str = ""


class AlertNote(BaseModel):
    """An optional note on acknowledging or resolving an alert."""

    note: str = ""
