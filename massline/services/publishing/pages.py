"""What the public and an office's desk see of an office's online work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Clarification, Interview, Leader, Office, Post, PostComment, User
from massline.services.access import publishing_offices
from massline.services.errors import NotFound
from massline.services.publishing.clarifications import office_clarifications
from massline.services.publishing.comments import comments_to_handle
from massline.services.publishing.interviews import OpenQuestion, office_interviews, open_questions
from massline.services.publishing.posts import office_posts


@dataclass(frozen=True)
class OfficePage:
    """An office's public page: its leaders, posts, clarifications and interviews."""

    office: Office
    leaders: list[Leader]
    posts: list[Post]
    clarifications: list[Clarification]
    interviews: list[Interview]


def office_page(session: Session, office_id: int) -> OfficePage:
    """The public page of office ``office_id``; NotFound for an unknown one."""
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound()
    return OfficePage(office, list(office.leaders), office_posts(session, office.id),
                      office_clarifications(session, office.id), office_interviews(session, office.id))  # fmt: skip


def speaking_offices(session: Session) -> list[Office]:
    """Offices with at least one post, clarification or interview (the portal's list), by name."""
    ids = select(Post.office_id).union(select(Clarification.office_id), select(Interview.office_id))
    return list(session.scalars(select(Office).where(Office.id.in_(ids)).order_by(Office.name)))


@dataclass(frozen=True)
class Desk:
    """An official's publishing desk: the offices they speak for and what waits for them."""

    offices: list[Office]
    comments: list[PostComment]
    open_questions: list[OpenQuestion]
    posts: list[Post]
    interviews: list[Interview]


def publishing_desk(session: Session, user: User, now: datetime) -> Desk:
    """The desk of ``user``: comments to review or answer, interview questions past their session."""
    offices = publishing_offices(session, user)
    posts = [p for o in offices[:20] for p in office_posts(session, o.id, 10)]
    interviews = [i for o in offices[:20] for i in office_interviews(session, o.id, 5)]
    return Desk(offices, comments_to_handle(session, user), open_questions(session, user, now), posts, interviews)
