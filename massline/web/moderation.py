"""Review before publishing (审核), pages under ``/staff/moderation`` and the staff API under ``/api/v1/moderation``.

Who may moderate is ``access.can_moderate`` (dispatchers and admins), checked by the
service (``casework.review_queue``, ``casework.check_review``); these handlers parse,
call it and render.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from massline.models import User
from massline.platform import Platform
from massline.services import casework
from massline.services.errors import ValidationFailed
from massline.services.policy import casework_policy
from massline.web.deps import ApiOfficial, CsrfChecked, CurrentOfficial, PlatformDep, SessionDep
from massline.web.ids import PathId
from massline.web.templating import flash, render
from massline.web.validation import request_from_form

router = APIRouter(prefix="/staff/moderation", include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/moderation", tags=["officials"])
ListName = Annotated[str, Query(alias="list", max_length=20)]
DONE = {"publish": "已审核通过，留言已公开。", "redact": "已保存修改，留言按修改后的内容公开。",
        "withhold": "已决定不予公开，理由会告知群众。"}  # fmt: skip


@router.get("", response_class=HTMLResponse)
def queue(request: Request, user: CurrentOfficial, session: SessionDep, which: ListName = "queue") -> Response:
    """The moderation queue (``list=queue``) or the messages already reviewed (``list=reviewed``, for re-review)."""
    items = casework.review_queue(session, user, which)
    return render(request, "staff/moderation.html", {
        "user": user, "nav": "moderation", "items": items, "which": which,
        "policy": casework_policy(session).moderation,
    })  # fmt: skip


def _review_page(
    request: Request, session: Session, user: User, message_id: int, *,
    errors: Mapping[str, str] | None = None, values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:
    item = casework.review_item(session, user, message_id)
    return render(request, "staff/review.html", {
        "user": user, "nav": "moderation", "item": item, "m": item.message,
        "errors": errors or {}, "values": values or {},
    }, status_code=status)  # fmt: skip


@router.get("/{message_id}", response_class=HTMLResponse)
def review(request: Request, message_id: PathId, user: CurrentOfficial, session: SessionDep) -> Response:
    """One message to review: the original, the checks' findings, the forms of the three outcomes."""
    return _review_page(request, session, user, message_id)


@router.post("/{message_id}", dependencies=[CsrfChecked])
async def decide(request: Request, message_id: PathId, user: CurrentOfficial, platform: PlatformDep) -> Response:
    """Publish, publish with edits, or withhold the message; back to the queue."""
    form = await request.form()
    return await run_in_threadpool(_decide, request, message_id, form, user, platform)


def _decide(request: Request, message_id: int, form: Any, user: User, platform: Platform) -> Response:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        decision = request_from_form(casework.ReviewDecision, form)
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            casework.check_review(session, actor, message_id, decision, platform.now())
    except ValidationFailed as exc:
        with platform.read() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            return _review_page(request, session, actor, message_id, errors=exc.errors, values=values, status=422)
    flash(request, DONE[decision.outcome])
    return RedirectResponse("/staff/moderation", status_code=303)


# ---- the staff API -------------------------------------------------------------------------


class FindingOut(BaseModel):
    """One automatic check's finding."""

    kind: str
    label: str
    field: str
    text: str


class ReviewItemOut(BaseModel):
    """A message in the moderation queue."""

    id: int
    tracking_code: str
    review_state: str
    review_label: str
    title: str
    body: str
    public_title: str
    public_body: str
    review_reason: str | None
    findings: list[FindingOut]
    duplicate_of: str | None


def _item_out(item: casework.ReviewItem) -> ReviewItemOut:
    m = item.message
    return ReviewItemOut(
        id=m.id, tracking_code=m.tracking_code, review_state=m.review_state, review_label=item.review_label,
        title=m.title, body=m.body, public_title=item.public_title, public_body=item.public_body,
        review_reason=m.review_reason, findings=[FindingOut(**vars(f)) for f in item.findings],
        duplicate_of=item.duplicate_of.tracking_code if item.duplicate_of else None,
    )  # fmt: skip


@api_router.get("", response_model=list[ReviewItemOut])
def api_queue(user: ApiOfficial, session: SessionDep, which: ListName = "queue") -> list[ReviewItemOut]:
    """The moderation queue (``list=queue``: waiting, oldest first) or ``list=reviewed`` (moderators only)."""
    return [_item_out(item) for item in casework.review_queue(session, user, which)]


@api_router.post("/{message_id}", response_model=ReviewItemOut)
def api_decide(
    message_id: PathId, data: casework.ReviewDecision, user: ApiOfficial, platform: PlatformDep
) -> ReviewItemOut:
    """Decide on a message: ``outcome`` publish, redact (with ``title`` and ``body``) or withhold (with ``reason``)."""
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        casework.check_review(session, actor, message_id, data, platform.now())
        return _item_out(casework.review_item(session, actor, message_id))
