"""The acceptance and outcome notices reach a reporter who gave a phone by SMS, and a reporter following by
receipt on /report/follow — and after both, nothing the reporter wrote (name, phone, body) is readable in the
database, its WAL, the instance folder, the outbox or the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from massline.models import AuditLog, Notification, SupervisionReport
from massline.platform import Platform
from tests.supervision_helpers import PASSWORD, CaptureSms, deploy_supervision
from tests.web.test_supervision import BODY, NAME, PHONE, _Collect, _every_row, _files
from tests.web_helpers import Browser, login, serve


@pytest.fixture
def site(platform: Platform) -> Iterator[str]:
    platform.settings.sms_gateway = "tests.supervision_helpers:CaptureSms"
    CaptureSms.sent, CaptureSms.fail = [], False
    deploy_supervision(platform)
    with serve(platform) as base:
        yield base


def _handler(site: str) -> Browser:
    handler = Browser(site)
    login(handler, "cs.jw1", PASSWORD)
    handler.follow(handler.post_form("/staff/supervision/unlock", {"password": PASSWORD}, form_page="/staff/supervision"))
    return handler


def _act(handler: Browser, report_id: int, action: str, text: str) -> httpx.Response:
    return handler.post_form(f"/staff/supervision/{report_id}/act", {"reason": "办理", "action": action, "text": text},
                             form_page="/staff/supervision")


def test_notices_reach_the_phone_and_the_follow_page_and_leave_nothing_readable(site: str, platform: Platform) -> None:
    collect = _Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collect)
    root.setLevel(logging.DEBUG)
    try:
        with httpx.Client(base_url=site, timeout=20) as api:
            filed = api.post("/api/v1/supervision/reports", json={
                "accused_office": "cs-jsj", "accused_person": "窗口科员", "body": BODY,
                "reporter_name": NAME, "reporter_phone": PHONE,
            }).json()
        with platform.read() as s:
            report_id = s.scalar(select(SupervisionReport.id))
        assert report_id is not None
        handler = _handler(site)
        accepted = _act(handler, report_id, "accept", "您的举报已受理，我们将依规核查。")
        assert accepted.status_code == 200 and "已短信告知举报人" in accepted.text
        concluded = _act(handler, report_id, "conclude", "经核查，反映的问题属实，已立案处理。")
        assert concluded.status_code == 200
    finally:
        root.removeHandler(collect)
        root.setLevel(old_level)
    assert [to for to, _ in CaptureSms.sent] == [PHONE, PHONE]
    (_, accept_sms), (_, outcome_sms) = CaptureSms.sent
    assert filed["receipt_code"] in accept_sms and "已受理" in accept_sms and "/report/follow" in accept_sms
    assert "已办结" in outcome_sms
    for sms in (accept_sms, outcome_sms):  # the step and the receipt code only: never the accused, never content
        assert "窗口科员" not in sms and "住建局" not in sms and "核查" not in sms and "立案" not in sms
    followed = Browser(site).post_form("/report/follow", {**filed}, form_page="/report/follow")
    assert "您的举报已受理，我们将依规核查。" in followed.text and "经核查，反映的问题属实，已立案处理。" in followed.text
    assert "已办结" in followed.text and "短信" not in followed.text
    with platform.read() as s:
        assert s.scalar(select(Notification.id)) is None  # no outbox row: the number never waited anywhere
        steps = s.execute(select(AuditLog.action, AuditLog.detail).where(AuditLog.action == "supervision_sms_sent")).all()
    assert [d for _, d in steps] == [{"step": "accept"}, {"step": "conclude"}]
    blobs = [p.read_bytes() for p in _files(platform)] + [_every_row(platform), "\n".join(collect.lines).encode()]
    needles = [NAME.encode(), PHONE.encode()] + [BODY[i:i + 6].encode() for i in range(len(BODY) - 5)]
    for blob in blobs:
        assert not [n.decode() for n in needles if n in blob]


def test_a_failing_gateway_is_recorded_without_the_number(site: str, platform: Platform) -> None:
    CaptureSms.fail = True
    with httpx.Client(base_url=site, timeout=20) as api:
        api.post("/api/v1/supervision/reports", json={"accused_office": "cs-jsj", "body": BODY, "reporter_phone": PHONE})
        anonymous = api.post("/api/v1/supervision/reports", json={"accused_office": "cs-jsj", "body": BODY}).json()
    with platform.read() as s:
        first, second = s.scalars(select(SupervisionReport.id).order_by(SupervisionReport.id)).all()
    handler = _handler(site)
    page = _act(handler, first, "accept", "已受理。")
    assert page.status_code == 200 and "短信告知发送失败" in page.text and "已受理" in page.text
    _act(handler, second, "accept", "已受理。")  # anonymous: nothing to send, nothing recorded
    with platform.read() as s:
        rows = s.execute(select(AuditLog.object_id, AuditLog.detail).where(AuditLog.action.like("supervision_sms%"))).all()
    assert rows == [(first, {"step": "accept", "error": "RuntimeError"})]
    assert PHONE.encode() not in _every_row(platform) and CaptureSms.sent == [] and anonymous["receipt_code"]


def test_the_file_stand_in_gets_the_number_masked(platform: Platform) -> None:
    platform.settings.sms_gateway = "file"  # the demo's driver: writes each SMS into the instance folder
    deploy_supervision(platform)
    with serve(platform) as base:
        with httpx.Client(base_url=base, timeout=20) as api:
            api.post("/api/v1/supervision/reports", json={"accused_office": "cs-jsj", "body": BODY,
                                                          "reporter_phone": PHONE})  # fmt: skip
        with platform.read() as s:
            report_id = s.scalar(select(SupervisionReport.id))
        assert _act(_handler(base), report_id, "accept", "您的举报已受理。").status_code == 200
    sent = (platform.settings.instance_dir / "outbox" / "sms.jsonl").read_text(encoding="utf-8")
    assert f"{PHONE[:3]}****{PHONE[-4:]}" in sent and "已受理" in sent
    assert not [p for p in _files(platform) if PHONE.encode() in p.read_bytes()]
