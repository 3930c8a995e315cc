"""Who may publish for an office (posts, answers, clarifications, interviews) and see the silent list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Interview, InterviewQuestion, Office, Post, PostComment, Region, User
from massline.services.access.messages import OFFICE_ROLES, _region_path
from massline.services.errors import NotFound

#: who sees the silent-account list: office heads (their own office), supervisors and admins (all)
SILENT_LIST_ROLES = ("office_head", "supervisor", "admin")


def can_publish_for(session: Session, user: User, office: Office) -> bool:
    """True when ``user`` may speak for ``office``: its own staff, a leader whose region holds the
    office's region, an admin."""
    if not user.is_active:
        return False
    if user.role == "admin":
        return True
    if user.role in OFFICE_ROLES:
        return user.office_id == office.id
    if user.role != "leader":
        return False
    path = _region_path(session, user.region_id)
    office_path = session.scalar(select(Region.path).where(Region.id == office.region_id))
    return path is not None and office_path is not None and office_path.startswith(path)


def publishing_offices(session: Session, user: User) -> list[Office]:
    """The offices ``user`` may speak for, by name."""
    offices = session.scalars(select(Office).order_by(Office.name)).all()
    return [o for o in offices if can_publish_for(session, user, o)]


def _for(session: Session, user: User, office_id: int) -> Office:
    office = session.get(Office, office_id)
    if office is None or not can_publish_for(session, user, office):
        raise NotFound()
    return office


def access_office_for_publishing(session: Session, user: User, office_id: int) -> Office:
    """The office, if ``user`` may speak for it; otherwise NotFound."""
    return _for(session, user, office_id)


def access_post_for_edit(session: Session, user: User, post_id: int) -> Post:
    """A post ``user`` may edit (one of an office they speak for); otherwise NotFound."""
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound()
    _for(session, user, post.office_id)
    return post


def access_comment_for_answer(session: Session, user: User, comment_id: int) -> PostComment:
    """A comment in the thread of a post of an office ``user`` speaks for (to answer or review it)."""
    comment = session.get(PostComment, comment_id)
    if comment is None:
        raise NotFound()
    _for(session, user, comment.post.office_id)
    return comment


def access_interview_for_answer(session: Session, user: User, interview_id: int) -> Interview:
    """An interview of an office ``user`` speaks for; otherwise NotFound."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound()
    _for(session, user, interview.office_id)
    return interview


def access_question_for_answer(session: Session, user: User, question_id: int) -> InterviewQuestion:
    """A question of an interview of an office ``user`` speaks for (to answer or review it)."""
    question = session.get(InterviewQuestion, question_id)
    if question is None:
        raise NotFound()
    _for(session, user, question.interview.office_id)
    return question


def can_see_silent_list(user: User) -> bool:
    """True when ``user`` may read the silent-account list."""
    return user.is_active and user.role in SILENT_LIST_ROLES
