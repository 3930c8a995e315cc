"""The JSON API of issues and alerts (``/api/v1``): the public hot list, officials' issue desk, alerts.

Handlers parse input, call one service function and shape the answer; access
rules live in ``services.access`` (a record the caller may not see answers 404,
like a missing one). Each issue action is its own route with its own body
schema (``services.issues.schemas``); answers are the schemas of ``issue_schemas``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from massline.models import Alert, User
from massline.platform import Platform
from massline.services import alerts
from massline.services import issues as issue_views
from massline.services.access import access_alert_by_id, allowed_alert_actions
from massline.services.casework import MAX_PAGE
from massline.services.errors import ValidationFailed
from massline.services.issues import ISSUE_ACTION_SPECS, IssueAction, IssueDetailView, IssueRequest, IssueSummaryView
from massline.web.action_routes import add_action_route
from massline.web.deps import ApiOfficial, PlatformDep, SessionDep, actor_in, client_key
from massline.web.ids import PathId
from massline.web.issue_schemas import (
    AlertNote,
    AlertOut,
    IssueActionOut,
    IssueDetailOut,
    IssueMessageOut,
    IssueOut,
    IssuePage,
    IssueRateRequest,
    PublicIssueOut,
    RatingOut,
)
from massline.web.schemas import MessagePublic

router = APIRouter(prefix="/api/v1")


def issue_out(view: IssueSummaryView) -> IssueOut:
    """A list row as an API object."""
    return IssueOut.model_validate(view)


def alert_out(a: Alert, user: User | None = None) -> AlertOut:
    """An alert as an API object (with the actions ``user`` may take)."""
    return AlertOut(
        id=a.id, kind=a.kind, kind_label=a.kind_label, status=a.status, status_label=a.status_label, title=a.title,
        issue_id=a.issue_id, category_id=a.category_id, region_id=a.region_id,
        office=a.office.name if a.office else None, first_triggered_at=a.first_triggered_at,
        last_triggered_at=a.last_triggered_at, trigger_count=a.trigger_count, evidence=a.evidence or {},
        acknowledged_at=a.acknowledged_at, resolved_at=a.resolved_at, note=a.note or "",
        actions=allowed_alert_actions(user, a),
    )  # fmt: skip


def detail_fields(view: IssueDetailView, user: User | None = None) -> dict[str, Any]:
    """The official's view of an issue as the fields of ``IssueDetailOut`` (the draft only for the owner office)."""
    return {
        "issue": issue_out(view.issue),
        "messages": [
            IssueMessageOut(id=m.id, tracking_code=m.tracking_code, title=m.title, status=m.status,
                            status_label=m.status_label, office=m.office.name if m.office else None,
                            created_at=m.created_at, is_public=m.is_public)
            for m in view.messages
        ],  # fmt: skip
        "hidden_messages": view.hidden_messages,
        "representatives": view.representatives,
        "replies": view.replies,
        "draft_reply": view.draft,
        "commitments": view.commitments,
        "history": view.history,
        "decisions": view.decisions,
        "alerts": [alert_out(a, user) for a in view.alerts],
        "rating": view.rating,
        "actions": view.actions,
        "merged_into_id": view.merged_into_id,
    }


def detail_out(view: IssueDetailView, user: User | None = None) -> IssueDetailOut:
    """The official's view of an issue as an API object."""
    return IssueDetailOut.model_validate(detail_fields(view, user), from_attributes=True)


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


@router.get("/issues/{issue_id}", response_model=PublicIssueOut, tags=["issues"])
def public_issue(issue_id: PathId, session: SessionDep) -> PublicIssueOut:
    """One public issue: its public messages (PII redacted), replies, commitments, public history, rating."""
    view = issue_views.public_issue(session, issue_id)
    return PublicIssueOut.model_validate(
        {"issue": issue_out(view.issue), "messages": [MessagePublic.model_validate(m) for m in view.messages],
         "replies": view.replies, "commitments": view.commitments, "history": view.history, "rating": view.rating},
        from_attributes=True,
    )  # fmt: skip


@router.post("/issues/{issue_id}/rate", response_model=RatingOut, tags=["issues"])
def rate_issue(issue_id: PathId, data: IssueRateRequest, request: Request, platform: PlatformDep) -> RatingOut:
    """A citizen of the issue rates its handling (1–5), once per message (rate-limited like tracking)."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    with platform.write() as session:
        issue_views.check_rate_issue(
            session, issue_id, data.tracking_code, data.secret, data.score, data.comment, platform.now()
        )
        return RatingOut.model_validate(issue_views.rating_summary(session, issue_id))


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


@router.get("/staff/issues/{issue_id}", response_model=IssueDetailOut, tags=["issues"])
def staff_issue(issue_id: PathId, user: ApiOfficial, session: SessionDep) -> IssueDetailOut:
    """An issue with the messages the official may read, history, commitments, alerts and allowed actions."""
    return detail_out(issue_views.issue_detail(session, user, issue_id), user)



def _issue_action_route(spec: IssueAction[Any, Any]) -> None:
    """Add ``POST /staff/issues/{issue_id}/<action>``: its own body schema; the issue (after a split: the new
    issue) and the action's result as answer."""
    out = IssueActionOut[spec.response]  # type: ignore[name-defined]

    def handle(issue_id: int, data: IssueRequest, user: User, platform: Platform) -> BaseModel:
        with platform.write() as session:
            actor = actor_in(session, user)
            result = issue_views.act(session, actor, issue_id, data, platform.now())
            session.flush()
            view = issue_views.issue_detail(session, actor, result.issue_id)
            return out.model_validate({**detail_fields(view, actor), "result": result}, from_attributes=True)

    add_action_route(router, spec, path="/staff/issues/{issue_id}", id_name="issue_id", out=out, kind="issue",
                     tag="issues", handle=handle)  # fmt: skip


for _spec in ISSUE_ACTION_SPECS.values():
    _issue_action_route(_spec)


@router.post("/staff/issues/{issue_id}/{action}", tags=["issues"], responses={422: {"description": "未知操作"}})
def unknown_issue_action(issue_id: PathId, action: str, user: ApiOfficial) -> None:
    """Any other action name: 422 (the actions are the routes above, one per action)."""
    raise ValidationFailed({"action": "未知操作"})


# ---- alerts -----------------------------------------------------------------------------------------


@router.get("/alerts", response_model=list[AlertOut], tags=["alerts"])
def list_alerts(
    user: ApiOfficial,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(|open|acknowledged|resolved|unresolved)$")] = "unresolved",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AlertOut]:
    """Alerts of the official's office (leaders: their region; dispatchers, supervisors, admins: all)."""
    return [alert_out(a, user) for a in alerts.list_alerts(session, user, status=status, limit=limit)]


@router.get("/alerts/{alert_id}", response_model=AlertOut, tags=["alerts"])
def get_alert(alert_id: PathId, user: ApiOfficial, session: SessionDep) -> AlertOut:
    """One alert with its evidence."""
    return alert_out(access_alert_by_id(session, user, alert_id), user)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertOut, tags=["alerts"])
def acknowledge(alert_id: PathId, data: AlertNote, user: ApiOfficial, platform: PlatformDep) -> AlertOut:
    """The responsible office has seen the alert."""
    with platform.write() as session:
        actor = actor_in(session, user)
        return alert_out(alerts.check_acknowledge(session, actor, alert_id, platform.now(), data.note), actor)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertOut, tags=["alerts"])
def resolve(alert_id: PathId, data: AlertNote, user: ApiOfficial, platform: PlatformDep) -> AlertOut:
    """Close the alert; a later trigger opens a new one."""
    with platform.write() as session:
        actor = actor_in(session, user)
        return alert_out(alerts.check_resolve(session, actor, alert_id, platform.now(), data.note), actor)
