"""The officials' analysis desk under ``/staff``: dashboard, issues, an issue, alerts.

Scoping lives in the services: message figures in ``services.stats`` (through
``access.message_scope``), issues in ``services.issue_views`` (``issue_scope``),
alerts through ``services.access`` (``alert_scope``). An issue or alert of another
office answers exactly like one that does not exist. Every form carries the
CSRF token; every action ends in a redirect, or re-renders the page with the
Chinese error messages when the input is invalid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from massline.models import ALERT_STATUSES, ISSUE_STATUSES, User
from massline.models.alerts import ALERT_STATUS_LABELS
from massline.models.issues import COMMITMENT_STATUS_LABELS, ISSUE_STATUS_LABELS
from massline.platform import Platform
from massline.services import alerts, pipeline, tolerance
from massline.services import issues as issue_views
from massline.services.access import allowed_alert_actions
from massline.services.casework import MAX_PAGE, PERIODS, MessageStats, Share, StatsFilters, message_stats
from massline.services.deployment import deployment_zone, directory
from massline.services.errors import Conflict, Forbidden, ValidationFailed
from massline.services.issues import ISSUE_ACTION_SPECS
from massline.web.charts import Bar, Series, bar_chart, bars_desc, line_chart, trend_desc
from massline.web.deps import CsrfChecked, CurrentOfficial, PlatformDep, SessionDep, actor_in, see_other
from massline.web.ids import PathId
from massline.web.templating import flash, query_url, render
from massline.web.validation import request_from_form
from massline.web.workbench import safe_next

router = APIRouter(prefix="/staff", include_in_schema=False)
ISSUE_ORDERS = {"heat": "按热度", "new": "按形成时间", "recent": "按最新留言"}
ISSUE_FILTERS = {"active": "未解决的", **{s: ISSUE_STATUS_LABELS[s] for s in ISSUE_STATUSES if s != "merged"}}
ALERT_FILTERS = {"unresolved": "未解除的", **{s: ALERT_STATUS_LABELS[s] for s in ALERT_STATUSES}, "all": "全部"}
ISSUE_ACTION_LABELS = {name: a.label for name, a in ISSUE_ACTION_SPECS.items()}
ALERT_DONE = {"acknowledge": "已知悉该预警。", "resolve": "预警已解除。"}
WEEK = timedelta(days=7)
ISSUE_PAGE_SIZE = 30




# ---- what the templates show -------------------------------------------------------------------


def _num(value: Any) -> str:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{x:.0f}" if x.is_integer() else (f"{x:.2g}" if abs(x) < 0.01 else f"{x:.2f}")


def alert_evidence(kind: str, evidence: Mapping[str, Any]) -> list[str]:
    """An alert's evidence in plain Chinese, one sentence per line."""
    if kind == "urgent_new_issue":
        lines = []
        for e in evidence.get("messages", []) or []:
            level = "紧急" if e.get("level") == "urgent" else "较急"
            words = "、".join(str(w) for w in e.get("words", []) or [])
            lines.append(f"留言 #{e.get('message')} 判为{level}（评分 {_num(e.get('score', 0))}）："
                         f"{e.get('label') or e.get('signal')}" + (f"，关键词“{words}”" if words else ""))  # fmt: skip
        return lines or ["新问题中有紧急风险信号的留言。"]
    if "current" not in evidence:
        return []
    params = evidence.get("params") or {}
    unit = "小时" if evidence.get("unit") == "hour" else "天"
    window = params.get("window", 1)
    history = params.get("history", len(evidence.get("counts", [])) - window)
    lines = [
        f"最近 {window} {unit}收到 {evidence['current']} 条，此前 {history} {unit}平均每{unit} "
        f"{_num(evidence.get('baseline', 0))} 条，是平时的 {_num(evidence.get('ratio', 0))} 倍。",
        f"统计检验：p 值 {_num(evidence.get('p_value', 0))}（越小越不可能是偶然波动），"
        f"z = {_num(evidence.get('z_score', 0))}。",
    ]
    if params:
        lines.append(f"预警条件：至少 {params.get('min_count')} 条、至少平时的 {_num(params.get('min_ratio'))} 倍、"
                     f"p ≤ {_num(params.get('max_p'))}。")  # fmt: skip
    return lines


def _share_bars(shares: Sequence[Share], path: str, params: Mapping[str, Any], key: str) -> list[Bar]:
    total = sum(s.count for s in shares)
    return [
        Bar(s.label, s.count, query_url(path, params, **{key: s.code}) if s.code else "", f"({s.percent(total):.0f}%)")
        for s in shares
    ]


def _charts(stats: MessageStats, params: Mapping[str, Any]) -> dict[str, Any]:
    labels = [b.label for b in stats.series]
    series = [Series("收到留言", [b.received for b in stats.series]),
              Series("发布答复", [b.replied for b in stats.series])]  # fmt: skip
    per = "每周" if stats.unit == "week" else "每天"
    category = _share_bars(stats.by_category, "/staff/dashboard", params, "category")
    region = _share_bars(stats.by_region, "/staff/dashboard", params, "region")
    status = [Bar(s.label, s.count) for s in stats.by_status]
    return {
        "trend": line_chart(labels, series, title=f"{per}收到留言与发布答复数", desc=trend_desc(labels, series),
                            chart_id="chart-trend", width=900, height=260, font=13, css="only-wide",
                            max_labels=10),
        "trend_small": line_chart(labels, series, title=f"{per}收到留言与发布答复数", desc=trend_desc(labels, series),
                                  chart_id="chart-trend-s", width=340, height=220, css="only-narrow", max_labels=4),
        "category": bar_chart(category, title="按领域", desc=bars_desc(category), chart_id="chart-category", unit="件"),
        "region": bar_chart(region, title="按区域", desc=bars_desc(region), chart_id="chart-region", unit="件"),
        "status": bar_chart(status, title="按状态", desc=bars_desc(status), chart_id="chart-status", unit="件"),
    }  # fmt: skip


# ---- dashboard --------------------------------------------------------------------------------


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep,
    days: Annotated[int, Query()] = 30, region: str = "", category: str = "",
) -> Response:  # fmt: skip
    """Trends, breakdowns, deadlines, the hot list, open alerts and new issues, for what the user may read."""
    f = StatsFilters(days, region.strip(), category.strip())
    now = platform.now()
    errors: dict[str, str] = {}
    try:
        stats = message_stats(session, user, f, now, default_tz=platform.settings.timezone)
    except ValidationFailed as exc:
        errors, f = exc.errors, StatsFilters()
        stats = message_stats(session, user, f, now, default_tz=platform.settings.timezone)
    params = {"days": f.days if f.days != 30 else "", "region": f.region, "category": f.category}
    region_id, category_id = issue_views.filter_ids(session, f.region, f.category)  # validated above
    return render(request, "dashboard/index.html", {
        "user": user, "nav": "dashboard", "stats": stats, "filters": f, "params": params, "periods": PERIODS,
        "charts": _charts(stats, params), "directory": directory(session), "errors": errors,
        "hot": issue_views.staff_issues(session, user, page_size=10, status="active", region_id=region_id,
                                        category_id=category_id).items,
        "new_issues": issue_views.staff_issues(session, user, page_size=8, since=now - WEEK, order="new",
                                               region_id=region_id, category_id=category_id).items,
        "alerts": alerts.list_alerts(session, user, status="unresolved", limit=8, region_id=region_id,
                                     category_id=category_id),
        "alert_evidence": alert_evidence, "alert_actions": allowed_alert_actions,
        "progress": pipeline.analysis_progress(session, now=now) if user.role == "admin" else None,
        "tolerance_counts": tolerance.decision_counts(session, deployment_zone(session)),
        "tolerance_labels": tolerance.DECISION_LABELS,
    }, status_code=422 if errors else 200)  # fmt: skip


# ---- issues -----------------------------------------------------------------------------------


@router.get("/issues", response_class=HTMLResponse)
def issues(
    request: Request, user: CurrentOfficial, session: SessionDep,
    status: str = "active", order: str = "heat", region: str = "", category: str = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:  # fmt: skip
    """The issues the user may read, hottest first, a page at a time (filters: status, order, region, category;
    a region or category includes everything under it)."""
    status = status if status in ISSUE_FILTERS or status == "all" else "active"
    order = order if order in ISSUE_ORDERS else "heat"
    region_id, category_id = issue_views.filter_ids(session, region.strip(), category.strip())
    result = issue_views.staff_issues(session, user, page=page, page_size=ISSUE_PAGE_SIZE,
                                      status="" if status == "all" else status, order=order, region_id=region_id,
                                      category_id=category_id)  # fmt: skip
    return render(request, "dashboard/issues.html", {
        "user": user, "nav": "issues", "result": result, "rows": result.items, "directory": directory(session),
        "params": {"status": status, "order": order, "region": region, "category": category},
        "statuses": ISSUE_FILTERS, "orders": ISSUE_ORDERS,
    })  # fmt: skip


def _issue_page(
    request: Request, session: Session, user: User, issue_id: int, *,
    errors: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    view = issue_views.issue_detail(session, user, issue_id)
    reps = set(view.representatives)
    return render(request, "dashboard/issue.html", {
        "user": user, "nav": "issues", "view": view, "i": view.issue,
        "representatives": [m for m in view.messages if m.id in reps],
        "reach": issue_views.reply_reach(session, user, issue_id) if "reply" in view.actions else None,
        "offices": directory(session).offices, "commitment_statuses": COMMITMENT_STATUS_LABELS,
        "action_labels": ISSUE_ACTION_LABELS, "alert_evidence": alert_evidence,
        "alert_actions": allowed_alert_actions, "errors": errors or {}, "values": values or {},
    }, status_code=status)  # fmt: skip


@router.get("/issues/{issue_id}", response_class=HTMLResponse)
def issue(request: Request, issue_id: PathId, user: CurrentOfficial, session: SessionDep) -> Response:
    """One issue: figures, heat with components, messages, replies, commitments, ratings and actions."""
    return _issue_page(request, session, user, issue_id)


@router.post("/issues/{issue_id}/{action}", dependencies=[CsrfChecked])
async def issue_action(
    request: Request, issue_id: PathId, action: str, user: CurrentOfficial, platform: PlatformDep,
) -> Response:  # fmt: skip
    """Own, save the reply draft, publish it to all, commit, report progress, resolve, merge or split;
    then show the issue (after a split: the new one)."""
    form = await request.form()
    return await run_in_threadpool(_issue_action, request, issue_id, action, form, user, platform)


def _issue_action(request: Request, issue_id: int, action: str, form: Any, user: User, platform: Platform) -> Response:
    spec = ISSUE_ACTION_SPECS.get(action)
    if spec is None:
        flash(request, "未知操作", "error")
        return see_other(f"/staff/issues/{issue_id}")
    try:
        typed = request_from_form(spec.request, form)
        with platform.write() as session:
            result = issue_views.act(session, actor_in(session, user), issue_id, typed, platform.now())
    except ValidationFailed as exc:
        values: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        values["message_ids"] = [str(v) for v in form.getlist("message_ids")]
        with platform.read() as session:
            return _issue_page(request, session, actor_in(session, user), issue_id, errors=exc.errors,
                               values={**values, "action": action}, status=422)  # fmt: skip
    except (Conflict, Forbidden) as exc:
        flash(request, exc.message, "error")
        return see_other(f"/staff/issues/{issue_id}")
    flash(request, spec.done)
    return see_other(f"/staff/issues/{result.issue_id}")


# ---- alerts -----------------------------------------------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def alert_list(
    request: Request, user: CurrentOfficial, session: SessionDep,
    status: str = "unresolved", region: str = "", category: str = "",
) -> Response:  # fmt: skip
    """The alerts the user may see, with their evidence in plain Chinese; region and category
    filters keep everything under the chosen region or category."""
    status = status if status in ALERT_FILTERS else "unresolved"
    region_id, category_id = issue_views.filter_ids(session, region.strip(), category.strip())
    rows = alerts.list_alerts(
        session, user, status="" if status == "all" else status, limit=200, region_id=region_id, category_id=category_id
    )
    query = urlencode({k: v for k, v in {"region": region.strip(), "category": category.strip()}.items() if v})
    return render(request, "dashboard/alerts.html", {
        "user": user, "nav": "alerts", "rows": rows, "status": status, "statuses": ALERT_FILTERS,
        "alert_evidence": alert_evidence, "alert_actions": allowed_alert_actions,
        "directory": directory(session), "filters": {"region": region.strip(), "category": category.strip()},
        "query": query,
    })  # fmt: skip


@router.post("/alerts/{alert_id}/{action}", dependencies=[CsrfChecked])
def alert_action(
    request: Request, alert_id: PathId, action: str, user: CurrentOfficial, platform: PlatformDep,
    note: Annotated[str, Form()] = "", return_to: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """Acknowledge (已知悉) or resolve (解除) an alert, then go back to the page the form was on."""
    back = safe_next(return_to, "/staff/alerts") if return_to else "/staff/alerts"
    checks = {"acknowledge": alerts.check_acknowledge, "resolve": alerts.check_resolve}  # access: in each check
    if action not in checks:
        flash(request, "未知操作", "error")
        return see_other(back)
    try:
        with platform.write() as session:
            checks[action](session, actor_in(session, user), alert_id, platform.now(), note)
    except (Conflict, Forbidden) as exc:
        flash(request, exc.message, "error")
        return see_other(back)
    flash(request, ALERT_DONE[action])
    return see_other(back)
