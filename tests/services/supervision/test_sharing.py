"""A handler who gets a key pair after a report was filed (a newcomer, or after a password reset dropped the
old pair) reads it once a current recipient has opened it: the report key is re-sealed to them, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from massline.models import AuditLog, Office, SupervisionRecipient, User
from massline.platform import Platform
from massline.services import supervision
from massline.services.errors import NotFound
from tests.supervision_helpers import PASSWORD, deploy_supervision, file, private_key, user


@pytest.fixture
def sup(platform: Platform) -> Platform:
    deploy_supervision(platform)
    return platform


def _newcomer(platform: Platform) -> int:
    with platform.write() as s:
        office = s.scalar(select(Office).where(Office.code == "cs-jw"))
        assert office is not None
        new = User(username="cs.jw3", display_name="新调入干部", role="official", office_id=office.id)
        s.add(new)
        s.flush()
        supervision.check_ensure_key(s, new, PASSWORD, platform.now())
        return new.id


def _open(platform: Platform, username: str, report_id: int, password: str = PASSWORD) -> str:
    with platform.write() as s:
        digest = f"test-{username}".ljust(64, "0")
        me = user(s, username)
        session_key = supervision.check_unlock(s, me, password, digest, platform.now(), 60)
        private = supervision.session_private_key(s, me, digest, session_key, platform.now())
        return supervision.check_open_report(s, me, report_id, private, "受理审查").body


def _shared(platform: Platform, report_id: int) -> list[dict[str, object]]:
    with platform.read() as s:
        return list(s.scalars(select(AuditLog.detail).where(AuditLog.action == "supervision_key_shared",
                                                            AuditLog.object_id == report_id).order_by(AuditLog.id)))


def test_a_newcomer_is_sealed_to_by_a_recipient_who_opens_the_report(sup: Platform) -> None:
    report_id, _ = file(sup)  # about cs-jsj: cs-jw handles, ts-jw is the escalation office
    newcomer = _newcomer(sup)
    with pytest.raises(NotFound):
        _open(sup, "cs.jw3", report_id)
    with sup.read() as s:
        assert report_id not in [r.id for r in supervision.reports_for(s, user(s, "cs.jw3"))]
    assert "好处费" in _open(sup, "cs.jw1", report_id)
    assert _shared(sup, report_id) == [{"to": newcomer, "role": "handler"}]
    assert "好处费" in _open(sup, "cs.jw3", report_id)
    _open(sup, "cs.jw1", report_id)  # shared once: nothing more to do
    assert len(_shared(sup, report_id)) == 1
    with sup.write() as s:  # the newcomer steps aside: the report is re-keyed and never sealed to them again
        supervision.check_act(s, user(s, "cs.jw3"), report_id, private_key(sup, s, "cs.jw3"), "step_aside",
                              "与被举报人有亲属关系", sup.now())
    _open(sup, "cs.jw1", report_id)
    assert len(_shared(sup, report_id)) == 1
    with pytest.raises(NotFound):
        _open(sup, "cs.jw3", report_id)


def test_a_handler_whose_key_was_replaced_reads_again_after_a_recipient_opens(sup: Platform) -> None:
    report_id, _ = file(sup)
    with sup.write() as s:
        assert supervision.do_forget_key(s, user(s, "cs.jw2"))  # an administrator reset cs.jw2's password
        blank = s.scalar(select(SupervisionRecipient.sealed_key).where(
            SupervisionRecipient.report_id == report_id, SupervisionRecipient.user_id == user(s, "cs.jw2").id))
        assert blank == b""
    with sup.write() as s:  # their next unlock creates a new key pair
        supervision.check_ensure_key(s, user(s, "cs.jw2"), "New-password-456", sup.now())
    with pytest.raises(NotFound):  # a new key pair, and no copy sealed to it yet
        _open(sup, "cs.jw2", report_id, "New-password-456")
    assert "好处费" in _open(sup, "cs.jw1", report_id)
    with sup.read() as s:
        jw2 = user(s, "cs.jw2").id
    assert _shared(sup, report_id) == [{"to": jw2, "role": "handler"}]
    assert "好处费" in _open(sup, "cs.jw2", report_id, "New-password-456")
