"""The JSON API of issues and alerts (``/api/v1``): the public hot list, officials' issue desk, alerts.

Handlers parse input, call one service function and shape the answer; access
rules live in ``services.access`` / ``services.alerts`` (a record the caller may
not see answers 404, like a missing one).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from massline.models import Alert, User
from massline.services import alerts
from massline.services import issues as issue_actions
from massline.services import issues as issue_decisions
from massline.services import issues as issue_views
from massline.services.casework import MAX_PAGE
from massline.services.issues import IssueDetailView, IssueSummaryView
from massline.web.deps import ApiOfficial, PlatformDep, SessionDep, client_key

router = APIRouter(prefix="/api/v1")


# ---- schemas -----------------------------------------------------------------------------------


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


class IssueAction(BaseModel):
    """Parameters of an issue action (each action reads the ones it needs)."""

    body: str | None = Field(default=None, description="draft_reply, reply: the answer to every message")
    text: str | None = Field(default=None, description="commit: the decision or measure")
    office: str | None = Field(default=None, description="commit: responsible office code (default: owner)")
    due_date: date | None = Field(default=None, description="commit: due date")
    commitment_id: int | None = Field(default=None, description="update_commitment: which commitment")
    progress: int | None = Field(default=None, description="update_commitment: 0–100")
    status: str | None = Field(default=None, description="update_commitment: planned/in_progress/done/cancelled")
    note: str | None = Field(default=None, description="update_commitment, resolve: a note")


class MergeRequest(BaseModel):
    """Merge issue ``other`` into this one."""

    other: int
    note: str = ""


class SplitRequest(BaseModel):
    """Move these messages of the issue to a new issue."""

    message_ids: list[int]
    note: str = ""


class IssueRateRequest(BaseModel):
    """A citizen rates an issue's handling with the tracking code and secret of one of its messages."""

    tracking_code: str
    secret: str
    score: int = Field(ge=1, le=5)
    comment: str = ""


class AlertNote(BaseModel):
    """An optional note on acknowledging or resolving an alert."""

    note: str = ""


def issue_out(view: IssueSummaryView) -> IssueOut:
    """A list row as an API object."""
    return IssueOut.model_validate(view)


def alert_actions(user: User | None, a: Alert) -> list[str]:
    """What ``user`` may do with the alert now: "acknowledge" (while open), "resolve" (until resolved)."""
    if user is None or a.status == "resolved" or not alerts.can_act_on_alert(user, a):
        return []
    return ["acknowledge", "resolve"] if a.status == "open" else ["resolve"]


def alert_out(a: Alert, user: User | None = None) -> dict[str, Any]:
    """An alert as an API object (with the actions ``user`` may take)."""
    return {
        "id": a.id,
        "kind": a.kind,
        "kind_label": a.kind_label,
        "status": a.status,
        "status_label": a.status_label,
        "title": a.title,
        "issue_id": a.issue_id,
        "category_id": a.category_id,
        "region_id": a.region_id,
        "office": a.office.name if a.office else None,
        "first_triggered_at": a.first_triggered_at,
        "last_triggered_at": a.last_triggered_at,
        "trigger_count": a.trigger_count,
        "evidence": a.evidence,
        "acknowledged_at": a.acknowledged_at,
        "resolved_at": a.resolved_at,
        "note": a.note,
        "actions": alert_actions(user, a),
    }


def detail_out(view: IssueDetailView, user: User | None = None) -> dict[str, Any]:
    """The official's view of an issue as an API object (the reply draft only for the owner office)."""
    return {
        "issue": issue_out(view.issue).model_dump(),
        "messages": [
            {
                "id": m.id,
                "tracking_code": m.tracking_code,
                "title": m.title,
                "status": m.status,
                "status_label": m.status_label,
                "office": m.office.name if m.office else None,
                "created_at": m.created_at,
                "is_public": m.is_public,
            }
            for m in view.messages
        ],  # fmt: skip
        "hidden_messages": view.hidden_messages,
        "representatives": view.representatives,
        "replies": [asdict(r) for r in view.replies],
        "draft_reply": asdict(view.draft) if view.draft else None,
        "commitments": [asdict(c) for c in view.commitments],
        "history": [asdict(e) for e in view.history],
        "decisions": view.decisions,
        "alerts": [alert_out(a, user) for a in view.alerts],
        "rating": asdict(view.rating),
        "actions": view.actions,
        "merged_into_id": view.merged_into_id,
    }


# ---- public --------------------------------------------------------------------------------------


@router.get("/issues", response_model=list[IssueOut], tags=["issues"])
def hot_list(
    session: SessionDep,
    top: Annotated[int, Query(ge=1, le=issue_views.MAX_LIST)] = 20,
    status: str = "",
    region: str = "",
    category: str = "",
) -> list[IssueOut]:
    """The public hot list: issues with a public message, hottest first, each heat with its components."""
    region_id, category_id = issue_views.filter_ids(session, region, category)
    rows = issue_views.hot_issues(session, top=top, status=status, region_id=region_id, category_id=category_id)
    return [issue_out(v) for v in rows]


@router.get("/issues/{issue_id}", tags=["issues"])
def public_issue(issue_id: int, session: SessionDep) -> dict[str, Any]:
    """One public issue: its public messages (PII redacted), replies, commitments, public history, rating."""
    view = issue_views.public_issue(session, issue_id)
    return {
        "issue": issue_out(view.issue).model_dump(),
        "messages": [asdict(m) for m in view.messages],
        "replies": [asdict(r) for r in view.replies],
        "commitments": [asdict(c) for c in view.commitments],
        "history": [asdict(e) for e in view.history],
        "rating": asdict(view.rating),
    }


@router.post("/issues/{issue_id}/rate", tags=["issues"])
def rate_issue(issue_id: int, data: IssueRateRequest, request: Request, platform: PlatformDep) -> dict[str, Any]:
    """A citizen of the issue rates its handling (1–5), once per message (rate-limited like tracking)."""
    platform.login_limiter.hit(client_key(request, platform))
    with platform.write() as session:
        issue_actions.check_rate_issue(
            session, issue_id, data.tracking_code, data.secret, data.score, data.comment, platform.now()
        )
        return asdict(issue_views.rating_summary(session, issue_id))


# ---- officials -------------------------------------------------------------------------------------


@router.get("/staff/issues", response_model=IssuePage, tags=["issues"])
def staff_issues(
    user: ApiOfficial,
    session: SessionDep,
    platform: PlatformDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=issue_views.MAX_LIST)] = 50,
    status: str = "",
    region: str = "",
    category: str = "",
    order: Annotated[str, Query(pattern="^(heat|new|recent)$")] = "heat",
    new_days: Annotated[int | None, Query(ge=1, le=366)] = None,
) -> IssuePage:
    """One page of the issues the official may read (their office's, their region's, or all), by heat,
    newest or latest; a region or category filter includes the regions and categories under it."""
    region_id, category_id = issue_views.filter_ids(session, region, category)
    since = platform.now() - timedelta(days=new_days) if new_days else None
    result = issue_views.staff_issues(
        session, user, page=page, page_size=page_size, status=status, region_id=region_id, category_id=category_id,
        since=since, order=order,
    )  # fmt: skip
    return IssuePage(items=[issue_out(v) for v in result.items], total=result.total, page=result.page,
                     pages=result.pages)  # fmt: skip


@router.get("/staff/issues/{issue_id}", tags=["issues"])
def staff_issue(issue_id: int, user: ApiOfficial, session: SessionDep) -> dict[str, Any]:
    """An issue with the messages the official may read, history, commitments, alerts and allowed actions."""
    return detail_out(issue_views.issue_detail(session, user, issue_id), user)


def _actor(session: Any, user: User) -> User:
    actor = session.get(User, user.id)
    assert actor is not None
    return actor


@router.post("/staff/issues/{issue_id}/merge", tags=["issues"])
def merge(issue_id: int, data: MergeRequest, user: ApiOfficial, platform: PlatformDep) -> dict[str, Any]:
    """Merge another issue into this one (recorded; the next rebuild keeps them together)."""
    with platform.write() as session:
        actor = _actor(session, user)
        issue_decisions.check_merge(session, actor, issue_id, data.other, data.note, platform.now())
        session.flush()
        return detail_out(issue_views.issue_detail(session, actor, issue_id), actor)


@router.post("/staff/issues/{issue_id}/split", tags=["issues"])
def split(issue_id: int, data: SplitRequest, user: ApiOfficial, platform: PlatformDep) -> dict[str, Any]:
    """Move some messages to a new issue (recorded; the next rebuild keeps them apart). Returns the new issue."""
    with platform.write() as session:
        actor = _actor(session, user)
        new = issue_decisions.check_split(session, actor, issue_id, data.message_ids, data.note, platform.now())
        session.flush()
        return detail_out(issue_views.issue_detail(session, actor, new.id), actor)


@router.post("/staff/issues/{issue_id}/{action}", tags=["issues"])
def act(issue_id: int, action: str, data: IssueAction, user: ApiOfficial, platform: PlatformDep) -> dict[str, Any]:
    """Do one action: own; draft_reply (save the reply draft, ``body``), publish_reply (publish the saved
    draft to every message), reply (draft_reply and publish_reply in one call, ``body``); commit,
    update_commitment or resolve."""
    with platform.write() as session:
        actor = _actor(session, user)
        issue_actions.perform(session, actor, issue_id, action, platform.now(), **data.model_dump(exclude_none=True))
        session.flush()
        return detail_out(issue_views.issue_detail(session, actor, issue_id), actor)


@router.get("/alerts", tags=["alerts"])
def list_alerts(
    user: ApiOfficial,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(|open|acknowledged|resolved|unresolved)$")] = "unresolved",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Alerts of the official's office (leaders: their region; dispatchers, supervisors, admins: all)."""
    return [alert_out(a, user) for a in alerts.list_alerts(session, user, status=status, limit=limit)]


@router.get("/alerts/{alert_id}", tags=["alerts"])
def get_alert(alert_id: int, user: ApiOfficial, session: SessionDep) -> dict[str, Any]:
    """One alert with its evidence."""
    return alert_out(alerts.access_alert_by_id(session, user, alert_id), user)


@router.post("/alerts/{alert_id}/acknowledge", tags=["alerts"])
def acknowledge(alert_id: int, data: AlertNote, user: ApiOfficial, platform: PlatformDep) -> dict[str, Any]:
    """The responsible office has seen the alert."""
    with platform.write() as session:
        actor = _actor(session, user)
        return alert_out(alerts.check_acknowledge(session, actor, alert_id, platform.now(), data.note), actor)


@router.post("/alerts/{alert_id}/resolve", tags=["alerts"])
def resolve(alert_id: int, data: AlertNote, user: ApiOfficial, platform: PlatformDep) -> dict[str, Any]:
    """Close the alert; a later trigger opens a new one."""
    with platform.write() as session:
        actor = _actor(session, user)
        return alert_out(alerts.check_resolve(session, actor, alert_id, platform.now(), data.note), actor)
