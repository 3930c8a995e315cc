"""Public pages of offices speaking online: office pages and feeds, posts and their threads,
clarifications, online interviews (the JSON the live page polls is in ``api_publishing``).

Every form carries a CSRF token; comments and questions are rate-limited per address like
submissions, votes and reactions like stances; one vote or reaction per browser (its signed token).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from massline.models import POST_KINDS, REACTIONS
from massline.platform import Platform
from massline.services import casework, publishing
from massline.services.deployment import site_setting
from massline.services.errors import Conflict, RateLimited, ValidationFailed
from massline.web.deps import CsrfChecked, PlatformDep, SessionDep, citizen_token, client_key, see_other
from massline.web.ids import PathId
from massline.web.templating import flash, render

router = APIRouter(include_in_schema=False)
SEEN_KEY, SEEN_MAX = "seen_clarifications", 50
#: the questions this browser voted for (to show 已投票 instead of the button), the newest kept
VOTED_KEY, VOTED_MAX = "voted_questions", 200
PHASES = {"upcoming": "即将开始，欢迎提问", "live": "正在直播", "ended": "已结束"}



def _voter(request: Request, platform: Platform) -> str:
    return casework.supporter_key(citizen_token(request, platform), platform.secret_key)


@router.get("/offices", response_class=HTMLResponse)
def offices(request: Request, session: SessionDep) -> Response:
    """The offices that speak online."""
    return render(request, "portal/offices.html", {"nav": "offices", "offices": publishing.speaking_offices(session)})


@router.get("/offices/{office_id}", response_class=HTMLResponse)
def office(request: Request, office_id: PathId, session: SessionDep) -> Response:
    """An office's page: its leaders, posts, clarifications and online interviews, with its feed."""
    page = publishing.office_page(session, office_id)
    return render(request, "portal/office.html", {"nav": "offices", "page": page, "kinds": POST_KINDS})


@router.get("/offices/{office_id}/feed.atom")
def office_feed(office_id: PathId, platform: PlatformDep, session: SessionDep) -> Response:
    """The office's Atom feed: posts and clarifications."""
    site = site_setting(session, "site_name", platform.settings.site_name)
    body = publishing.office_feed(session, office_id, platform.links.base_url, site)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _post_page(
    request: Request, session: Session, post_id: int, *, errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    post = publishing.access_public_post(session, post_id)
    return render(request, "portal/post.html", {
        "nav": "offices", "post": post, "thread": publishing.public_thread(session, post.id),
        "errors": errors or {}, "values": values or {},
    }, status_code=status)  # fmt: skip


@router.get("/posts/{post_id}", response_class=HTMLResponse)
def post(request: Request, post_id: PathId, session: SessionDep) -> Response:
    """A post, its edit history and its thread (shown comments and officials' answers)."""
    return _post_page(request, session, post_id)


@router.post("/posts/{post_id}/comments", dependencies=[CsrfChecked])
def comment(
    request: Request, post_id: PathId, platform: PlatformDep,
    author_name: Annotated[str, Form()] = "", body: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """A citizen's comment (rate-limited per address; reviewed per the deployment's moderation)."""
    values = {"author_name": author_name, "body": body}
    try:
        platform.rate_limit(platform.submit_limiter, client_key(request, platform))
        with platform.write() as session:
            added = publishing.check_comment(session, post_id, author_name, body, platform.now())
            pending = added.review_state == "pending"
    except (ValidationFailed, RateLimited) as exc:
        errors = exc.errors if isinstance(exc, ValidationFailed) else {"form": exc.message}
        with platform.read() as session:
            return _post_page(request, session, post_id, errors=errors, values=values,
                              status=422 if isinstance(exc, ValidationFailed) else 429)  # fmt: skip
    flash(request, "评论已提交，审核后公开。" if pending else "评论已发表。")
    return see_other(f"/posts/{post_id}#thread")


@router.get("/clarifications/{clarification_id}", response_class=HTMLResponse)
def clarification(request: Request, clarification_id: PathId, platform: PlatformDep) -> Response:
    """A clarification; a browser's first view of it is counted."""
    seen = [i for i in request.session.get(SEEN_KEY, []) if isinstance(i, int)]
    with platform.read() as session:
        publishing.access_public_clarification(session, clarification_id)
    if clarification_id not in seen:
        with platform.write() as session:
            publishing.do_count_view(session, clarification_id)
        request.session[SEEN_KEY] = [*seen, clarification_id][-SEEN_MAX:]
    with platform.read() as session:
        item = publishing.access_public_clarification(session, clarification_id)
        return render(request, "portal/clarification.html", {"nav": "offices", "c": item, "reactions": REACTIONS})


@router.post("/clarifications/{clarification_id}/react", dependencies=[CsrfChecked])
def react(
    request: Request, clarification_id: PathId, platform: PlatformDep, reaction: Annotated[str, Form()] = ""
) -> Response:
    """有帮助 / 仍有疑问, once per browser."""
    try:
        platform.rate_limit(platform.stance_limits.per_hour, client_key(request, platform))
        with platform.write() as session:
            publishing.check_react(session, clarification_id, _voter(request, platform), reaction)
        flash(request, "感谢您的反馈！")
    except (Conflict, RateLimited, ValidationFailed) as exc:
        flash(request, exc.message, "info")
    return see_other(f"/clarifications/{clarification_id}#react")


def _interview_page(
    request: Request, session: Session, interview_id: int, now: datetime, *, errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    interview = publishing.access_public_interview(session, interview_id)
    phase = publishing.phase(interview, now)
    return render(request, "portal/interview.html", {
        "nav": "offices", "i": interview, "phase": phase, "phase_label": PHASES[phase],
        "questions": publishing.shown_questions(session, interview.id), "errors": errors or {}, "values": values or {},
        "voted": set(_voted(request)),
    }, status_code=status)  # fmt: skip


def _voted(request: Request) -> list[int]:
    return [i for i in request.session.get(VOTED_KEY, []) if isinstance(i, int)]


@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
def interview(request: Request, interview_id: PathId, platform: PlatformDep, session: SessionDep) -> Response:
    """An online interview: ask and vote before and during it; the answers as they are posted."""
    return _interview_page(request, session, interview_id, platform.now())


@router.post("/interviews/{interview_id}/questions", dependencies=[CsrfChecked])
def ask(
    request: Request, interview_id: PathId, platform: PlatformDep,
    author_name: Annotated[str, Form()] = "", body: Annotated[str, Form()] = "",
    contact: Annotated[str, Form(max_length=254)] = "",
) -> Response:  # fmt: skip
    """A citizen's question (rate-limited per address; reviewed per the deployment's moderation); with a
    contact, they are told when it is answered after the session."""
    values = {"author_name": author_name, "body": body, "contact": contact}
    try:
        platform.rate_limit(platform.submit_limiter, client_key(request, platform))
        with platform.write() as session:
            added = publishing.check_ask(session, interview_id, author_name, body, platform.now(), contact,
                                         platform.cipher)
            pending = added.review_state == "pending"
    except (ValidationFailed, RateLimited, Conflict) as exc:
        errors = exc.errors if isinstance(exc, ValidationFailed) else {"form": exc.message}
        code = {ValidationFailed: 422, RateLimited: 429, Conflict: 409}[type(exc)]
        with platform.read() as session:
            return _interview_page(request, session, interview_id, platform.now(), errors=errors, values=values,
                                   status=code)  # fmt: skip
    flash(request, "问题已提交，审核后公开。" if pending else "问题已提交，欢迎为感兴趣的问题投票。")
    return see_other(f"/interviews/{interview_id}#questions")


@router.post("/interviews/{interview_id}/questions/{question_id}/vote", dependencies=[CsrfChecked])
def vote(request: Request, interview_id: PathId, question_id: PathId, platform: PlatformDep) -> Response:
    """One vote per browser and question, until the session ends."""
    try:
        platform.rate_limit(platform.stance_limits.per_hour, client_key(request, platform))
        with platform.write() as session:
            publishing.check_vote(session, interview_id, question_id, _voter(request, platform), platform.now())
        flash(request, "已投票。")
        request.session[VOTED_KEY] = [*_voted(request), question_id][-VOTED_MAX:]
    except (Conflict, RateLimited) as exc:
        flash(request, exc.message, "info")
    return see_other(f"/interviews/{interview_id}#q{question_id}")
