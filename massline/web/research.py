"""Online research (网上调研) in the workbench: a leader's research ledger (``/staff/research``), the
form for manual entries, the yearly report as a page and a CSV download (supervisors and admins), and
the cadence ledger (``/staff/research/cadence``: office heads, supervisors, admins).

Who may read a ledger is ``access.can_read_ledger`` (the leader, supervisors, admins), checked by the
service; these handlers parse, call it and render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from massline.models import RESEARCH_ENTRY_LABELS, User
from massline.platform import Platform
from massline.services import research
from massline.services.access import is_overseer
from massline.services.errors import ValidationFailed
from massline.services.policy import research_policy
from massline.web.deps import CsrfChecked, CurrentOfficial, PlatformDep, SessionDep
from massline.web.ids import PathId
from massline.web.templating import flash, render
from massline.web.validation import request_from_form

router = APIRouter(prefix="/staff/research", include_in_schema=False)
Year = Annotated[int | None, Query(ge=2000, le=2100, title="年度")]


def _year(session: Session, platform: Platform, year: int | None) -> int:
    return year if year is not None else research.current_year(session, platform.now())


def _ledger_page(
    request: Request, session: Session, viewer: User, user_id: int, year: int, *,
    errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:
    page = research.ledger_page(session, viewer, user_id, year)
    return render(request, "staff/research.html", {
        "user": viewer, "nav": "research", "page": page, "l": page.ledger, "year": year,
        "kinds": RESEARCH_ENTRY_LABELS, "activity_labels": research.ACTIVITY_LABELS,
        "overseer": is_overseer(viewer), "errors": errors or {}, "values": values or {},
    }, status_code=status)  # fmt: skip


@router.get("", response_class=HTMLResponse)
def own_ledger(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep, year: Year = None
) -> Response:
    """The official's own research ledger for the year, with the form for a manual entry."""
    return _ledger_page(request, session, user, user.id, _year(session, platform, year))


@router.get("/report", response_class=HTMLResponse)
def report(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep, year: Year = None
) -> Response:
    """The yearly report: every leader's research against their quota (supervisors and admins)."""
    year = _year(session, platform, year)
    rows = research.report_for(session, user, year)
    return render(request, "staff/research_report.html", {"user": user, "nav": "research", "rows": rows, "year": year})


@router.get("/report.csv")
def report_csv(user: CurrentOfficial, session: SessionDep, platform: PlatformDep, year: Year = None) -> Response:
    """The yearly report as CSV (supervisors and admins)."""
    year = _year(session, platform, year)
    text = research.report_csv(research.report_for(session, user, year))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="research-{year}.csv"'})  # fmt: skip


@router.get("/cadence", response_class=HTMLResponse)
def cadence(request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep) -> Response:
    """The cadence ledger: days since the last reply, cases read but not answered, silent offices and
    officials (office heads for their office, supervisors and admins for all; others 403)."""
    offices = research.office_cadence(session, user, platform.now())
    return render(request, "staff/research_cadence.html", {
        "user": user, "nav": "research", "offices": offices, "overseer": is_overseer(user),
        "policy": research_policy(session),
    })  # fmt: skip


@router.get("/{user_id}", response_class=HTMLResponse)
def ledger(
    request: Request, user_id: PathId, user: CurrentOfficial, session: SessionDep, platform: PlatformDep,
    year: Year = None,
) -> Response:
    """A leader's research ledger (the leader, supervisors, admins; others 404)."""
    return _ledger_page(request, session, user, user_id, _year(session, platform, year))


@router.post("/entries", dependencies=[CsrfChecked])
async def add_entry(request: Request, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """Add a manual entry (survey, live Q&A, field visit) to the official's own ledger."""
    form = await request.form()
    return await run_in_threadpool(_add_entry, request, form, user, platform)


def _add_entry(request: Request, form: Any, user: User, platform: Platform) -> Response:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        data = request_from_form(research.EntryInput, form)
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            entry = research.check_add_entry(session, actor, data, platform.now())
            year = entry.held_on.year
    except ValidationFailed as exc:
        with platform.read() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            year = _year(session, platform, None)
            return _ledger_page(request, session, actor, user.id, year, errors=exc.errors, values=values, status=422)
    flash(request, "调研记录已保存。")
    return RedirectResponse(f"/staff/research?year={year}", status_code=303)
