"""Officials' workbench pages under ``/staff``: login, inbox, dispatch queue, case page.

Scoping and permissions live in the services (``board.inbox``,
``cases.case_view``, ``cases.act``); these handlers parse the form, call
the service and render. A case another office owns answers exactly like a
case that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from massline.models import STATUS_LABELS, User
from massline.platform import Platform
from massline.services import attachments, replies
from massline.services import casework as board
from massline.services import casework as cases
from massline.services import people as accounts
from massline.services.access import can_act, reads_own_office_only
from massline.services.casework import analysis_view, urgency_levels
from massline.services.classifier import model_in_use
from massline.services.deployment import directory
from massline.services.errors import Conflict, Forbidden, RateLimited, ValidationFailed
from massline.services.intake import KINDS
from massline.services.pipeline import suggest_offices
from massline.services.routing import due_soon_days
from massline.web.deps import (
    CsrfChecked,
    CurrentOfficial,
    PlatformDep,
    SessionDep,
    actor_in,
    client_key,
    login_session,
    logout_session,
    page_user,
    see_other,
)
from massline.web.ids import Key, PathId
from massline.web.templating import flash, render
from massline.web.validation import request_from_form

router = APIRouter(prefix="/staff", include_in_schema=False)
Page = Annotated[int, Query(ge=1, le=board.MAX_PAGE)]


def safe_next(target: str, default: str = "/staff") -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirect)."""
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc:
        return default
    if any(ch in target for ch in "\r\n\t"):
        return default
    return target




# ---- login -------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str = "/staff") -> Response:
    """The staff login form."""
    if page_user(request, session) is not None:
        return see_other(safe_next(next))
    return render(request, "staff/login.html", {"next": safe_next(next)})


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request, platform: PlatformDep, username: Annotated[Key, Form()] = "",
    password: Annotated[Key, Form()] = "", next: Annotated[str, Form()] = "/staff",
) -> Response:
    """Check the credentials (limited per address; failures throttled per address and username), start a session."""
    target = safe_next(next)
    address = client_key(request, platform)
    try:
        platform.rate_limit(platform.login_limiter, address)
    except RateLimited as exc:
        return render(request, "staff/login.html", {"next": target, "errors": {"form": exc.message},
                                                    "values": {"username": username}}, status_code=429)
    with platform.write() as session:
        result = accounts.check_login(session, username, password, platform.now(), address=address,
                                      failures=platform.login_failures, passwords=platform.passwords)
        if result.user is not None:
            login_session(request, platform, session, result.user)
    if result.user is None:
        return render(request, "staff/login.html", {"next": target, "errors": {"form": result.error},
                                                    "values": {"username": username}},
                      status_code=429 if result.throttled else 401)
    return see_other(target)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, platform: PlatformDep) -> Response:
    """End the staff session, on the server too: a copy of the cookie stops working."""
    logout_session(request, platform)
    flash(request, "您已安全退出。", "info")
    return see_other("/staff/login")


# ---- lists -------------------------------------------------------------------

@router.get("", response_class=HTMLResponse)
def inbox(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep,
    q: str = "", status: str = "", category: str = "", region: str = "", kind: str = "",
    due: Annotated[str, Query(pattern="^(|overdue|soon)$")] = "", mine: bool = False, page: Page = 1,
    sort: Annotated[str, Query(pattern="^(|due|received|status)$")] = "",
) -> Response:
    """The cases the official may see: reopened, escalated and new first, then by deadline (or ``sort``)."""
    params: dict[str, Any] = {"q": q.strip(), "status": status, "category": category, "region": region,
                              "kind": kind, "due": due, "mine": "1" if mine else "", "sort": sort}
    now = platform.now()
    errors: dict[str, str] = {}
    try:
        result = board.inbox(session, user, board.InboxFilters(
            params["q"], category, region, kind, status, page, due=due, mine=mine, sort=sort), now)
    except ValidationFailed as exc:
        errors, result = exc.errors, board.Page([], 0, 1, 20)
    soon = due_soon_days(session)
    return render(request, "staff/inbox.html", {
        "user": user, "nav": "inbox", "params": params, "result": result,
        "own_office_only": reads_own_office_only(user),
        "counts": board.inbox_counts(session, user, now), "sorts": board.INBOX_SORTS,
        "attention": board.attention,
        "rows": [(m, board.due_state(m, now, soon)) for m in result.items],
        "urgency": urgency_levels(session, [m.id for m in result.items]),
        "reminded": cases.reminded_ids(session, [m.id for m in result.items]),
        "oversight": board.oversight_marks(session, [m.id for m in result.items]),
        "approvals": board.pending_reply_cases(session, user),
        "directory": directory(session), "statuses": STATUS_LABELS, "kinds": KINDS, "errors": errors,
    }, status_code=422 if errors else 200)


@router.get("/dispatch", response_class=HTMLResponse)
def dispatch_queue(
    request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep, page: Page = 1
) -> Response:
    """Messages no rule could route, for the dispatcher (派单), with the office the routing table suggests."""
    result = board.dispatch_queue(session, user, page)
    settings = platform.settings
    return render(request, "staff/dispatch.html", {
        "user": user, "nav": "dispatch", "result": result, "directory": directory(session),
        "rows": [(m, cases.allowed_case_actions(user, m)) for m in result.items],
        "urgency": urgency_levels(session, [m.id for m in result.items]),
        "suggestions": suggest_offices(session, result.items),
        "unstaffed": cases.offices_without_staff(session),
        "model_in_use": model_in_use(settings.classifier_model_path),
        "threshold": settings.classifier_threshold,
    })


@router.get("/requests", response_class=HTMLResponse)
def centre_requests(request: Request, user: CurrentOfficial, session: SessionDep) -> Response:
    """What waits for the dispatch centre: transfer requests (退单) and, by policy, extension requests."""
    return render(request, "staff/requests.html", {
        "user": user, "nav": "requests", "requests": board.centre_requests(session, user),
        "unstaffed": cases.offices_without_staff(session), "offices": directory(session).offices,
    })


# ---- the case page -----------------------------------------------------------

def _case_page(
    request: Request, session: Session, user: User, message_id: int, now: Any, *,
    errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None,
    contact: str | None = None, status: int = 200,
) -> Response:
    view = cases.case_view(session, user, message_id)
    m = view.message
    return render(request, "staff/case.html", {
        "user": user, "nav": "inbox", "view": view, "m": m,
        "actions": view.actions, "analysis": analysis_view(session, user, m),
        "due_state": board.due_state(m, now, due_soon_days(session)),
        "draft": next((r for r in m.replies if r.status == "draft"), None),
        "can_reveal": view.can_reveal_contact, "can_decide": view.can_decide_extensions,
        "categories": directory(session).categories, "kinds": KINDS, "unstaffed": cases.offices_without_staff(session),
        "reopen_reason": cases.reopen_reason(m), "files": attachments.attachments_of(session, m),
        "files_url": f"/staff/cases/{m.id}/attachments", "can_review_files": can_act(user, "review_attachments", m),
        "close_refusal": cases.close_refusal(session, m, now) if "close" in view.actions else None,
        "desk": replies.desk_view(session, user, m, now),
        "errors": errors or {}, "values": values or {}, "contact": contact,
    }, status_code=status, no_store=contact is not None)


@router.get("/cases/{message_id}", response_class=HTMLResponse)
def case(
    request: Request, message_id: PathId, user: CurrentOfficial, session: SessionDep, platform: PlatformDep
) -> Response:
    """A case with its full history and the forms for the allowed actions."""
    return _case_page(request, session, user, message_id, platform.now())


@router.post("/cases/{message_id}/contact", dependencies=[CsrfChecked])
def reveal_contact(request: Request, message_id: PathId, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """Show the citizen's phone to the handling office; the read is audited."""
    with platform.write() as session:
        actor = actor_in(session, user)
        phone = cases.reveal_contact(session, platform.cipher, actor, message_id)
        return _case_page(request, session, actor, message_id, platform.now(), contact=phone or "（未留联系电话）")


def _action_request(action: str, form: Any) -> cases.CaseRequest:
    """The typed request of ``action`` from the posted form (its own fields only), or ValidationFailed."""
    spec = cases.CASE_ACTIONS.get(action)
    if spec is None:
        raise ValidationFailed({"action": "未知操作"})
    request: cases.CaseRequest = request_from_form(spec.request, form)
    return request


@router.post("/cases/{message_id}/{action}", dependencies=[CsrfChecked])
async def act(
    request: Request, message_id: PathId, action: str, user: CurrentOfficial, platform: PlatformDep,
) -> Response:
    """Do one action on the case, then show the case (or the page the form came from)."""
    form = await request.form()
    return await run_in_threadpool(_act, request, message_id, action, form, user, platform)


def _act(request: Request, message_id: int, action: str, form: Any, user: User, platform: Platform) -> Response:
    return_to = str(form.get("return_to") or "")
    back = safe_next(return_to, f"/staff/cases/{message_id}") if return_to else f"/staff/cases/{message_id}"
    values = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "return_to")}
    try:
        typed = _action_request(action, form)
        with platform.write() as session:
            replies.act(session, actor_in(session, user), message_id, typed, platform.now())
    except ValidationFailed as exc:
        if return_to:
            flash(request, "；".join(exc.errors.values()), "error")
            return see_other(back)
        with platform.read() as session:
            return _case_page(request, session, actor_in(session, user), message_id, platform.now(),
                              errors=exc.errors, values={**values, "action": action}, status=422)
    except (Conflict, Forbidden) as exc:
        flash(request, exc.message, "error")
        return see_other(back)
    flash(request, cases.CASE_ACTIONS[action].done)
    if action == "transfer" and not return_to:
        back = "/staff"  # the case has left this office
    return see_other(back)


@router.post("/extensions/{extension_id}", dependencies=[CsrfChecked])
def decide_extension(
    request: Request, extension_id: PathId, user: CurrentOfficial, platform: PlatformDep,
    approve: Annotated[str, Form()] = "", return_to: Annotated[str, Form()] = "",
) -> Response:
    """The office head (or, by policy, a dispatcher) approves or denies a deadline extension."""
    decision = cases.ExtensionDecision(approve=approve == "1")
    try:
        with platform.write() as session:
            ext = cases.decide_extension(session, actor_in(session, user), extension_id, decision, platform.now())
            message_id = ext.message_id
    except Conflict as exc:
        flash(request, exc.message, "error")
        return see_other("/staff")
    flash(request, "已同意延期。" if approve == "1" else "已不同意延期。")
    return see_other(safe_next(return_to, f"/staff/cases/{message_id}") if return_to else f"/staff/cases/{message_id}")
