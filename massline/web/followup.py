"""The dispatch centre's follow-up lists, as pages (``/staff``) and JSON (``/api/v1``):
cases escalated to the centre for being overdue (督办) and the 回访 queue.

A 回访 is recorded through the case action ``callback`` (the page's form posts to
``/staff/cases/{id}/callback``, the API to ``POST /api/v1/cases/{id}/callback``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from massline.services import casework
from massline.services.routing import due_soon_days
from massline.web import schemas
from massline.web.api import _summary as case_summary
from massline.web.deps import ApiOfficial, CurrentOfficial, PlatformDep, SessionDep
from massline.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)
api_router = APIRouter(prefix="/api/v1")
Page = Annotated[int, Query(ge=1, le=casework.MAX_PAGE)]


@router.get("/escalated", response_class=HTMLResponse)
def escalated_page(request: Request, user: CurrentOfficial, session: SessionDep, page: Page = 1) -> Response:
    """Open cases escalated to the dispatch centre for being overdue, longest overdue first."""
    result = casework.escalated_queue(session, user, page)
    return render(request, "staff/escalated.html", {"user": user, "nav": "escalated", "result": result})


@router.get("/callbacks", response_class=HTMLResponse)
def callbacks_page(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep, page: Page = 1
) -> Response:
    """The 回访 queue: replied cases nobody rated, with a form for the citizen's answers."""
    result = casework.callback_queue(session, user, platform.now(), page)
    return render(request, "staff/callbacks.html", {
        "user": user, "nav": "callbacks", "result": result,
        "tries": casework.callback_tries(session, [m.id for m in result.items]),
        "rows": [(m, casework.allowed_case_actions(user, m)) for m in result.items],
    })  # fmt: skip


class CallbackItem(schemas.CaseSummary):
    """A line of the 回访 queue: the case, when it was replied, calls nobody answered so far."""

    replied_at: datetime | None
    tries: int


class CallbackPage(BaseModel):
    """One page of the 回访 queue."""

    items: list[CallbackItem]
    total: int
    page: int
    pages: int


@api_router.get("/escalated", response_model=schemas.CasePage, tags=["officials"])
def escalated(user: ApiOfficial, session: SessionDep, platform: PlatformDep, page: Page = 1) -> schemas.CasePage:
    """Open cases escalated to the dispatch centre for being overdue (督办), longest overdue first."""
    result = casework.escalated_queue(session, user, page)
    soon = due_soon_days(session)
    items = [case_summary(m, platform, soon) for m in result.items]
    return schemas.CasePage(items=items, total=result.total, page=result.page, pages=result.pages)


@api_router.get("/callbacks", response_model=CallbackPage, tags=["officials"])
def callbacks(user: ApiOfficial, session: SessionDep, platform: PlatformDep, page: Page = 1) -> CallbackPage:
    """The 回访 queue: replied cases nobody rated ``callback_after_days`` after the reply, oldest first."""
    result = casework.callback_queue(session, user, platform.now(), page)
    tries = casework.callback_tries(session, [m.id for m in result.items])
    items = [
        CallbackItem(**case_summary(m, platform, 0).model_dump(), replied_at=m.replied_at, tries=tries.get(m.id, 0))
        for m in result.items
    ]
    return CallbackPage(items=items, total=result.total, page=result.page, pages=result.pages)
