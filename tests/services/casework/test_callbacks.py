"""The 回访 queue and the citizen's answers on a real database: when a case enters the queue, what a
recorded callback does (close, reopen, tries), all or nothing, and the figures kept apart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from massline.models import Callback, Message, MessageEvent
from massline.platform import Platform
from massline.services import casework as cases
from massline.services.errors import Conflict, ValidationFailed
from tests.services.casework.test_deadlines import T0, _replied, _user

ANSWERED = {"reached": True, "resolved": "已解决", "satisfied": "基本满意", "note": "群众表示电梯已修好"}


def _call(p: Platform, mid: int, days: float = 4, **answers: object) -> None:
    with p.write() as s:
        req = cases.CallbackRequest(**(ANSWERED | answers))
        cases.act(s, _user(s, "disp"), mid, req, T0 + timedelta(days=days))


def _queue(p: Platform, days: float) -> list[int]:
    with p.read() as s:
        return [m.id for m in cases.callback_queue(s, _user(s, "disp"), T0 + timedelta(days=days)).items]


def test_unrated_replies_enter_the_queue_after_callback_after_days(deployed: Platform) -> None:
    mid, rated = _replied(deployed), _replied(deployed)
    with deployed.write() as s:
        cases.check_rate(s, s.get(Message, rated), 4, "", T0 + timedelta(days=1))
    assert _queue(deployed, 2.9) == []
    assert _queue(deployed, 3) == [mid]  # callback_after_days: 3; the rated one closed


def test_answers_are_stored_apart_and_close_the_case(deployed: Platform) -> None:
    mid = _replied(deployed)
    _call(deployed, mid)
    with deployed.read() as s:
        m = s.get(Message, mid)
        row = s.scalar(select(Callback).where(Callback.message_id == mid))
        assert (row.reached, row.resolved, row.satisfied, row.by.username) == (True, "已解决", "基本满意", "disp")
        assert row.reply_id == m.published_reply.id
        assert m.status == "closed" and m.events[-1].note == "回访办结（已解决，基本满意）"
        callback = next(e for e in m.events if e.type == "callback")
        assert not callback.is_public and callback.data == {"resolved": "已解决", "satisfied": "基本满意"}
    assert _queue(deployed, 4) == []
    with pytest.raises(Conflict):
        _call(deployed, mid, days=5)  # closed: no second callback


def test_unresolved_and_asked_again_reopens_to_the_office_head(deployed: Platform) -> None:
    mid = _replied(deployed)
    _call(deployed, mid, resolved="未解决", satisfied="不满意", redo=True, note="电梯又坏了")
    with deployed.read() as s:
        m = s.get(Message, mid)
        assert m.status == "reopened" and m.assignee.username == "jsj.head" and m.reopen_count == 1
        assert "电梯又坏了" in m.events[-1].note


def test_unreachable_tries_close_the_case_at_the_limit(deployed: Platform) -> None:
    mid = _replied(deployed)
    _call(deployed, mid, days=4, reached=False, resolved=None, satisfied=None, note="无人接听")
    _call(deployed, mid, days=4.5, reached=False, resolved=None, satisfied=None)
    with deployed.read() as s:
        assert s.get(Message, mid).status == "replied"
        assert cases.callback_tries(s, [mid]) == {mid: 2}
    _call(deployed, mid, days=5, reached=False, resolved=None, satisfied=None)  # callback_max_tries: 3
    with deployed.read() as s:
        m = s.get(Message, mid)
        assert m.status == "closed" and m.events[-1].note == "回访 3 次未能联系上群众，办结"
        assert [e.data["tries"] for e in m.events if e.type == "callback_unreachable"] == [1, 2, 3]


@pytest.mark.parametrize(("answers", "field"), [
    ({"resolved": None}, "resolved"),
    ({"satisfied": None}, "satisfied"),
    ({"redo": True}, "redo"),  # 已解决 and asked again
    ({"resolved": "未解决", "redo": True, "note": ""}, "note"),
])  # fmt: skip
def test_bad_answers_write_nothing(deployed: Platform, answers: dict, field: str) -> None:
    mid = _replied(deployed)
    with pytest.raises(ValidationFailed) as exc:
        _call(deployed, mid, **answers)
    assert field in exc.value.errors
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Callback)) == 0
        assert s.get(Message, mid).status == "replied"
        assert not s.scalars(select(MessageEvent).where(MessageEvent.type.like("callback%"))).all()


def test_only_dispatchers_record_callbacks(deployed: Platform) -> None:
    mid = _replied(deployed)
    with deployed.write() as s:
        assert "callback" in cases.allowed_case_actions(_user(s, "disp"), s.get(Message, mid))
        assert "callback" not in cases.allowed_case_actions(_user(s, "jsj.a"), s.get(Message, mid))


def test_resolution_and_satisfaction_are_separate_figures(deployed: Platform) -> None:
    solved, unsolved, rated = _replied(deployed), _replied(deployed), _replied(deployed)
    _call(deployed, solved, resolved="已解决", satisfied="满意")
    _call(deployed, unsolved, resolved="部分解决", satisfied="满意")
    with deployed.write() as s:
        cases.check_rate(s, s.get(Message, rated), 2, "", T0 + timedelta(days=1))
    with deployed.read() as s:
        stats = cases.message_stats(s, _user(s, "disp"), cases.StatsFilters(days=30), T0 + timedelta(days=5))
    f = stats.followup
    assert (f.callbacks, f.resolved, f.partly_resolved, f.ratings) == (2, 1, 1, 1)
    assert (f.resolution_rate, f.callback_satisfaction_rate, f.rating_satisfaction_rate) == (50.0, 100.0, 0.0)
