"""The demo shows offices speaking online: two posts (one with an answered comment), a clarification on
the 锦绣华庭 issue linked from its messages, and a past interview with one question left to answer; the
analysis worker keeps the issue (real database, the whole demo)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from massline.models import Clarification, InterviewQuestion, Issue, Message, MessageEvent, Post, PostComment, User
from massline.platform import Platform
from massline.services import publishing
from massline.services.demo import load_demo
from massline.worker import Worker


@pytest.mark.slow  # loads the whole demo
def test_the_demo_speaks_online(platform: Platform) -> None:
    report = load_demo(platform)
    assert report.speaking == ["posts", "clarification on an issue", "interview"]
    with platform.read() as s:
        assert len(s.scalars(select(Post)).all()) == 2 and len(s.scalars(select(PostComment)).all()) == 2
        clarification = s.scalars(select(Clarification)).one()
        members = s.scalars(select(Message.id).where(Message.issue_id == clarification.issue_id)).all()
        told = s.scalars(select(MessageEvent.message_id).where(MessageEvent.type == "clarified")).all()
        assert len(members) >= 2 and sorted(told) == sorted(members)
        questions = s.scalars(select(InterviewQuestion)).all()
        assert sum(q.answer is None for q in questions) == 1
        leader = s.scalar(select(User).where(User.username == "he.lixin"))
        assert leader is not None and len(publishing.publishing_desk(s, leader, platform.now()).open_questions) == 1
    Worker(platform).run_once()
    with platform.read() as s:
        issue = s.get(Issue, clarification.issue_id)
        assert issue is not None and issue.status == "owned" and issue.message_count == len(members)
        assert sorted(s.scalars(select(Message.id).where(Message.issue_id == issue.id)).all()) == sorted(members)
