"""The demo shows supervised deadlines and the 回访 queue: the sweep at load escalates its overdue
cases, closes its old unrated replies and leaves a few recent ones waiting for a 回访."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from massline.models import Callback, Message, MessageEvent, User
from massline.platform import Platform
from massline.services import casework
from massline.services.demo import load_demo


@pytest.mark.slow  # loads the whole demo (~10 s)
def test_demo_load_sweeps_deadlines_and_fills_the_callback_queue(platform: Platform) -> None:
    report = load_demo(platform)
    assert report.sweep is not None
    assert report.sweep.escalated_head > 0 and report.sweep.escalated_centre > 0 and report.sweep.closed > 0
    with platform.read() as s:
        dispatcher = s.scalar(select(User).where(User.role == "dispatcher").limit(1))
        assert casework.escalated_queue(s, dispatcher).total > 0
        assert casework.callback_queue(s, dispatcher, platform.now()).total >= 2
        assert s.scalar(select(func.count()).select_from(Callback)) > 5  # old unrated cases closed by 回访
        auto = select(func.count()).where(MessageEvent.type == "closed", MessageEvent.note == casework.CLOSED_UNRATED)
        assert s.scalar(auto) > 0
        stats = casework.message_stats(s, dispatcher, casework.StatsFilters(days=90), platform.now())
        assert stats.followup.resolution_rate is not None and stats.followup.rating_satisfaction_rate is not None
        head = s.scalar(select(func.count()).where(Message.escalation_level == "head"))
        centre = s.scalar(select(func.count()).where(Message.escalation_level == "centre"))
    assert head + centre == report.sweep.escalated_head  # every overdue case went up at least to the head
