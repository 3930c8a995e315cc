"""Routing away from the accused, one level up for an office head, and who may open a report (every user)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from massline.models import Office, SupervisionRecipient, SupervisionReport, User
from massline.platform import Platform
from massline.services import supervision
from massline.services.errors import NotFound
from tests.supervision_helpers import HANDLERS, deploy_supervision, file, private_key, user


@pytest.fixture
def sup(platform: Platform) -> Platform:
    deploy_supervision(platform)
    return platform


def _route(platform: Platform, accused: str, person: str = "") -> tuple[str, str | None, bool]:
    with platform.read() as s:
        office = s.scalar(select(Office).where(Office.code == accused))
        assert office is not None
        route = supervision.route_report(s, office, person)
        assert route is not None
        return route.office.code, route.escalation.code if route.escalation else None, route.about_head


def test_reports_go_to_the_overseeing_office_and_one_level_up_for_the_head(sup: Platform) -> None:
    assert _route(sup, "cs-dc-hp-office") == ("cs-dc-jw", "cs-jw", False)  # the street: its district's 纪委
    assert _route(sup, "cs-dc-gov") == ("cs-dc-jw", "cs-jw", False)
    assert _route(sup, "cs-dc-gov", "钱东区长") == ("cs-jw", "ts-jw", True)  # the district's head: the city
    assert _route(sup, "cs-jsj", "孙科长") == ("ts-jw", None, True)  # the office_head user counts as head
    assert _route(sup, "cs-jsj", "某科员") == ("cs-jw", "ts-jw", False)
    assert _route(sup, "cs-dc-jw") == ("cs-jw", "ts-jw", False)  # a 纪委 is never its own judge


def _who_can_open(platform: Platform, report_id: int) -> set[str]:
    opened = set()
    with platform.write() as s:
        for u in s.scalars(select(User)).all():
            try:
                supervision.check_open_report(s, u, report_id, b"\0" * 32, "核查")
            except NotFound:
                continue
            except Exception:  # the access check passed; the wrong key cannot open the sealed copy
                opened.add(u.username)
    return opened


def test_only_the_recipients_open_a_report_never_the_accused_side(sup: Platform) -> None:
    with sup.read() as s:  # every role is tried below
        assert {u.role for u in s.scalars(select(User))} >= {
            "official", "dispatcher", "office_head", "leader", "supervisor", "admin"}
    report_id, _ = file(sup, accused_office="cs-dc-gov", accused_person="某科员")
    assert _who_can_open(sup, report_id) == {"dc.jw"}
    with sup.write() as s:
        view = supervision.check_open_report(s, user(s, "dc.jw"), report_id, private_key(sup, s, "dc.jw"), "受理审查")
        assert "索要好处费" in view.body and view.anonymous
    head_report, _ = file(sup, accused_office="cs-dc-gov", accused_person="钱东")
    assert _who_can_open(sup, head_report) == {"cs.jw1", "cs.jw2"}  # not the district's 纪委 under the head
    with sup.write() as s:  # the accused side is refused even if it somehow held a sealed copy
        dc_a = user(s, "dc.a")
        s.add(SupervisionRecipient(report_id=report_id, user_id=dc_a.id, role="handler", sealed_key=b"x"))
        hp_a = user(s, "hp.a")
        s.add(SupervisionRecipient(report_id=report_id, user_id=hp_a.id, role="handler", sealed_key=b"x"))
    assert _who_can_open(sup, report_id) == {"dc.jw"}


def test_escalation_recipients_read_only_once_the_sweep_escalates(sup: Platform) -> None:
    report_id, _ = file(sup, accused_office="cs-dc-gov")
    assert _who_can_open(sup, report_id) == {"dc.jw"}
    with sup.write() as s:
        report = s.get(SupervisionReport, report_id)
        assert report is not None
        assert supervision.sweep_reports(s, report.accept_due + timedelta(seconds=1)).escalated == 1
    assert _who_can_open(sup, report_id) == {"dc.jw", "cs.jw1", "cs.jw2"}
    with sup.write() as s:
        rows = supervision.reports_for(s, user(s, "cs.jw1"))
        assert [r.escalated for r in rows] == [True]
        supervision.check_open_report(s, user(s, "cs.jw1"), report_id, private_key(sup, s, "cs.jw1"), "逾期督办")


def test_retention_deletes_the_report_with_its_keys(sup: Platform) -> None:
    report_id, filed = file(sup)
    with sup.write() as s:
        report = s.get(SupervisionReport, report_id)
        assert report is not None
        assert supervision.sweep_reports(s, report.delete_after + timedelta(seconds=1)).deleted == 1
    with sup.read() as s:
        assert s.get(SupervisionReport, report_id) is None
        assert s.scalars(select(SupervisionRecipient).where(SupervisionRecipient.report_id == report_id)).all() == []
        with pytest.raises(NotFound):
            supervision.follow_report(s, supervision.FollowInput(receipt_code=filed.receipt_code, secret=filed.secret))


def test_stepping_aside_reseals_to_the_remaining_recipients(sup: Platform) -> None:
    from tests.attachment_files import PDF

    report_id, filed = file(sup, uploads=[("证据.pdf", PDF)])  # cs-jsj: both city handlers
    with sup.write() as s:
        old_key = private_key(sup, s, "cs.jw1")
        supervision.check_act(s, user(s, "cs.jw1"), report_id, old_key, "step_aside", "被举报人是我的亲属", sup.now())
    with sup.write() as s:
        with pytest.raises(NotFound):
            supervision.check_open_report(s, user(s, "cs.jw1"), report_id, old_key, "再看")
        view = supervision.check_open_report(s, user(s, "cs.jw2"), report_id, private_key(sup, s, "cs.jw2"), "接手")
        assert [e.kind for e in view.entries] == ["received", "stepped_aside"]
        assert view.entries[1].text == "被举报人是我的亲属"
        assert supervision.check_open_file(s, user(s, "cs.jw2"), report_id, view.files[0].id,
                                           private_key(sup, s, "cs.jw2"), "核实").content == PDF
        assert supervision.allowed_actions(view.report) == ["accept", "reply", "step_aside"]
        with pytest.raises(Exception, match="没有其他承办人"):  # the last handler cannot step aside
            supervision.check_act(s, user(s, "cs.jw2"), report_id, private_key(sup, s, "cs.jw2"), "step_aside",
                                  "也回避", sup.now())
    with sup.read() as s:  # the reporter still opens it; the stepped-aside handler's copy is gone
        assert supervision.follow_report(
            s, supervision.FollowInput(receipt_code=filed.receipt_code, secret=filed.secret)).status == "received"
        row = s.scalar(select(SupervisionRecipient).where(SupervisionRecipient.report_id == report_id,
                                                          SupervisionRecipient.user_id == user(s, "cs.jw1").id))
        assert row is not None and row.sealed_key == b"" and row.stepped_aside_at is not None


def test_a_password_change_rewraps_the_key_and_an_admin_reset_drops_it(sup: Platform) -> None:
    report_id, _ = file(sup)
    with sup.write() as s:
        assert supervision.do_rewrap_key(s, user(s, "cs.jw1"), "Test-password-123", "New-password-456")
    with sup.write() as s:
        key = supervision.check_unlock(s, user(s, "cs.jw1"), "New-password-456", "a" * 64, sup.now(), 60)
        private = supervision.session_private_key(s, user(s, "cs.jw1"), "a" * 64, key, sup.now())
        supervision.check_open_report(s, user(s, "cs.jw1"), report_id, private, "核查")
        assert supervision.do_forget_key(s, user(s, "cs.jw1"))
    with sup.write() as s:  # a new key pair: the old report stays readable by the other recipient only
        key = supervision.check_unlock(s, user(s, "cs.jw1"), "Whatever-789x", "b" * 64, sup.now(), 60)
        private = supervision.session_private_key(s, user(s, "cs.jw1"), "b" * 64, key, sup.now())
        with pytest.raises(NotFound):  # the copy sealed to the dropped key is blanked; re-sealed: test_sharing
            supervision.check_open_report(s, user(s, "cs.jw1"), report_id, private, "核查")
        supervision.check_open_report(s, user(s, "cs.jw2"), report_id, private_key(sup, s, "cs.jw2"), "核查")
    assert set(HANDLERS) >= {"cs.jw1"}


def test_messages_are_never_routed_to_a_supervision_office_by_region(sup: Platform) -> None:
    from massline.models import Category, Region
    from massline.services.routing import routing_table

    with sup.read() as s:
        table = routing_table(s)
        category = s.scalar(select(Category.id).where(Category.level == 1).limit(1))
        offices = {o.id: o.code for o in s.scalars(select(Office))}
        for region, office in (("cs-dc", "cs-dc-gov"), ("cs-dc-hp", "cs-dc-hp-office")):
            region_id = s.scalar(select(Region.id).where(Region.code == region))
            assert region_id is not None and category is not None
            assert offices[table.route(region_id, category) or 0] == office  # not a tie with the 纪委 there
