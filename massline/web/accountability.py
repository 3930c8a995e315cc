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

from massline.services import accountability
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
    return render(request, "dashboard/accountability.html", {
        "user": user, "nav": "accountability", "view": view, "chart": chart,
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
