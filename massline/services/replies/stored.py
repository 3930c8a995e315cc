"""Reviews kept with the replies: each saved version of a draft and the reply as published get their
review stored (``ReplyReview``), and a draft scoring below the deployment's ``replies.min_score`` is
sent to the office head for approval (``casework.do_require_reply_approval``) even where the casework
policy's ``reply_approval`` is off. The review never publishes or blocks on its own.

The case actions go through :func:`act` / :func:`act_and_view` here (pages and API alike), which run
the casework action and then store the review, in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import Message, Reply, ReplyReview, User
from massline.services import casework
from massline.services.access import access_message_for_action
from massline.services.policy import replies_policy
from massline.services.replies.review import review_case_reply

#: the case actions after which a review is stored: saving a draft, publishing (directly or approved)
REVIEWED_ACTIONS = ("reply", "publish", "approve_reply")


def live_review(session: Session, user: User, message_id: int, text: str, now: datetime) -> dict[str, Any]:
    """The review of a draft as the official types (nothing stored): NotFound for a case the user may not
    read, Forbidden unless they answer it."""
    message = access_message_for_action(session, user, message_id, "review_reply")
    review = review_case_reply(session, message, text.strip(), now)
    review["min_score"] = replies_policy(session).min_score
    return review


def do_store_review(session: Session, message: Message, reply: Reply, stage: str, now: datetime) -> ReplyReview:
    """Store the review of ``reply`` (``stage`` draft or published) as its next version."""
    replied_at = reply.published_at or now
    scores = review_case_reply(session, message, reply.body, replied_at)
    version = session.scalar(select(func.max(ReplyReview.version)).where(ReplyReview.reply_id == reply.id)) or 0
    row = ReplyReview(reply_id=reply.id, message_id=message.id, office_id=reply.office_id, version=version + 1,
                      stage=stage, total=scores["total"], scores=scores, created_at=now)  # fmt: skip
    session.add(row)
    return row


def do_review_draft(session: Session, message: Message, now: datetime) -> ReplyReview | None:
    """Store the review of the saved draft and decide whether it needs the office head's approval
    (overall score below ``replies.min_score``)."""
    draft = casework.saved_draft(message)
    if draft is None:
        return None
    session.flush()  # the new draft's id
    row = do_store_review(session, message, draft, "draft", now)
    floor = replies_policy(session).min_score
    needed = floor is not None and row.total < floor
    reason = f"答复评分 {row.total:.2f}，低于本单位设定的 {floor:.2f}，须经单位负责人审核后发布" if needed else ""
    casework.do_require_reply_approval(session, message, draft, needed, reason, now)
    return row


def _after(session: Session, message_id: int, action: str, now: datetime) -> None:
    message = session.get(Message, message_id)
    if message is None or action not in REVIEWED_ACTIONS:
        return
    if action == "reply":
        do_review_draft(session, message, now)
    elif message.published_reply is not None:
        do_store_review(session, message, message.published_reply, "published", now)


def act(session: Session, user: User, message_id: int, request: casework.CaseRequest,
        now: datetime) -> casework.CaseResult:  # fmt: skip
    """``casework.act``, then the review of the reply saved or published (same transaction)."""
    result = casework.act(session, user, message_id, request, now)
    _after(session, message_id, request.action, now)
    return result


def act_and_view(
    session: Session, user: User, message_id: int, request: casework.CaseRequest, now: datetime
) -> tuple[casework.CaseResult, casework.CaseView]:
    """``casework.act_and_view`` with the review of :func:`act` (the view shows the approval it decided)."""
    if request.action not in REVIEWED_ACTIONS:
        return casework.act_and_view(session, user, message_id, request, now)
    result = act(session, user, message_id, request, now)
    session.flush()
    return result, casework.case_view(session, user, message_id)


def latest_review(session: Session, reply: Reply | None) -> ReplyReview | None:
    """The latest stored review of ``reply``."""
    if reply is None:
        return None
    stmt = select(ReplyReview).where(ReplyReview.reply_id == reply.id).order_by(ReplyReview.version.desc())
    return session.scalars(stmt.limit(1)).first()


def pending_review(session: Session, message: Message) -> dict[str, Any] | None:
    """The stored review of the case's reply waiting for the office head's approval (its scores
    when it was submitted, with ``min_score``), None when no reply waits or it has no review."""
    pending = next((r for r in message.replies if r.status == "pending"), None)
    stored = latest_review(session, pending)
    return stored.scores if stored is not None else None
