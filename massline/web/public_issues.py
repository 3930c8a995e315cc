"""Public issue pages: the hot issues (``/issues``) and what is being done about one (``/issues/{id}``).

Everything comes from ``services.issue_views`` public views: only issues with
a public message, only public member messages, texts PII-redacted. A citizen
with the tracking code and secret of one of the issue's messages may rate how
the issue was handled (once per message).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from massline.services import issues as issue_actions
from massline.services import issues as issue_views
from massline.services import publishing
from massline.services.errors import Conflict, NotFound, RateLimited, ValidationFailed
from massline.web.deps import CsrfChecked, PlatformDep, SessionDep, client_key
from massline.web.ids import Key, PathId
from massline.web.templating import flash, render

router = APIRouter(include_in_schema=False)
PUBLIC_FILTERS = {"": "全部", "active": "办理中", "resolved": "已解决"}
HOT_TOP = 30


@router.get("/issues", response_class=HTMLResponse)
def hot_issues(request: Request, session: SessionDep, status: str = "") -> Response:
    """The hot issues, hottest first, with who is responsible and how far the work is."""
    status = status if status in PUBLIC_FILTERS else ""
    rows = issue_views.hot_issues(session, top=HOT_TOP, status=status)
    return render(request, "portal/issues.html", {
        "nav": "issues", "rows": rows, "status": status, "filters": PUBLIC_FILTERS,
    })  # fmt: skip


def _issue_page(
    request: Request, session: Session, issue_id: int, *, errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    view = issue_views.public_issue(session, issue_id)
    return render(request, "portal/issue.html", {
        "nav": "issues", "view": view, "i": view.issue, "errors": errors or {}, "values": values or {},
        "clarifications": publishing.issue_clarifications(session, issue_id),
    }, status_code=status)  # fmt: skip


@router.get("/issues/{issue_id}", response_class=HTMLResponse)
def issue_page(request: Request, issue_id: PathId, session: SessionDep) -> Response:
    """One issue: the problem, the public messages, the reply, the commitments and their progress,
    the clarifications published on it."""
    return _issue_page(request, session, issue_id)


@router.post("/issues/{issue_id}/rate", dependencies=[CsrfChecked])
def rate_issue(
    request: Request, issue_id: PathId, platform: PlatformDep, tracking_code: Annotated[Key, Form()] = "",
    secret: Annotated[Key, Form()] = "", score: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """A citizen who raised one of the issue's messages rates how it was handled (1–5 stars)."""
    values = {"tracking_code": tracking_code, "score": score, "comment": comment}
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        with platform.write() as session:
            issue_actions.check_rate_issue(session, issue_id, tracking_code, secret,
                                           int(score) if score.isdigit() else 0, comment, platform.now())  # fmt: skip
    except (ValidationFailed, NotFound, RateLimited) as exc:
        errors = exc.errors if isinstance(exc, ValidationFailed) else {"form": exc.message}
        code = {ValidationFailed: 422, NotFound: 422, RateLimited: 429}[type(exc)]
        with platform.read() as session:
            return _issue_page(request, session, issue_id, errors=errors, values=values, status=code)
    except Conflict as exc:
        flash(request, exc.message, "info")
        return RedirectResponse(f"/issues/{issue_id}#rate", status_code=303)
    flash(request, "感谢您的评价！")
    return RedirectResponse(f"/issues/{issue_id}#rate", status_code=303)
