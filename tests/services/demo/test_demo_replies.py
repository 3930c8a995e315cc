"""The demo shows the reply desk with its data: every published reply's review stored (the dashboard's
reply quality is filled) and the reply waiting for the office head carries its scores."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from massline.models import Reply, ReplyReview, User
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
        assert replies.latest_review(s, pending) is not None
        admin = s.scalars(select(User).where(User.role == "admin")).first()
        assert admin is not None
        quality = replies.reply_quality(s, admin, platform.now())
        assert quality.offices and quality.months and quality.best and quality.weakest
