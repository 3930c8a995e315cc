"""Posts (发布): an office's or leader's policy explanations, answers to common questions and notices.

An edit keeps the text it replaces as a ``PostRevision`` (who, when), shown on the post's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import POST_KINDS, Leader, Office, Post, PostRevision, User
from massline.services.access import access_office_for_publishing, access_post_for_edit
from massline.services.publishing.checks import BODY_MAX, TITLE_MAX, raise_if, text_field


@dataclass(frozen=True)
class PostInput:
    """A post as an official typed it (``leader_id``: published under a leader's name, 0 for the office)."""

    kind: str = ""
    title: str = ""
    body: str = ""
    leader_id: int = 0


def leader_of(session: Session, office: Office, leader_id: int, errors: dict[str, str]) -> Leader | None:
    """The office's leader ``leader_id`` (None for 0), or an error under ``leader_id``."""
    if not leader_id:
        return None
    leader = session.get(Leader, leader_id)
    if leader is None or leader.office_id != office.id:
        errors["leader_id"] = "署名领导不是本单位的领导"
        return None
    return leader


def check_publish_post(session: Session, user: User, office_id: int, data: PostInput, now: datetime) -> Post:
    """Publish a post of office ``office_id`` (which ``user`` speaks for), at once and public."""
    office = access_office_for_publishing(session, user, office_id)
    errors: dict[str, str] = {}
    if data.kind not in POST_KINDS:
        errors["kind"] = "请选择发布类型（" + "、".join(POST_KINDS.values()) + "）"
    title = text_field(errors, "title", "标题", data.title, low=2, high=TITLE_MAX)
    body = text_field(errors, "body", "正文", data.body, low=10, high=BODY_MAX)
    leader = leader_of(session, office, data.leader_id, errors)
    raise_if(errors)
    post = Post(office=office, leader=leader, author_id=user.id, kind=data.kind, title=title, body=body,
                published_at=now, updated_at=now)  # fmt: skip
    session.add(post)
    session.flush()
    return post


def check_edit_post(session: Session, user: User, post_id: int, title: str, body: str, now: datetime) -> Post:
    """Change a post's title and body; the text before is kept as a revision (shown with the post)."""
    post = access_post_for_edit(session, user, post_id)
    errors: dict[str, str] = {}
    new_title = text_field(errors, "title", "标题", title, low=2, high=TITLE_MAX)
    new_body = text_field(errors, "body", "正文", body, low=10, high=BODY_MAX)
    raise_if(errors)
    if (new_title, new_body) == (post.title, post.body):
        return post
    post.revisions.append(PostRevision(title=post.title, body=post.body, editor_id=user.id, edited_at=now))
    post.title, post.body, post.updated_at = new_title, new_body, now
    return post


def office_posts(session: Session, office_id: int, limit: int = 50) -> list[Post]:
    """The office's posts, newest first."""
    query = select(Post).where(Post.office_id == office_id).order_by(Post.published_at.desc(), Post.id.desc())
    return list(session.scalars(query.limit(limit)))
