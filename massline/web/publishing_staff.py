"""The officials' publishing desk under ``/staff/publishing``: posts, thread answers and review,
clarifications, online interviews (scheduling, the live answer desk, the open-question deadlines)
and the silent-account list.

Who may speak for which office is ``services.access`` (``can_publish_for``), checked by the
publishing services; the silent list by ``access.can_see_silent_list``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from massline.models import POST_KINDS, User
from massline.platform import Platform
from massline.services import publishing
from massline.services.access import access_post_for_edit, can_see_silent_list, require
from massline.services.deployment import deployment_zone
from massline.services.errors import Conflict, ValidationFailed
from massline.web.deps import CsrfChecked, CurrentOfficial, PlatformDep, SessionDep, actor_in, see_other
from massline.web.ids import PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff/publishing", include_in_schema=False)
Text = Annotated[str, Form()]




def _actor_id(session: Session, user_id: int) -> User:
    actor = session.get(User, user_id)
    assert actor is not None
    return actor


def _int(value: str) -> int:
    return int(value) if value.strip().isdigit() and len(value.strip()) < 10 else 0


def _desk(
    request: Request, session: Session, user: User, now: datetime, *, errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None, form: str = "", status: int = 200,
) -> Response:  # fmt: skip
    desk = publishing.publishing_desk(session, user, now)
    return render(request, "staff/publishing.html", {
        "user": user, "nav": "publishing", "desk": desk, "kinds": POST_KINDS, "now": now,
        "errors": errors or {}, "values": values or {}, "form": form, "can_see_silent": can_see_silent_list(user),
    }, status_code=status)  # fmt: skip


@router.get("", response_class=HTMLResponse)
def desk(request: Request, user: CurrentOfficial, platform: PlatformDep, session: SessionDep) -> Response:
    """The desk: new post, clarification and interview; comments and questions waiting for the office."""
    return _desk(request, session, user, platform.now())


def _failed(request: Request, platform: Platform, user_id: int, exc: ValidationFailed, values: dict[str, str],
            form: str) -> Response:  # fmt: skip
    with platform.read() as session:
        actor = _actor_id(session, user_id)
        return _desk(request, session, actor, platform.now(), errors=exc.errors, values=values, form=form, status=422)


@router.post("/posts", dependencies=[CsrfChecked])
def new_post(
    request: Request, user: CurrentOfficial, platform: PlatformDep, office_id: Text = "", leader_id: Text = "",
    kind: Text = "", title: Text = "", body: Text = "",
) -> Response:  # fmt: skip
    """Publish a post for an office the official speaks for."""
    values = {"office_id": office_id, "leader_id": leader_id, "kind": kind, "title": title, "body": body}
    data = publishing.PostInput(kind=kind, title=title, body=body, leader_id=_int(leader_id))
    try:
        with platform.write() as session:
            actor = actor_in(session, user)
            post = publishing.check_publish_post(session, actor, _int(office_id), data, platform.now())
            post_id = post.id
    except ValidationFailed as exc:
        return _failed(request, platform, user.id, exc, values, "post")
    flash(request, "已发布。")
    return see_other(f"/posts/{post_id}")


@router.get("/posts/{post_id}", response_class=HTMLResponse)
def edit_form(request: Request, post_id: PathId, user: CurrentOfficial, session: SessionDep) -> Response:
    """The edit form of a post (the earlier texts are kept and shown with the post)."""
    post = access_post_for_edit(session, user, post_id)
    return render(request, "staff/post_edit.html", {"user": user, "nav": "publishing", "post": post, "errors": {}})


@router.post("/posts/{post_id}", dependencies=[CsrfChecked])
def edit(
    request: Request, post_id: PathId, user: CurrentOfficial, platform: PlatformDep, title: Text = "", body: Text = ""
) -> Response:
    """Save an edit of a post."""
    try:
        with platform.write() as session:
            publishing.check_edit_post(session, actor_in(session, user), post_id, title, body, platform.now())
    except ValidationFailed as exc:
        with platform.read() as session:
            post = access_post_for_edit(session, actor_in(session, user), post_id)
            return render(request, "staff/post_edit.html", {
                "user": user, "nav": "publishing", "post": post, "errors": exc.errors,
                "values": {"title": title, "body": body},
            }, status_code=422)  # fmt: skip
    flash(request, "已保存修改，原文保留在修改记录中。")
    return see_other(f"/posts/{post_id}")


@router.post("/comments/{comment_id}/answer", dependencies=[CsrfChecked])
def answer_comment(
    request: Request, comment_id: PathId, user: CurrentOfficial, platform: PlatformDep, body: Text = "",
    leader_id: Text = "",
) -> Response:  # fmt: skip
    """Answer a citizen's comment in the thread."""
    try:
        with platform.write() as session:
            answer = publishing.check_answer_comment(session, actor_in(session, user), comment_id, body, platform.now(),
                                                     _int(leader_id))  # fmt: skip
            post_id = answer.post_id
    except (ValidationFailed, Conflict) as exc:
        flash(request, exc.message, "error")
        return see_other("/staff/publishing#comments")
    flash(request, "回复已公开。")
    return see_other(f"/posts/{post_id}#thread")


@router.post("/comments/{comment_id}/review", dependencies=[CsrfChecked])
def review_comment(
    request: Request, comment_id: PathId, user: CurrentOfficial, platform: PlatformDep, decision: Text = ""
) -> Response:
    """Publish or withhold a citizen's comment."""
    try:
        with platform.write() as session:
            publishing.do_review_comment(session, actor_in(session, user), comment_id, decision == "publish")
    except Conflict as exc:
        flash(request, exc.message, "error")
        return see_other("/staff/publishing#comments")
    flash(request, "评论已公开。" if decision == "publish" else "评论不予公开。")
    return see_other("/staff/publishing#comments")


@router.post("/clarifications", dependencies=[CsrfChecked])
def new_clarification(
    request: Request, user: CurrentOfficial, platform: PlatformDep, office_id: Text = "", issue_id: Text = "",
    title: Text = "", claim: Text = "", facts: Text = "", evidence: Text = "", signed_by: Text = "",
) -> Response:  # fmt: skip
    """Publish a clarification; on an issue, every message of it is told (and its citizens notified)."""
    values = {"office_id": office_id, "issue_id": issue_id, "title": title, "claim": claim, "facts": facts,
              "evidence": evidence, "signed_by": signed_by}  # fmt: skip
    data = publishing.ClarificationInput(title=title, claim=claim, facts=facts, evidence=evidence,
                                         signed_by=signed_by, issue_id=_int(issue_id))  # fmt: skip
    try:
        with platform.write() as session:
            item = publishing.check_publish_clarification(session, actor_in(session, user), _int(office_id), data,
                                                          platform.now())  # fmt: skip
            item_id = item.id
    except ValidationFailed as exc:
        return _failed(request, platform, user.id, exc, values, "clarification")
    flash(request, "澄清说明已发布。")
    return see_other(f"/clarifications/{item_id}")


def _local(session: Session, typed: str) -> datetime | None:
    try:
        return datetime.fromisoformat(typed.strip()).replace(tzinfo=deployment_zone(session))
    except ValueError:
        return None


@router.post("/interviews", dependencies=[CsrfChecked])
def new_interview(
    request: Request, user: CurrentOfficial, platform: PlatformDep, office_id: Text = "", leader_id: Text = "",
    title: Text = "", intro: Text = "", starts_at: Text = "", ends_at: Text = "",
) -> Response:  # fmt: skip
    """Schedule an online interview (times in the deployment's zone)."""
    values = {"office_id": office_id, "leader_id": leader_id, "title": title, "intro": intro,
              "starts_at": starts_at, "ends_at": ends_at}  # fmt: skip
    try:
        with platform.write() as session:
            data = publishing.InterviewInput(title=title, intro=intro, starts_at=_local(session, starts_at),
                                             ends_at=_local(session, ends_at), leader_id=_int(leader_id))  # fmt: skip
            item = publishing.check_schedule_interview(session, actor_in(session, user), _int(office_id), data)
            item_id = item.id
    except ValidationFailed as exc:
        return _failed(request, platform, user.id, exc, values, "interview")
    flash(request, "在线访谈已安排，群众现在可以提问和投票。")
    return see_other(f"/staff/publishing/interviews/{item_id}")


@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
def interview_desk(
    request: Request, interview_id: PathId, user: CurrentOfficial, platform: PlatformDep, session: SessionDep
) -> Response:
    """The live answer desk of an interview: questions by votes, to review and answer."""
    interview, questions = publishing.interview_desk(session, user, interview_id)
    return render(request, "staff/interview_desk.html", {
        "user": user, "nav": "publishing", "i": interview, "questions": questions,
        "phase": publishing.phase(interview, platform.now()),
    })  # fmt: skip


@router.post("/questions/{question_id}/answer", dependencies=[CsrfChecked])
def answer_question(
    request: Request, question_id: PathId, user: CurrentOfficial, platform: PlatformDep, answer: Text = ""
) -> Response:
    """Answer a question (live, or after the session within its deadline)."""
    try:
        with platform.write() as session:
            notice = publishing.AnswerNotice(platform.cipher, platform.links.site, platform.links.base_url)
            question = publishing.check_answer_question(session, actor_in(session, user), question_id, answer,
                                                        platform.now(), notice)  # fmt: skip
            interview_id = question.interview_id
    except ValidationFailed as exc:
        flash(request, exc.message, "error")
        return see_other("/staff/publishing#questions")
    flash(request, "回答已公开。")
    return see_other(f"/staff/publishing/interviews/{interview_id}#q{question_id}")


@router.post("/questions/{question_id}/review", dependencies=[CsrfChecked])
def review_question(
    request: Request, question_id: PathId, user: CurrentOfficial, platform: PlatformDep, decision: Text = ""
) -> Response:
    """Publish or withhold a citizen's question."""
    with platform.write() as session:
        question = publishing.do_review_question(session, actor_in(session, user), question_id, decision == "publish")
        interview_id = question.interview_id
    flash(request, "问题已公开。" if decision == "publish" else "问题不予公开。")
    return see_other(f"/staff/publishing/interviews/{interview_id}")


@router.get("/silent", response_class=HTMLResponse)
def silent(request: Request, user: CurrentOfficial, platform: PlatformDep, session: SessionDep) -> Response:
    """The silent-account list: offices and leaders without online activity in the period."""
    require(can_see_silent_list(user))
    days, rows = publishing.silent_accounts(session, user, platform.now())
    return render(request, "staff/silent.html", {"user": user, "nav": "publishing", "days": days, "rows": rows})
