"""Citizen portal pages: home, submit, the public board, a message, tracking a case.

Everything a citizen sees of a message is built by ``services.publish``
(PII redacted, author masked). Every form carries a CSRF token; every POST
that changes state ends in a redirect (303). The submission form also carries
a one-time token: it is stored once per token, and its confirmation page shows
the tracking code and secret (kept encrypted in the signed session cookie,
``Cache-Control: no-store``). A followed case is a server-side session
(``deps.follow_case``) that 退出查询 ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session, object_session

from massline.models import STATUS_LABELS, Message
from massline.platform import Platform
from massline.services import attachments, intake, publishing
from massline.services import casework as board
from massline.services import casework as feedback
from massline.services.access import access_message_by_tracking, access_public_message, can_rate, can_reopen
from massline.services.casework import public_author, public_message
from massline.services.deployment import directory
from massline.services.errors import Conflict, NotFound, RateLimited, ValidationFailed
from massline.web.attachments import Uploads, staged
from massline.web.deps import (
    CsrfChecked,
    PlatformDep,
    SessionDep,
    citizen_token,
    client_key,
    follow_case,
    followed_case,
    forget_case,
    platform_of,
    see_other,
)
from massline.web.ids import Key, PathId
from massline.web.templating import flash, render

router = APIRouter()
PUBLIC_STATUSES = {k: v for k, v in STATUS_LABELS.items() if k != "rejected"}
SUBMITTED_KEY = "submitted"
Page = Annotated[int, Query(ge=1, le=board.MAX_PAGE)]
#: names the submission form shows masked the way public pages show them
AUTHOR_EXAMPLES = ("张建国", "李明")



# ---- home and board ----------------------------------------------------------

@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, session: SessionDep) -> Response:
    """What the platform is, the big button, the latest public messages and the figures."""
    latest = board.public_board(session, board.Filters(), page_size=8)
    stats = board.public_stats(session)
    return render(request, "portal/home.html", {
        "nav": "home", "latest": latest.items,
        "total": stats.total, "answered": stats.answered, "rate": stats.answer_rate,
    })


@router.get("/messages", response_class=HTMLResponse, include_in_schema=False)
def messages(
    request: Request, session: SessionDep, q: str = "", category: str = "", region: str = "",
    kind: str = "", status: str = "", page: Page = 1,
) -> Response:
    """The public board: search, filters and pages."""
    params = {"q": q.strip(), "category": category, "region": region, "kind": kind, "status": status}
    errors: dict[str, str] = {}
    try:
        result = board.public_board(session, board.Filters(**params, page=page))
    except ValidationFailed as exc:
        errors = exc.errors
        result = board.Page([], 0, 1, 20)
    return render(request, "portal/board.html", {
        "nav": "board", "params": params, "result": result, "items": result.items,
        "directory": directory(session), "kinds": intake.KINDS, "statuses": PUBLIC_STATUSES,
        "errors": errors,
    }, status_code=422 if errors else 200)


@router.get("/messages/{message_id}", response_class=HTMLResponse, include_in_schema=False)
def message_page(request: Request, message_id: PathId, session: SessionDep) -> Response:
    """One public message: redacted text, public history and reply, the clarifications of its issue."""
    message = access_public_message(session, message_id)
    pm = public_message(message, with_history=True)
    files = attachments.attachments_of(session, message, public=True)
    return render(request, "portal/message.html", {
        "nav": "board", "m": pm, "files": files, "files_url": f"/messages/{message_id}/attachments",
        "clarifications": publishing.clarifications_of_message(session, message),
    })


_STANCE_THANKS = {"support": "感谢您的支持！", "oppose": "已记录您的反对意见。"}


def _take_stance(request: Request, message_id: int, platform: Platform, stance: str) -> Response:
    key = feedback.supporter_key(citizen_token(request, platform), platform.secret_key)
    try:
        with platform.write() as session:
            message = access_public_message(session, message_id)
            feedback.check_support(session, message, key, platform.now(), stance=stance,
                                   address=client_key(request, platform), limits=platform.stance_limits)  # fmt: skip
        flash(request, _STANCE_THANKS[stance])
    except (Conflict, RateLimited) as exc:
        flash(request, exc.message, "info")
    return see_other(f"/messages/{message_id}#support")


@router.post("/messages/{message_id}/support", dependencies=[CsrfChecked], include_in_schema=False)
def support(request: Request, message_id: PathId, platform: PlatformDep) -> Response:
    """点赞, once per browser (a citizen takes one stance per message)."""
    return _take_stance(request, message_id, platform, "support")


@router.post("/messages/{message_id}/oppose", dependencies=[CsrfChecked], include_in_schema=False)
def oppose(request: Request, message_id: PathId, platform: PlatformDep) -> Response:
    """反对, once per browser (a citizen takes one stance per message)."""
    return _take_stance(request, message_id, platform, "oppose")


# ---- submit ------------------------------------------------------------------

class SubmitForm(BaseModel):
    """The submission form as typed (strings; checked by the intake service)."""

    title: str = ""
    body: str = ""
    kind: str = ""
    region: str = ""
    addressee: str = ""
    author_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    #: the checkbox "办理进度通知我" ("1" when ticked; the empty form shows it ticked)
    notify: str = ""
    is_public: str = "1"
    #: one-time token of this form (hidden field): the message is stored once per token
    form_token: str = ""

    def to_input(self) -> intake.MessageInput:
        """The intake input; ``addressee`` is ``office:CODE`` or ``leader:ID``."""
        office, leader = "", None
        kind_, _, ref = self.addressee.partition(":")
        if kind_ == "leader":
            leader = int(ref) if ref.isdigit() else -1  # -1 names no leader: the service reports it
        elif self.addressee:
            office = ref if kind_ == "office" else self.addressee
        return intake.MessageInput(
            title=self.title, body=self.body, kind=self.kind, region=self.region, addressee_office=office,
            addressee_leader=leader, author_name=self.author_name, contact_phone=self.contact_phone,
            contact_email=self.contact_email, notify=self.notify == "1", is_public=self.is_public != "0", source="web",
        )


def author_hint() -> str:
    """The hint of the form's name field, its examples masked by the function public pages use."""
    examples = "，".join(f"“{name}”显示为“{public_author(name)}”" for name in AUTHOR_EXAMPLES)
    return f"公开时部分隐去，如{examples}"


def _submit_form(
    request: Request, session: Session, form: SubmitForm, errors: Mapping[str, str], status: int
) -> Response:
    values = form.model_dump()
    values["form_token"] = values["form_token"] or secrets.token_urlsafe(16)
    return render(request, "portal/submit.html", {
        "nav": "submit", "directory": directory(session), "kinds": intake.KINDS, "kind_notes": intake.KIND_NOTES,
        "values": values, "errors": errors, "limits": intake, "author_hint": author_hint(),
        "file_limits": attachments.limits_of(platform_of(request).settings), "accepted": attachments.ACCEPTED,
    }, status_code=status)


@router.get("/submit", response_class=HTMLResponse, include_in_schema=False)
def submit_form(request: Request, session: SessionDep, to: str = "") -> Response:
    """The empty submission form (``to`` preselects an addressee), with a fresh one-time token."""
    return _submit_form(request, session, SubmitForm(addressee=to, notify="1"), {}, 200)


@router.post("/submit", dependencies=[CsrfChecked], response_class=HTMLResponse, include_in_schema=False)
def submit(
    request: Request, form: Annotated[SubmitForm, Form()], platform: PlatformDep, uploads: Uploads
) -> Response:
    """Check and store a message with its attachments (once per form token), then redirect to the
    confirmation (303).

    Posting the same form again (a refresh, a double click) stores nothing more
    and leads to the same confirmation; a problem re-renders the form as typed
    (the files must be chosen again) and stores nothing, files included.
    """
    token = form.form_token.strip()[: intake.KEY_MAX] or None
    try:
        platform.rate_limit(platform.submit_limiter, client_key(request, platform))
        with staged(platform, uploads) as files, platform.write() as session:
            result = attachments.check_submit_with_files(
                session, platform.cipher, form.to_input(), files, platform.now(), key=token
            )
    except ValidationFailed as exc:
        with platform.read() as session:
            return _submit_form(request, session, form, exc.errors, 422)
    except RateLimited as exc:
        with platform.read() as session:
            return _submit_form(request, session, form, {"form": exc.message}, 429)
    except Conflict:  # the token of a form already sent, with other content: a fresh form as typed
        with platform.read() as session:
            return _submit_form(request, session, form.model_copy(update={"form_token": ""}),
                                {"form": "这份表单已经提交过。如需再次留言，请核对内容后重新提交。"}, 409)  # fmt: skip
    secret = platform.cipher.encrypt(result.secret).decode("ascii") if result.secret else None
    request.session[SUBMITTED_KEY] = {"code": result.tracking_code, "key": secret}
    return see_other("/submit/done")


@router.get("/submit/done", response_class=HTMLResponse, include_in_schema=False)
def submitted(request: Request, platform: PlatformDep) -> Response:
    """The confirmation of the last submission of this browser: tracking code and secret."""
    saved = request.session.get(SUBMITTED_KEY)
    if not isinstance(saved, dict) or not saved.get("key"):
        return see_other("/track")
    with platform.read() as session:
        try:
            secret = platform.cipher.decrypt(str(saved["key"]).encode("ascii"))
            m = access_message_by_tracking(session, str(saved.get("code", "")), secret)
        except (NotFound, ValueError):
            request.session.pop(SUBMITTED_KEY, None)
            return see_other("/track")
        done = {"tracking_code": m.tracking_code, "secret": secret, "title": m.title,
                "status_label": m.status_label, "office": m.office.name if m.office else None,
                "due_at": m.due_at, "is_public": m.is_public,
                "pending_review": m.is_public and m.review_state == "pending"}  # fmt: skip
    return render(request, "portal/submitted.html", {"nav": "submit", "done": done}, no_store=True)


# ---- tracking one's own case -------------------------------------------------

def _case_page(
    request: Request, message: Message, errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None, status: int = 200,
) -> Response:
    pm = public_message(message, with_history=True, owner=True)
    session = object_session(message)
    files = attachments.attachments_of(session, message) if session is not None else []
    return render(request, "portal/track_case.html", {
        "nav": "track", "m": pm, "is_public": message.is_public, "files": files, "files_url": "/track/case/attachments",
        "can_rate": can_rate(message), "can_reopen": can_reopen(message),
        "errors": errors or {}, "values": values or {},
    }, status_code=status, no_store=True)


@router.get("/track", response_class=HTMLResponse, include_in_schema=False)
def track_form(request: Request) -> Response:
    """Ask for the tracking code and secret."""
    return render(request, "portal/track.html", {"nav": "track"})


@router.post("/track", dependencies=[CsrfChecked], include_in_schema=False)
def track(
    request: Request, platform: PlatformDep, session: SessionDep,
    tracking_code: Annotated[Key, Form()] = "", secret: Annotated[Key, Form()] = "",
) -> Response:
    """Check the code and secret, remember them for this browser, show the case."""
    values = {"tracking_code": tracking_code}
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        message = access_message_by_tracking(session, tracking_code, secret)
    except (NotFound, RateLimited) as exc:
        code = 429 if isinstance(exc, RateLimited) else 404
        return render(request, "portal/track.html", {"nav": "track", "errors": {"form": exc.message}, "values": values},
                      status_code=code)
    follow_case(request, platform, message)
    return see_other("/track/case")


@router.get("/track/case", response_class=HTMLResponse, include_in_schema=False)
def track_case(request: Request, platform: PlatformDep, session: SessionDep) -> Response:
    """The citizen's own case (public or not), with rating and reopening."""
    message = followed_case(request, platform, session)
    if message is None:
        flash(request, "请先输入查询码和密码", "info")
        return see_other("/track")
    return _case_page(request, message)


def _feedback(request: Request, platform: Platform, action: str, values: dict[str, str]) -> Response:
    """Rate or reopen the remembered case; re-render with the typed input on errors."""
    now = platform.now()
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        with platform.write() as session:
            message = followed_case(request, platform, session, write=True)
            if message is None:
                flash(request, "查询已失效，请重新输入查询码和密码", "info")
                return see_other("/track")
            if action == "rate":
                score = int(values["score"]) if values["score"].isdigit() else 0
                feedback.check_rate(session, message, score, values["comment"], now)
                flash(request, "感谢您的评价！")
            else:
                feedback.check_reopen(
                    session, message, values["reason"], now, platform.settings.reopen_escalation_threshold
                )
                flash(request, "已提交重新办理要求，留言已退回承办单位。")
    except RateLimited as exc:
        flash(request, exc.message, "error")
    except ValidationFailed as exc:
        with platform.read() as session:
            message = followed_case(request, platform, session)
            if message is None:
                return see_other("/track")
            return _case_page(request, message, exc.errors, {**values, "form": action}, 422)
    except Conflict as exc:
        flash(request, exc.message, "error")
    return see_other("/track/case")


@router.post("/track/rate", dependencies=[CsrfChecked], include_in_schema=False)
def rate(
    request: Request, platform: PlatformDep,
    score: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
) -> Response:
    """Rate the published reply (1–5 stars and a comment)."""
    return _feedback(request, platform, "rate", {"score": score, "comment": comment})


@router.post("/track/reopen", dependencies=[CsrfChecked], include_in_schema=False)
def reopen(request: Request, platform: PlatformDep, reason: Annotated[str, Form()] = "") -> Response:
    """Not satisfied: send the case back to the office."""
    return _feedback(request, platform, "reopen", {"reason": reason})


@router.post("/track/forget", dependencies=[CsrfChecked], include_in_schema=False)
def forget(request: Request, platform: PlatformDep) -> Response:
    """退出查询: end the followed case's session (e.g. on a shared computer); a copied cookie stops working too."""
    forget_case(request, platform)
    flash(request, "已退出查询。", "info")
    return see_other("/track")
