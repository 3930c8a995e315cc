"""Reading tolerance reviews: the list a viewer may see and one review with what the reviewer needs
(the linked case and reply, the names of those who decided, the pilot registrations covering the
case). Every read writes an audit row, so these run in a write transaction. Aggregate figures (no
names) in ``decision_counts``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Message, Reply, TolerancePilot, ToleranceReview, User
from massline.services import audit
from massline.services.access import access_review_by_id, allowed_review_actions, tolerance_scope
from massline.services.tolerance.pilots import covering_pilots


@dataclass
class ReviewView:
    """One review as its page shows it."""

    review: ToleranceReview
    message: Message | None
    reply: Reply | None
    names: dict[int, str]
    pilots: list[TolerancePilot]
    actions: list[str] = field(default_factory=list)


def list_reviews(session: Session, viewer: User) -> list[ToleranceReview]:
    """The reviews ``viewer`` may read (their own; every one for reviewers), newest first; audited."""
    query = select(ToleranceReview).where(tolerance_scope(viewer))
    reviews = list(session.scalars(query.order_by(ToleranceReview.opened_at.desc(), ToleranceReview.id.desc())))
    audit.record(session, viewer, "tolerance_listed", "tolerance_review", None, count=len(reviews))
    return reviews


def _case_time(review: ToleranceReview, message: Message | None, reply: Reply | None) -> datetime:
    if reply is not None:
        return reply.published_at or reply.created_at
    if message is not None:
        return message.created_at
    return review.opened_at


def view_review(session: Session, viewer: User, review_id: int) -> ReviewView:
    """The review ``viewer`` may read (else NotFound), audited, with the registrations covering its case."""
    review = access_review_by_id(session, viewer, review_id)
    message = session.get(Message, review.message_id) if review.message_id else None
    reply = session.get(Reply, review.reply_id) if review.reply_id else None
    ids = {i for i in (review.official_id, review.opened_by_id, review.decided_by_id,
                       review.appeal_decided_by_id) if i}  # fmt: skip
    names = {uid: name for uid, name in session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))}
    pilots = covering_pilots(session, review.official_id, _case_time(review, message, reply))
    audit.record(session, viewer, "tolerance_read", "tolerance_review", review.id)
    return ReviewView(review, message, reply, names, pilots, allowed_review_actions(viewer, review))


def decision_counts(session: Session, zone: tzinfo) -> dict[int, dict[str, int]]:
    """Decided reviews per year (of the decision, in the deployment's time zone) and decision in force:
    figures only, no names."""
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(ToleranceReview.decided_at, ToleranceReview.decision, ToleranceReview.appeal_decision)
        .where(ToleranceReview.decided_at.is_not(None))
    )  # fmt: skip
    for decided_at, decision, appeal_decision in rows:
        final = appeal_decision or decision
        if decided_at is None or final is None:
            continue
        year = decided_at.astimezone(zone).year
        counts.setdefault(year, {}).setdefault(final, 0)
        counts[year][final] += 1
    return dict(sorted(counts.items(), reverse=True))
