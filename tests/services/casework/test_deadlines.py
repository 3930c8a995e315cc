"""Supervised deadlines and closing on a real database, with a fixed clock: the sweep's reminders
and escalations (once per case and deadline, again after an extension), auto-close, the close rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from massline.models import Message, MessageEvent, SiteSetting, User
from massline.platform import Platform
from massline.services import casework as cases
from massline.services.casework import actions as casework
from massline.services.errors import Conflict, Forbidden
from massline.services.intake.submit import MessageInput, check_submit

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = T0 + timedelta(days=20)  # 城乡建设: 20 days in tests/data/mini.yaml


def _user(s, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def _submit(p: Platform, at: datetime = T0) -> int:
    data = MessageInput(title="解放街道幸福小区电梯坏了", body="幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。",
                        kind="投诉", region="cs-xc-jf", category="城乡建设")  # fmt: skip
    with p.write() as s:
        return check_submit(s, p.cipher, data, at).message.id


def _replied(p: Platform, at: datetime = T0) -> int:
    mid = _submit(p, at)
    with p.write() as s:
        clerk, m = _user(s, "jsj.a"), s.get(Message, mid)
        casework.do_accept(s, clerk, m, at)
        casework.check_draft_reply(s, clerk, m, "已安排维保单位维修，电梯已恢复运行。", at)
        casework.do_publish_reply(s, clerk, m, at)
    return mid


def _sweep(p: Platform, at: datetime) -> cases.SweepReport:
    with p.write() as s:
        return cases.sweep(s, at)


def _events(p: Platform, mid: int, type_: str) -> list[MessageEvent]:
    with p.read() as s:
        return list(s.scalars(select(MessageEvent).where(MessageEvent.message_id == mid, MessageEvent.type == type_)))


def _level(p: Platform, mid: int) -> str | None:
    with p.read() as s:
        return s.get(Message, mid).escalation_level


def test_reminder_then_head_then_centre_each_once(deployed: Platform) -> None:
    mid = _submit(deployed)
    assert _sweep(deployed, DUE - timedelta(hours=25)).reminded == 0  # remind_before_hours: 24
    assert _sweep(deployed, DUE - timedelta(hours=23)).reminded == 1
    assert _sweep(deployed, DUE - timedelta(hours=22)).reminded == 0  # once per deadline
    [reminded] = _events(deployed, mid, "reminded")
    assert not reminded.is_public and "抓紧办理" in (reminded.note or "")
    with deployed.read() as s:
        assert cases.reminded_ids(s, [mid]) == {mid}

    assert _sweep(deployed, DUE + timedelta(minutes=1)).escalated_head == 1  # escalate_to_head_after_hours: 0
    assert _level(deployed, mid) == "head"
    assert _sweep(deployed, DUE + timedelta(hours=47)) == cases.SweepReport()
    report = _sweep(deployed, DUE + timedelta(hours=48))  # escalate_to_centre_after_hours: 48
    assert (report.escalated_head, report.escalated_centre) == (0, 1)
    assert _sweep(deployed, DUE + timedelta(hours=49)) == cases.SweepReport()  # idempotent
    notes = [e.note for e in _events(deployed, mid, "escalated")]
    assert notes == ["逾期未办结，升级至单位负责人督办", "逾期未办结，升级至派单中心督办"]
    with deployed.read() as s:
        m = s.get(Message, mid)
        assert m.escalated and m.escalation_level == "centre" and cases.attention(m) == "escalated"
        assert [c.id for c in cases.escalated_queue(s, _user(s, "disp")).items] == [mid]
        with pytest.raises(Forbidden):
            cases.escalated_queue(s, _user(s, "jsj.head"))


def test_a_late_first_sweep_takes_every_due_step_once(deployed: Platform) -> None:
    mid = _submit(deployed)
    report = _sweep(deployed, DUE + timedelta(days=3))
    assert (report.reminded, report.escalated_head, report.escalated_centre) == (0, 1, 1)  # no reminder after the fact
    assert _level(deployed, mid) == "centre"


def test_an_approved_extension_starts_the_ladder_again(deployed: Platform) -> None:
    mid = _submit(deployed)
    late = DUE + timedelta(hours=50)
    _sweep(deployed, late)
    with deployed.write() as s:
        m = s.get(Message, mid)
        ext = casework.check_request_extension(s, _user(s, "jsj.a"), m, 5, "需要协调维保单位", late)
        casework.do_decide_extension(s, _user(s, "jsj.head"), ext, True, late)
    new_due = DUE + timedelta(days=5)
    assert _sweep(deployed, late) == cases.SweepReport()
    assert _level(deployed, mid) is None  # no longer overdue: out of the centre's list
    with deployed.read() as s:
        assert cases.escalated_queue(s, _user(s, "disp")).total == 0
        assert cases.reminded_ids(s, [mid]) == set()
    assert _sweep(deployed, new_due - timedelta(hours=2)).reminded == 1
    assert _sweep(deployed, new_due + timedelta(hours=1)).escalated_head == 1
    assert _level(deployed, mid) == "head"
    assert len(_events(deployed, mid, "escalated")) == 3


def test_closed_or_replied_cases_are_not_escalated(deployed: Platform) -> None:
    mid = _replied(deployed)
    assert _sweep(deployed, DUE + timedelta(hours=1)).escalated_head == 0
    assert _level(deployed, mid) is None


def test_a_replied_case_closes_by_rating_or_after_the_period(deployed: Platform) -> None:
    unrated, rated = _replied(deployed), _replied(deployed)
    with deployed.write() as s:
        m = s.get(Message, unrated)
        with pytest.raises(Conflict, match="群众评价答复后才能办结"):
            casework.do_close(s, _user(s, "jsj.a"), m, T0 + timedelta(days=1))
        cases.check_rate(s, s.get(Message, rated), 5, "", T0 + timedelta(hours=3))
    with deployed.read() as s:
        m = s.get(Message, rated)
        assert m.status == "closed" and m.events[-1].note == "群众已评价，办结"
    assert _sweep(deployed, T0 + timedelta(days=6, hours=23)).closed == 0
    assert _sweep(deployed, T0 + timedelta(days=7)).closed == 1  # close_after_days: 7
    assert _sweep(deployed, T0 + timedelta(days=8)).closed == 0
    [closed] = _events(deployed, unrated, "closed")
    assert closed.note == cases.CLOSED_UNRATED and closed.is_public and closed.actor_id is None


def test_an_official_may_close_when_the_period_has_passed(deployed: Platform) -> None:
    mid = _replied(deployed)
    with deployed.write() as s:
        casework.do_close(s, _user(s, "jsj.a"), s.get(Message, mid), T0 + timedelta(days=7))
        assert s.get(Message, mid).status == "closed"


def test_policy_without_auto_close(deployed: Platform) -> None:
    mid = _replied(deployed)
    with deployed.write() as s:
        s.merge(SiteSetting(key="casework_policy", value='{"close_after_days": 0, "remind_before_hours": 0}'))
    assert _sweep(deployed, T0 + timedelta(days=60)).closed == 0
    with deployed.write() as s:
        with pytest.raises(Conflict):
            casework.do_close(s, _user(s, "jsj.a"), s.get(Message, mid), T0 + timedelta(days=60))
    _submit(deployed)
    assert _sweep(deployed, DUE - timedelta(hours=1)).reminded == 0  # remind_before_hours: 0, no reminders


def test_the_worker_sweeps(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    from massline.worker import Worker

    mid = _submit(deployed)
    monkeypatch.setattr(deployed, "now", lambda: DUE + timedelta(hours=1))
    assert Worker(deployed).sweep_deadlines().escalated_head == 1
    assert _level(deployed, mid) == "head"


def test_sweep_in_chunks_takes_every_due_case_in_short_transactions(deployed: Platform) -> None:
    """Five overdue cases and two unrated replied ones, two per step and transaction: three transactions,
    every case escalated and closed once, as one unlimited sweep would."""
    overdue = [_submit(deployed) for _ in range(5)]
    replied = [_replied(deployed) for _ in range(2)]
    opened = []

    def transaction():
        opened.append(1)
        return deployed.write()

    late = DUE + timedelta(days=60)  # past both escalation steps and the closing period
    report = cases.sweep_in_chunks(transaction, late, chunk=2)
    assert (report.escalated_head, report.escalated_centre, report.closed, report.more) == (5, 5, 2, False)
    assert len(opened) == 3  # 2 + 2 + 1 cases per escalation step
    assert all(len(_events(deployed, mid, "escalated")) == 2 for mid in overdue)
    assert all(len(_events(deployed, mid, "closed")) == 1 for mid in replied)
    assert _sweep(deployed, late) == cases.SweepReport()  # nothing left for a later sweep


def test_a_limited_sweep_says_more_may_be_due(deployed: Platform) -> None:
    for _ in range(3):
        _submit(deployed)
    with deployed.write() as s:
        first = cases.sweep(s, DUE + timedelta(minutes=1), limit=2)
    assert (first.escalated_head, first.more) == (2, True)
    with deployed.write() as s:
        second = cases.sweep(s, DUE + timedelta(minutes=1), limit=2)
    assert (second.escalated_head, second.more) == (1, False)
