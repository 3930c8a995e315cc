"""Notifications over real HTTP and a real SMTP server (aiosmtpd on loopback): derived from the
case history, sent once, opt-out respected, retried and given up; SMS through the file outbox."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from massline.models import Notification
from massline.platform import Platform
from tests.conftest import PASSWORD, token_for
from tests.smtp_inbox import Inbox, body, free_port, smtp_server
from tests.web_helpers import Browser, login

MSG = {
    "title": "阳光社区楼道堆放杂物",
    "body": "阳光社区3栋楼道长期堆放杂物，存在消防隐患，请尽快处理。",
    "kind": "投诉",
    "region": "cs-dc-hp-yg",
    "category": "城乡建设",
}
EMAIL = "citizen@example.com"


@pytest.fixture
def inbox(deployed: Platform) -> Iterator[Inbox]:
    """A local SMTP server the deployed platform sends through."""
    with smtp_server() as server:
        deployed.settings.smtp_host, deployed.settings.smtp_port = "127.0.0.1", server.port
        yield server


def _submit(api: httpx.Client, **fields: object) -> dict:
    r = api.post("/api/v1/messages", json={**MSG, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def _act(api: httpx.Client, headers: dict[str, str], mid: int, action: str, **body: object) -> None:
    r = api.post(f"/api/v1/cases/{mid}/{action}", json=body, headers=headers)
    assert r.status_code == 200, r.text


def test_each_step_is_mailed_once(api: httpx.Client, deployed: Platform, inbox: Inbox) -> None:
    sub = _submit(api, contact_email="Citizen@Example.com", notify=True)
    official = token_for(api, "dc.a")
    notifier = deployed.notifier()
    assert notifier.run_once().sent == 0  # submitted and routed: nothing to tell yet
    _act(api, official, sub["id"], "accept")
    report = notifier.run_once()
    assert (report.derived, report.sent) == (1, 1)
    (mail,) = inbox.to(EMAIL)
    assert sub["tracking_code"] in body(mail) and "签收" in body(mail) and "/notify/off/" in body(mail)
    assert notifier.run_once().sent == 0 and len(inbox.mails) == 1  # derived again: nothing new
    _act(api, official, sub["id"], "reply", body="您好，社区已于今日清理楼道杂物，感谢监督。")
    _act(api, official, sub["id"], "publish")
    track = {"tracking_code": sub["tracking_code"], "secret": sub["secret"]}
    r = api.post("/api/v1/track/rate", json={**track, "score": 5, "comment": "满意"})  # the rating closes the case
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text
    assert notifier.run_once().sent == 2  # the draft and the rating are internal: replied and closed only
    texts = [body(m) for m in inbox.to(EMAIL)]
    assert "答复" in texts[1] and "办结" in texts[2]
    with deployed.read() as session:  # recipient and text are stored encrypted
        row = session.scalars(select(Notification)).first()
        assert row is not None and EMAIL.encode() not in row.recipient_encrypted


def test_the_citizen_who_opted_out_gets_nothing(api: httpx.Client, deployed: Platform, inbox: Inbox) -> None:
    sub = _submit(api, contact_email=EMAIL, notify=False)
    _act(api, token_for(api, "dc.a"), sub["id"], "accept")
    assert deployed.notifier().run_once().derived == 0
    assert inbox.mails == []


def test_the_unsubscribe_link_stops_later_notifications(url: str, deployed: Platform, inbox: Inbox) -> None:
    with httpx.Client(base_url=url) as api:
        sub = _submit(api, contact_email=EMAIL)
        official = token_for(api, "dc.a")
        _act(api, official, sub["id"], "accept")
        deployed.notifier().run_once()
        link = re.search(r"/notify/off/\S+", body(inbox.mails[0]))
        assert link
        citizen = Browser(url)
        page = citizen.get(link.group(0))
        assert page.status_code == 200 and "确定退订" in page.text
        assert citizen.get("/notify/off/1-forged").status_code == 404
        done = citizen.post_form(link.group(0), {}, form_page=link.group(0))
        assert done.status_code == 200 and 'id="unsubscribed"' in done.text
        _act(api, official, sub["id"], "reply", body="您好，社区已于今日清理楼道杂物，感谢监督。")
        _act(api, official, sub["id"], "publish")
        assert deployed.notifier().run_once().derived == 0
    assert len(inbox.mails) == 1


def test_sms_goes_to_the_file_outbox(api: httpx.Client, deployed: Platform) -> None:
    sub = _submit(api, contact_phone="+86 138-1234-5678")
    _act(api, token_for(api, "dc.a"), sub["id"], "accept")
    assert deployed.notifier().run_once().sent == 1
    lines = (deployed.settings.instance_dir / "outbox" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    (sms,) = [json.loads(line) for line in lines]
    assert sms["to"] == "13812345678" and sub["tracking_code"] in sms["text"]


def test_failures_are_retried_with_backoff_then_given_up_and_shown_to_admins(
    url: str, deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployed.settings.smtp_host, deployed.settings.smtp_port = "127.0.0.1", free_port()  # nobody listens
    deployed.settings.notify_max_attempts, deployed.settings.notify_retry_seconds = 2, 60
    with httpx.Client(base_url=url) as api:
        sub = _submit(api, contact_email=EMAIL)
        _act(api, token_for(api, "dc.a"), sub["id"], "accept")
    notifier = deployed.notifier()
    start = deployed.now()
    assert notifier.run_once().failed == 1
    assert notifier.run_once().failed == 0  # waits for its retry
    monkeypatch.setattr(deployed, "now", lambda: start + timedelta(seconds=61))
    report = deployed.notifier().run_once()
    assert (report.failed, report.given_up) == (1, 1)
    admin = Browser(url)
    login(admin, "admin", PASSWORD)
    page = admin.get("/staff/notifications")
    assert page.status_code == 200 and 'id="count-failed">1<' in page.text and "ConnectionRefusedError" in page.text
    official = Browser(url)
    login(official, "dc.a", PASSWORD)
    assert official.get("/staff/notifications").status_code == 403
    with smtp_server(deployed.settings.smtp_port) as inbox:
        requeued = admin.post_form("/staff/notifications/retry", {}, form_page="/staff/notifications")
        assert requeued.status_code == 303
        assert deployed.notifier().run_once().sent == 1
        assert len(inbox.to(EMAIL)) == 1


def test_the_form_takes_an_email_and_the_choice(url: str, deployed: Platform, inbox: Inbox) -> None:
    citizen = Browser(url)
    form = citizen.get("/submit").text
    assert 'name="contact_email"' in form and re.search(r'name="notify" value="1"[^>]*checked', form)
    data = {**MSG, "region": "cs-dc-hp-yg", "contact_email": "not-an-address"}
    data.pop("category")
    bad = citizen.post_form("/submit", data, form_page="/submit")
    assert bad.status_code == 422 and "电子邮箱格式不正确" in bad.text
    ok = citizen.post_form("/submit", {**data, "contact_email": EMAIL, "addressee": "office:cs-dc-gov"},
                           form_page="/submit")  # unticked box: no notifications  # fmt: skip
    assert ok.status_code == 303
    with httpx.Client(base_url=url) as api:
        official = token_for(api, "dc.a")
        mid = api.get("/api/v1/inbox", headers=official).json()["items"][0]["id"]
        _act(api, official, mid, "accept")
    assert deployed.notifier().run_once().derived == 0


def test_the_workers_loop_sends_them(api: httpx.Client, deployed: Platform, inbox: Inbox) -> None:
    from massline.worker import Worker

    sub = _submit(api, contact_email=EMAIL)
    _act(api, token_for(api, "dc.a"), sub["id"], "accept")
    Worker(deployed).notify()
    assert len(inbox.to(EMAIL)) == 1


def test_a_message_kept_private_by_review_tells_the_citizen_why(
    api: httpx.Client, deployed: Platform, inbox: Inbox
) -> None:
    sub = _submit(api, contact_email=EMAIL, notify=True)
    reason = "内容涉及他人隐私，不宜公开"
    r = api.post(f"/api/v1/moderation/{sub['id']}", json={"outcome": "withhold", "reason": reason},
                 headers=token_for(api, "disp"))
    assert r.status_code == 200, r.text
    assert deployed.notifier().run_once().sent == 1
    (mail,) = inbox.to(EMAIL)
    assert "不公开" in body(mail) and reason in body(mail)
