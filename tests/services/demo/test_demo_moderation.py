"""The demo reviews before publishing (``casework: moderation: pre``): its history loads as reviewed and
public, a few messages wait in the moderation queue with the checks' findings, and a citizen's new message
waits for review."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from massline.models import Message, User
from massline.platform import Platform
from massline.services import casework
from massline.services.demo import load_demo
from massline.services.intake import MessageInput, check_submit
from massline.services.policy import casework_policy


@pytest.mark.slow  # loads the whole demo (~13 s)
def test_demo_history_is_reviewed_and_new_messages_wait_for_review(platform: Platform) -> None:
    load_demo(platform)
    with platform.write() as s:
        assert casework_policy(s).moderation == "pre"
        states = dict(s.execute(select(Message.review_state, func.count()).group_by(Message.review_state)).all())
        assert states["pending"] == 3 and states["published"] > 300  # the board is not empty
        assert casework.public_board(s, casework.Filters()).total > 200
        new = check_submit(s, platform.cipher, MessageInput(title="路灯坏了", body="滨江路的路灯坏了一个星期，晚上很黑。",
                                                            kind="投诉"), platform.now())  # fmt: skip
        assert s.get(Message, new.id).review_state == "pending"  # type: ignore[union-attr]
        dispatcher = s.scalar(select(User).where(User.role == "dispatcher").limit(1))
        assert dispatcher is not None
        queue = casework.review_queue(s, dispatcher)
        assert len(queue) == 4
        found = {(f.kind, f.text) for item in queue for f in item.findings}
        assert {("name", "王建国"), ("abuse", "狗官"), ("threat", "同归于尽"), ("address", "6栋2单元502室")} <= found
