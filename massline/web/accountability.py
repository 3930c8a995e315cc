"""Accountability pages: the public ranking (``/accountability``), a public page per office
(``/accountability/offices/{code}``), the leaders' rates (``/accountability/leaders``), the
officials' view (``/staff/accountability``) and the figures per 领域, 类型, district or leader
(``/staff/accountability/groups``).

Figures come from ``services.accountability`` (the definitions in docs/accountability.md);
every rank has a "为什么" that opens, without script, to expected against observed, the
interval and the count of 回访 behind it. The flags an official sees are scoped by
``services.access``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from massline.reports import FORMATS, NEEDS_FONT, FontMissing, find_cjk_font
from massline.reports import render as render_report
from massline.services import accountability
from massline.services.access import can_download_monthly_report
from massline.services.errors import ValidationFailed
from massline.web.deps import CurrentOfficial, PlatformDep, SessionDep
from massline.web.funnel_chart import funnel_plot
from massline.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/accountability", response_class=HTMLResponse)
def public_ranking(request: Request, session: SessionDep, platform: PlatformDep, period: str = "") -> Response:
    """The public ranking by 综合得分 with intervals, and the three rates of every office."""
    view = accountability.ranking(session, platform.settings.timezone, platform.now(), period.strip())
    return render(request, "portal/accountability.html", {"nav": "accountability", "view": view})


@router.get("/accountability/offices/{code}", response_class=HTMLResponse)
def public_office(request: Request, code: str, session: SessionDep, platform: PlatformDep) -> Response:
    """One office's three rates period by period (shown from the minimum count of 回访)."""
    office, rows, params = accountability.office_history(session, platform.settings.timezone, platform.now(), code)
    return render(request, "portal/accountability_office.html", {
        "nav": "accountability", "office": office, "rows": rows, "params": params,
    })  # fmt: skip


@router.get("/accountability/leaders", response_class=HTMLResponse)
def public_leaders(request: Request, session: SessionDep, platform: PlatformDep, period: str = "") -> Response:
    """Every leader's three rates over the cases of their region (minimum-count rule; no case numbers)."""
    view = accountability.public_leader_figures(session, platform.settings.timezone, platform.now(), period.strip())
    return render(request, "portal/accountability_leaders.html", {"nav": "accountability", "view": view})


@router.get("/staff/accountability", response_class=HTMLResponse)
def staff_accountability(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep, period: str = ""
) -> Response:
    """The officials' accountability view: rates, funnel, ranks with intervals and the flags they may see."""
    view = accountability.staff_ranking(session, user, platform.settings.timezone, platform.now(), period.strip())
    chart = funnel_plot(view.rows, view.dispersion, view.params.funnel_z)
    month = view.period or accountability.current_period(session, platform.settings.timezone, platform.now())
    return render(request, "dashboard/accountability.html", {
        "user": user, "nav": "accountability", "view": view, "chart": chart,
        "report_month": month if can_download_monthly_report(user) else None,
    })  # fmt: skip


@router.get("/staff/accountability/groups", response_class=HTMLResponse)
def staff_accountability_groups(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep, by: str = "category",
    period: str = "",
) -> Response:
    """The three rates and process figures per 领域, 类型, district or leader, with the cases behind them."""
    view = accountability.group_figures(session, user, platform.settings.timezone, platform.now(), by.strip(),
                                        period.strip())  # fmt: skip
    return render(request, "dashboard/accountability_groups.html", {
        "user": user, "nav": "accountability", "view": view, "groupings": accountability.GROUPINGS,
    })  # fmt: skip


MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@router.get("/staff/accountability/report")
def monthly_report_file(
    user: CurrentOfficial, platform: PlatformDep, month: str = "", format: str = "html"
) -> Response:
    """The monthly report of ``month`` (YYYY-MM) as a file (html, xlsx, docx, pdf): office heads (their
    office's flags and cadence), supervisors and admins; audited."""
    if format not in FORMATS:
        raise ValidationFailed({"format": f"格式应为 {'、'.join(FORMATS)} 之一"})
    try:
        font = find_cjk_font() if format in NEEDS_FONT else None
    except FontMissing as exc:
        raise ValidationFailed({"format": str(exc)}) from exc
    with platform.write() as session:  # the download is audited
        report = accountability.report_for(session, user, platform.settings.timezone, platform.now(), month.strip())
    name = f"report-{report.period}.{format}"
    return Response(render_report(report, format, font), media_type=MEDIA_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip
