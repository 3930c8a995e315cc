"""A post's thread: citizens' comments, reviewed like messages, and officials' answers.

A citizen's comment is checked like a message (``checks.citizen_text``: personal data redacted,
the automatic review findings, the deployment's pre- or post-moderation). Under pre-moderation it
is shown once an official of the office (or a moderator) publishes it; under post-moderation at
once, and the office can still withhold it. Officials' answers are shown at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import REVIEW_QUEUE, REVIEW_VISIBLE, Post, PostComment, User
from massline.services.access import access_comment_for_answer, publishing_offices
from massline.services.errors import Conflict, NotFound
from massline.services.publishing.checks import COMMENT_MAX, citizen_text, raise_if, text_field
from massline.services.publishing.posts import leader_of


def access_public_post(session: Session, post_id: int) -> Post:
    """A post (every post is public); otherwise NotFound."""
    post = session.get(Post, post_id)
    if post is None:
        raise NotFound()
    return post


def check_comment(session: Session, post_id: int, author_name: str, body: str, now: datetime) -> PostComment:
    """Add a citizen's comment to a post's thread (reviewed per the deployment's moderation)."""
    post = access_public_post(session, post_id)
    comment = PostComment(post=post, created_at=now, **citizen_text(session, author_name, body, label="评论内容"))
    session.add(comment)
    session.flush()
    return comment


def check_answer_comment(
    session: Session, user: User, comment_id: int, body: str, now: datetime, leader_id: int = 0
) -> PostComment:
    """An official answers a citizen's comment in the thread (shown at once; maybe under a leader's name)."""
    comment = access_comment_for_answer(session, user, comment_id)
    if comment.official_id is not None:
        raise Conflict("只能回复群众的评论")
    errors: dict[str, str] = {}
    text = text_field(errors, "body", "回复内容", body, low=2, high=COMMENT_MAX)
    leader = leader_of(session, comment.post.office, leader_id, errors)
    raise_if(errors)
    if comment.review_state not in REVIEW_VISIBLE:
        comment.review_state = "published"  # answering a comment publishes it
    answer = PostComment(
        post=comment.post, answers_id=comment.id, official_id=user.id, office_id=comment.post.office_id,
        leader_id=leader.id if leader else None, author_name=leader.title if leader else comment.post.office.name,
        public_body=text, review_state="published", created_at=now,
    )  # fmt: skip
    session.add(answer)
    session.flush()
    return answer


def do_review_comment(session: Session, user: User, comment_id: int, publish: bool) -> PostComment:
    """Publish or withhold a citizen's comment (an official of the post's office)."""
    comment = access_comment_for_answer(session, user, comment_id)
    if comment.official_id is not None:
        raise Conflict("只能审核群众的评论")
    comment.review_state = "published" if publish else "withheld"
    return comment


@dataclass(frozen=True)
class ThreadEntry:
    """One shown entry of a thread, with the answers to it."""

    comment: PostComment
    answers: list[PostComment]


def public_thread(session: Session, post_id: int) -> list[ThreadEntry]:
    """The shown comments of a post, oldest first, each with the officials' answers to it."""
    rows = session.scalars(
        select(PostComment)
        .where(PostComment.post_id == post_id, PostComment.review_state.in_(REVIEW_VISIBLE))
        .order_by(PostComment.created_at, PostComment.id)
    ).all()
    answers: dict[int, list[PostComment]] = {}
    for row in rows:
        if row.answers_id is not None:
            answers.setdefault(row.answers_id, []).append(row)
    return [ThreadEntry(r, answers.get(r.id, [])) for r in rows if r.official_id is None]


def comments_to_handle(session: Session, user: User, limit: int = 100) -> list[PostComment]:
    """Citizens' comments on posts of offices ``user`` speaks for that wait for review or an answer,
    those waiting for review first, then the oldest."""
    offices = [o.id for o in publishing_offices(session, user)]
    answered = select(PostComment.answers_id).where(PostComment.answers_id.is_not(None))
    rows = session.scalars(
        select(PostComment).join(Post, Post.id == PostComment.post_id)
        .where(Post.office_id.in_(offices), PostComment.official_id.is_(None), PostComment.review_state != "withheld",
               PostComment.id.not_in(answered))  # fmt: skip
        .order_by(PostComment.created_at)
        .limit(limit * 4)
    ).all()
    return sorted(rows, key=lambda c: (c.review_state not in REVIEW_QUEUE, c.created_at))[:limit]
