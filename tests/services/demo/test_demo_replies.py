"""The demo shows the reply desk with its data: every published reply's review stored (the dashboard's
reply quality is filled) and the reply waiting for the office head carries its scores and, the demo
setting ``replies: min_score``, the reason it waits."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from massline.models import MessageEvent, Reply, ReplyReview, User
from massline.platform import Platform
from massline.services import replies
from massline.services.demo import load_demo


@pytest.mark.slow  # loads the whole demo
def test_the_demo_stores_the_reviews_of_its_replies(platform: Platform) -> None:
    load_demo(platform)
    with platform.read() as s:
        published = s.scalar(select(func.count()).select_from(Reply).where(Reply.status == "published"))
        reviewed = s.scalar(select(func.count()).select_from(ReplyReview).where(ReplyReview.stage == "published"))
        assert published and reviewed == published
        pending = s.scalars(select(Reply).where(Reply.status == "pending")).one()
        review = replies.latest_review(s, pending)
        assert review is not None and pending.approval_required
        # the demo's replies.min_score: the head sees why the reply waits, and its scores
        note = s.scalars(select(MessageEvent.note).where(MessageEvent.type == "reply_approval_required")).one()
        assert review.total < 0.5 and "低于本单位设定的 0.50" in (note or "")
        admin = s.scalars(select(User).where(User.role == "admin")).first()
        assert admin is not None
        quality = replies.reply_quality(s, admin, platform.now())
        assert quality.offices and quality.months and quality.best and quality.weakest
