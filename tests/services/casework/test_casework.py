"""Casework rules on a real database: states, deadlines, routing, atomicity, lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from massline.models import Message, MessageEvent, MessageSearch, User
from massline.platform import Platform
from massline.services.casework import actions as casework
from massline.services.casework import feedback
from massline.services.errors import Conflict, ValidationFailed
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.people import Passwords, accounts
from tests.conftest import PASSWORD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _user(s, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def _submit(p: Platform, **kw: object) -> int:
    data = {"title": "解放街道幸福小区电梯坏了", "body": "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。", "kind": "投诉",
            "region": "cs-xc-jf", "category": "城乡建设"} | kw
    with p.write() as s:
        return check_submit(s, p.cipher, MessageInput(**data), T0).message.id  # type: ignore[arg-type]


def test_deadline_rules_most_specific_wins(deployed: Platform) -> None:
    building = _submit(deployed)  # category rule: 20 days
    question = _submit(deployed, kind="咨询", category="劳动和社会保障", region="cs")  # kind rule: 5 days
    other = _submit(deployed, kind="求助", category="教育文体", region="cs")  # default: 15 days
    with deployed.read() as s:
        due = {m.id: m.due_at - T0 for m in s.scalars(select(Message))}
    assert due == {building: timedelta(days=20), question: timedelta(days=5), other: timedelta(days=15)}


def test_routing_prefers_the_most_specific_region(deployed: Platform) -> None:
    district = _submit(deployed, region="cs-dc-hp-yg")  # 东城区 general office beats the city bureau
    city = _submit(deployed, region="cs-xc-jf")  # no district office in 西城: the city bureau
    addressed = _submit(deployed, region="cs-xc-jf", addressee_office="cs-jyj")
    with deployed.read() as s:
        offices = {m.id: m.office.code for m in s.scalars(select(Message))}
    assert offices == {district: "cs-dc-gov", city: "cs-jsj", addressed: "cs-jyj"}


def test_state_rules(deployed: Platform) -> None:
    mid = _submit(deployed)
    with deployed.write() as s:
        official, m = _user(s, "jsj.a"), s.get(Message, mid)
        with pytest.raises(Conflict):
            casework.check_draft_reply(s, official, m, "还没签收就答复，不应允许。", T0)
        with pytest.raises(Conflict):
            casework.do_close(s, official, m, T0)
        casework.do_accept(s, official, m, T0)
        with pytest.raises(Conflict):
            casework.do_publish_reply(s, official, m, T0)  # nothing drafted
        with pytest.raises(ValidationFailed) as err:
            casework.check_draft_reply(s, official, m, "太短", T0)
        assert "body" in err.value.errors
        with pytest.raises(ValidationFailed) as err:
            casework.do_transfer(s, official, m, "cs-rsj", "", T0)
        assert "reason" in err.value.errors
        with pytest.raises(ValidationFailed):
            casework.do_assign(s, official, m, _user(s, "rsj.a").id, T0)  # not a colleague
        casework.do_assign(s, official, m, _user(s, "jsj.b").id, T0)
        assert m.assignee.username == "jsj.b"


def test_reject_shows_reason_to_citizen(deployed: Platform) -> None:
    mid = _submit(deployed)
    with deployed.write() as s:
        m = s.get(Message, mid)
        casework.do_reject(s, _user(s, "jsj.a"), m, "该问题已进入司法程序，本单位不予受理", T0)
    from massline.services.casework.publish import public_message

    with deployed.read() as s:
        view = public_message(s.get(Message, mid), with_history=True)
    assert view.status_label == "不予受理" and "司法程序" in (view.reject_reason or "")
    assert view.history[-1].note and "司法程序" in view.history[-1].note


def test_repeated_reopen_escalates(deployed: Platform) -> None:
    mid = _submit(deployed)
    for round_ in range(2):
        with deployed.write() as s:
            official, m = _user(s, "jsj.a"), s.get(Message, mid)
            casework.do_accept(s, official, m, T0)
            casework.check_draft_reply(s, official, m, f"第{round_ + 1}次答复：已安排维保单位维修。", T0)
            casework.do_publish_reply(s, official, m, T0)
            feedback.check_rate(s, m, 1, "还是没修好", T0)
            feedback.check_reopen(s, m, "电梯还是坏的", T0, escalate_after=2)
    with deployed.read() as s:
        m = s.get(Message, mid)
        assert m.status == "reopened" and m.reopen_count == 2 and m.escalated
        assert [e.type for e in m.events][-2:] == ["reopened", "escalated"]
    with deployed.write() as s, pytest.raises(Conflict):
        feedback.check_rate(s, s.get(Message, mid), 3, "", T0)  # nothing new to rate


def test_a_failure_midway_leaves_nothing_behind(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    import massline.services.intake.submit as intake

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "write_events", boom)  # after the message
    with pytest.raises(RuntimeError):
        _submit(deployed)
    with deployed.read() as s:
        for model in (Message, MessageEvent, MessageSearch):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_failed_logins_throttle_the_address_and_username_not_the_account(deployed: Platform) -> None:
    now, failures = T0, deployed.login_failures
    for _ in range(5):
        with deployed.write() as s:
            r = accounts.check_login(s, "jsj.a", "wrong-password-9", now, address="10.0.0.9", failures=failures)
            assert r.user is None and not r.throttled
    with deployed.write() as s:  # that address is throttled for that username, right password or not ...
        throttled = accounts.check_login(s, "jsj.a", PASSWORD, now, address="10.0.0.9", failures=failures)
    assert throttled.user is None and throttled.throttled
    with deployed.write() as s:  # ... but the owner, from another address, logs in: nobody can lock them out
        assert accounts.check_login(s, "jsj.a", PASSWORD, now, address="10.0.0.1", failures=failures).user
    with deployed.write() as s:
        later = accounts.check_login(s, "jsj.a", PASSWORD, now + timedelta(minutes=31), address="10.0.0.9",
                                     failures=failures)  # fmt: skip
    assert later.user is not None


def test_unknown_user_and_existing_user_answer_alike(deployed: Platform) -> None:
    def attempts(username: str) -> list[tuple[str, bool]]:
        out = []
        for _ in range(7):
            with deployed.write() as s:
                r = accounts.check_login(s, username, "wrong-password-9", T0, address="10.0.0.7",
                                         failures=deployed.login_failures)  # fmt: skip
            out.append((r.error, r.throttled))
        return out

    assert attempts("jsj.a") == attempts("nobody.here")  # same messages, throttled at the same attempt
    assert attempts("jsj.a")[-1] == (accounts.THROTTLED, True)


def test_unknown_locked_and_wrong_password_cost_the_same(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[str] = []
    monkeypatch.setattr(Passwords, "verify", lambda self, h, p: checks.append("verify") or False)
    cases = [("jsj.a", "10.0.0.5"), ("nobody.here", "10.0.0.5")] * 3 + [("jsj.a", "10.0.0.5")] * 3
    for username, address in cases:
        before = len(checks)
        with deployed.write() as s:
            accounts.check_login(s, username, "wrong-password-9", T0, address=address,
                                 failures=deployed.login_failures)  # fmt: skip
        assert len(checks) == before + 1  # one argon2 check, whatever the case (throttled ones included)


def test_password_reset_invalidates_tokens(deployed: Platform) -> None:
    from massline.services.errors import NotFound
    from massline.services.people.accounts import check_reset_password, user_for_token

    with deployed.read() as s:
        user = _user(s, "jsj.a")
        uid, version = user.id, user.token_version
    with deployed.write() as s:
        check_reset_password(s, "jsj.a", "Another-password-42")
    with deployed.read() as s, pytest.raises(NotFound):
        user_for_token(s, uid, version)


def test_weak_passwords_refused(deployed: Platform) -> None:
    with deployed.write() as s, pytest.raises(ValidationFailed) as err:
        accounts.check_add_user(s, "new.one", "新人", "official", office_code="cs-jsj", password="12345")
    assert "password" in err.value.errors


def test_passwords_are_argon2_hashes(deployed: Platform) -> None:
    with deployed.read() as s:
        hashes = s.scalars(select(User.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(PASSWORD in h for h in hashes)


def test_contact_is_encrypted_at_rest(deployed: Platform) -> None:
    mid = _submit(deployed, contact_phone="13900001111")
    with deployed.read() as s:
        raw = s.get(Message, mid).contact_encrypted
    assert raw and b"13900001111" not in raw
    assert deployed.cipher.decrypt(raw) == "13900001111"


def test_public_stats_count_public_messages_and_answers(deployed: Platform) -> None:
    from massline.services.casework.board import public_stats

    answered = _submit(deployed)
    _submit(deployed, title="另一条公开留言")
    _submit(deployed, title="不公开的留言", is_public=False)
    with deployed.write() as s:
        official, m = _user(s, "jsj.a"), s.get(Message, answered)
        casework.do_accept(s, official, m, T0)
        casework.check_draft_reply(s, official, m, "已联系物业，电梯本周内修复。", T0)
        casework.do_publish_reply(s, official, m, T0)
    with deployed.read() as s:
        stats = public_stats(s)
    assert (stats.total, stats.answered, stats.answer_rate) == (2, 1, 50)
