"""The error-tolerance review (容错纠错) in the workbench, under ``/staff/tolerance``: the reviews and
pilot registrations a viewer may see, one review with its forms (the official's account, the
decision, the appeal, the appeal's decision), and the forms to open a review and register a pilot.

Who may read and do what is ``services.access`` (the official concerned, supervisors and admins);
every read is audited by the service, so even the pages run in a write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from massline.models import ToleranceReview, User
from massline.platform import Platform
from massline.services import tolerance
from massline.services.access import is_overseer
from massline.services.errors import NotFound, ValidationFailed
from massline.web.deps import CsrfChecked, CurrentOfficial, PlatformDep
from massline.web.ids import PathId
from massline.web.templating import flash, render
from massline.web.validation import request_from_form

router = APIRouter(prefix="/staff/tolerance", include_in_schema=False)
LABELS = {"criteria": tolerance.CRITERIA, "for": tolerance.FOR_TOLERANCE, "against": tolerance.AGAINST_TOLERANCE,
          "decisions": tolerance.DECISION_LABELS}  # fmt: skip


def _index_page(
    request: Request, platform: Platform, viewer: User, *,
    errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:
    with platform.write() as session:
        actor = session.get(User, viewer.id)
        assert actor is not None
        reviews = tolerance.list_reviews(session, actor)
        pilots = tolerance.pilots_for(session, actor)
        names = {r.id: r.official.display_name for r in reviews}
        return render(request, "staff/tolerance.html", {
            "user": actor, "nav": "research", "reviews": reviews, "pilots": pilots, "names": names,
            "overseer": is_overseer(actor), "labels": LABELS, "errors": errors or {}, "values": values or {},
        }, status_code=status)  # fmt: skip


@router.get("", response_class=HTMLResponse)
def index(request: Request, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """The reviews and pilot registrations the viewer may see (audited), with the forms to open a review
    (reviewers) and to register a pilot (everyone, for themselves)."""
    return _index_page(request, platform, user)


def _review_page(
    request: Request, platform: Platform, viewer: User, review_id: int, *,
    errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:
    with platform.write() as session:
        actor = session.get(User, viewer.id)
        assert actor is not None
        view = tolerance.view_review(session, actor, review_id)
        return render(request, "staff/tolerance_review.html", {
            "user": actor, "nav": "research", "v": view, "r": view.review, "labels": LABELS,
            "overseer": is_overseer(actor), "errors": errors or {}, "values": values or {},
        }, status_code=status)  # fmt: skip


@router.get("/reviews/{review_id}", response_class=HTMLResponse)
def review(request: Request, review_id: PathId, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """One review (the official concerned, supervisors, admins; others 404), audited."""
    return _review_page(request, platform, user, review_id)


def _act(
    request: Request, platform: Platform, user: User, form: Any, step: Callable[[Session, User], ToleranceReview],
    done: str, failed: Callable[[Mapping[str, str], Mapping[str, str]], Response],
) -> Response:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            review_id = step(session, actor).id
    except ValidationFailed as exc:
        return failed(exc.errors, values)
    flash(request, done)
    return RedirectResponse(f"/staff/tolerance/reviews/{review_id}", status_code=303)


@router.post("/reviews", dependencies=[CsrfChecked])
async def open_review(request: Request, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """Open a review (supervisors and admins; not about themselves)."""
    form = await request.form()

    def step(session: Session, actor: User) -> ToleranceReview:
        data = request_from_form(tolerance.ReviewInput, form)
        return tolerance.check_open_review(session, actor, data, platform.now())

    def failed(errors: Mapping[str, str], values: Mapping[str, str]) -> Response:
        return _index_page(request, platform, user, errors=errors, values=values, status=422)

    return await run_in_threadpool(_act, request, platform, user, form, step, "已立案审查。", failed)


def _decision(form: Any) -> tolerance.DecisionInput:
    criteria = {k: str(form.get(f"note_{k}", "")) for k in tolerance.CRITERIA if form.get(f"criterion_{k}")}
    data = {"criteria": criteria, "decision": form.get("decision", ""), "reasons": form.get("reasons", "")}
    return request_from_form(tolerance.DecisionInput, _Form(data))


class _Form(dict[str, Any]):
    """A dict that answers ``getlist`` like a posted form (for ``request_from_form``)."""

    def getlist(self, name: str) -> list[Any]:
        """The values of ``name`` (one at most)."""
        return [self[name]] if name in self else []


def _account(session: Session, user: User, review_id: int, form: Any, now: datetime) -> ToleranceReview:
    return tolerance.check_give_account(session, user, review_id, str(form.get("account", "")), now)


def _decide(session: Session, user: User, review_id: int, form: Any, now: datetime) -> ToleranceReview:
    return tolerance.check_decide(session, user, review_id, _decision(form), now)


def _appeal(session: Session, user: User, review_id: int, form: Any, now: datetime) -> ToleranceReview:
    return tolerance.check_appeal(session, user, review_id, str(form.get("appeal", "")), now)


def _decide_appeal(session: Session, user: User, review_id: int, form: Any, now: datetime) -> ToleranceReview:
    decision, reasons = str(form.get("appeal_decision", "")), str(form.get("appeal_reasons", ""))
    return tolerance.check_decide_appeal(session, user, review_id, decision, reasons, now)


#: step -> (the service call with the form's fields, the message shown after it)
STEPS: dict[str, tuple[Callable[[Session, User, int, Any, datetime], ToleranceReview], str]] = {
    "account": (_account, "本人说明已保存。"),
    "decide": (_decide, "已作出认定。"),
    "appeal": (_appeal, "申诉已提交，将由其他审查人员复核。"),
    "decide_appeal": (_decide_appeal, "复核结论已作出。"),
}


@router.post("/reviews/{review_id}/{step}", dependencies=[CsrfChecked])
async def review_step(
    request: Request, review_id: PathId, step: str, user: CurrentOfficial, platform: PlatformDep
) -> Response:
    """A step of the review: ``account`` (the official), ``decide`` (a reviewer), ``appeal`` (the official),
    ``decide_appeal`` (a reviewer other than the first); unknown steps 404."""
    if step not in STEPS:
        raise NotFound()
    form = await request.form()
    run, done = STEPS[step]

    def failed(errors: Mapping[str, str], values: Mapping[str, str]) -> Response:
        return _review_page(request, platform, user, review_id, errors=errors, values=values, status=422)

    return await run_in_threadpool(
        _act, request, platform, user, form, lambda s, u: run(s, u, review_id, form, platform.now()), done, failed
    )


@router.post("/pilots", dependencies=[CsrfChecked])
async def register_pilot(request: Request, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """Register a new approach beforehand (事前备案), for oneself."""
    form = await request.form()
    return await run_in_threadpool(_register_pilot, request, platform, user, form)


def _register_pilot(request: Request, platform: Platform, user: User, form: Any) -> Response:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        data = request_from_form(tolerance.PilotInput, form)
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            tolerance.check_register_pilot(session, actor, data, platform.now())
    except ValidationFailed as exc:
        return _index_page(request, platform, user, errors=exc.errors, values=values, status=422)
    flash(request, "新做法已备案。")
    return RedirectResponse("/staff/tolerance", status_code=303)
