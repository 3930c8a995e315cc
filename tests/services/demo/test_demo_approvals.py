"""The demo shows the approvals and oversight at work: a reply waiting for the office head, transfer and
extension requests for the dispatch centre, a 督办 with a leader's 批示 (real database, the whole demo)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from massline.models import Message, MessageEvent, User
from massline.platform import Platform
from massline.services import casework
from massline.services.demo import load_demo
from massline.services.policy import casework_policy


@pytest.mark.slow  # loads the whole demo
def test_the_demo_stages_pending_approvals_and_a_supervised_case(platform: Platform) -> None:
    report = load_demo(platform)
    assert report.staged == ["reply", "extension", "transfer", "supervise", "urge"]
    with platform.read() as s:
        policy = casework_policy(s)
        assert policy.reply_approval and policy.centre_approves_transfers and policy.centre_approves_extensions
        dispatcher = s.scalar(select(User).where(User.username == "wang.dispatch"))
        assert dispatcher is not None
        waiting = casework.centre_requests(s, dispatcher)
        assert len(waiting.transfers) == 1 and len(waiting.extensions) == 1
        heads = s.scalars(select(User).where(User.role == "office_head")).all()
        assert sum(len(casework.pending_reply_cases(s, h)) for h in heads) == 1
        supervised = s.scalars(select(MessageEvent).where(MessageEvent.type == "supervised")).all()
        assert len(supervised) == 1 and "三日内" in supervised[0].data["instruction"]
        message = s.get(Message, supervised[0].message_id)
        assert message is not None and message.escalated and message.status == "accepted"
        assert casework.attention(message) == "reopened"  # first in the handling office's inbox
