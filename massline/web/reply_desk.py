"""The reply desk's routes (``services.replies``): the live review of a draft for the reply box (a
staff JSON endpoint the page's script calls, and the same for API clients), and the marks "outside
our remit" on a message's demands (forms on the case page)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from massline.services import replies
from massline.services.errors import Conflict, ValidationFailed
from massline.web.deps import ApiOfficial, CsrfChecked, CurrentOfficial, PlatformDep, actor_in
from massline.web.ids import PathId
from massline.web.templating import flash

router = APIRouter(prefix="/staff/desk", include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/replies")

#: the longest draft the live review reads (the reply box's own limit)
DRAFT_MAX = 5000



def _draft(text: str) -> str:
    if len(text) > DRAFT_MAX:
        raise ValidationFailed({"text": f"答复内容不能超过 {DRAFT_MAX} 个字"})
    return text


@router.post("/{message_id}/review", dependencies=[CsrfChecked])
def review(message_id: PathId, user: CurrentOfficial, platform: PlatformDep, text: str = Form("")) -> Response:
    """The review of the draft in the reply box (JSON; nothing is stored)."""
    with platform.read() as session:
        answer = replies.live_review(session, actor_in(session, user), message_id, _draft(text), platform.now())
    return JSONResponse(answer, headers={"Cache-Control": "no-store"})


@router.post("/{message_id}/referrals", dependencies=[CsrfChecked])
def refer(
    request: Request, message_id: PathId, user: CurrentOfficial, platform: PlatformDep,
    demand: int = Form(-1), office: str = Form(""), note: str = Form(""),
) -> Response:  # fmt: skip
    """Mark one demand of the message outside the office's remit, naming the competent office."""
    try:
        with platform.write() as session:
            replies.check_refer_demand(session, actor_in(session, user), message_id, demand, office, note,
                                       platform.now())  # fmt: skip
    except (ValidationFailed, Conflict) as exc:
        flash(request, exc.message, "error")
    else:
        flash(request, "已标记为不属本单位职责，评分时视为已答复。请在答复中告知群众主管单位。")
    return RedirectResponse(f"/staff/cases/{message_id}#desk", status_code=303)


@router.post("/{message_id}/referrals/{referral_id}/delete", dependencies=[CsrfChecked])
def unrefer(
    request: Request, message_id: PathId, referral_id: PathId, user: CurrentOfficial, platform: PlatformDep
) -> Response:
    """Take back a demand's "outside our remit" mark."""
    with platform.write() as session:
        replies.check_unrefer_demand(session, actor_in(session, user), message_id, referral_id, platform.now())
    flash(request, "已撤销不属本单位职责标记。")
    return RedirectResponse(f"/staff/cases/{message_id}#desk", status_code=303)


class DraftIn(BaseModel):
    """A draft reply to review."""

    text: str = Field(title="答复内容", max_length=DRAFT_MAX)


@api_router.post("/{message_id}/review", tags=["officials"])
def api_review(message_id: PathId, data: DraftIn, user: ApiOfficial, platform: PlatformDep) -> dict[str, Any]:
    """Review a draft reply to the case (nothing stored): each criterion's score, evidence and suggestion,
    the overall score and its composition, the demands and which reply sentences answer them."""
    with platform.read() as session:
        return replies.live_review(session, actor_in(session, user), message_id, data.text, platform.now())


class ReferralIn(BaseModel):
    """A demand of the message (its index in the review's ``demands``) outside the office's remit."""

    demand: int = Field(title="诉求", ge=0, le=1000)
    office: str = Field(title="主管单位", max_length=64, description="the competent office's code")
    note: str = Field(default="", title="说明", max_length=500)


class ReferralOut(BaseModel):
    """The mark as stored."""

    id: int
    demand_text: str
    office: str


@api_router.post("/{message_id}/referrals", tags=["officials"], response_model=ReferralOut)
def api_refer(message_id: PathId, data: ReferralIn, user: ApiOfficial, platform: PlatformDep) -> ReferralOut:
    """Mark a demand outside the office's remit, naming the competent office (audited, an internal case
    event); the review then counts it as answered. The handling office only."""
    with platform.write() as session:
        row = replies.check_refer_demand(session, actor_in(session, user), message_id, data.demand, data.office,
                                         data.note, platform.now())  # fmt: skip
        return ReferralOut(id=row.id, demand_text=row.demand_text, office=row.office.name)
