"""The whole casework path of issue 12 in Chromium, on the demo as `make run` starts it.

A citizen on a phone sends a message with a photo and an e-mail address, choosing no office and no
region; the analysis worker routes it by its category model and the place it recognises; the dispatch
centre reviews it (pre-moderation) and shows the photo; the office signs for it; the deadline sweep
reminds the handler and, once overdue, escalates it to the office head; the centre approves the
office's extension; the official's reply is approved by the head and published; the citizen is told
by e-mail (read back from a local SMTP server); the centre records the 回访 and the case closes; the
citizen reopens it and it goes to the office head. The worker's passes (analysis, sweep, notifier) are
run in the test at chosen times, as the worker would run them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from massline.models import Callback, Message
from massline.platform import Platform
from massline.services import casework
from massline.services.demo import load_demo
from massline.worker import Worker
from tests.attachment_files import jpeg_with_gps
from tests.smtp_inbox import Inbox, body, smtp_server
from tests.web.approval_helpers import set_policy
from tests.web.chromium import BROWSER_MARKS, DESK, PHONE, SHOTS, chromium_serving, login, new_page

pytestmark = BROWSER_MARKS
EMAIL = "li.min@example.com"
TITLE = "锦绣社区路灯坏了"
BODY = "锦绣社区东门外的路灯坏了两个星期，晚上很黑，老人孩子出行不安全，请尽快修理。"
OFFICIAL, HEAD, CENTRE = "zhou.dc", "wu.dc", "wang.dispatch"  # 东城区人民政府, its head, the 12345 centre


@dataclass
class Site:
    """The demo served on loopback, its staff passwords, Chromium and the local SMTP server."""

    platform: Platform
    url: str
    chromium: Browser
    inbox: Inbox
    passwords: dict[str, str]

    def page(self, viewport: dict[str, int] = DESK) -> Page:
        return new_page(self.chromium, self.url, viewport)

    def staff(self, username: str) -> Page:
        page = self.page()
        login(page, username, self.passwords[username])
        assert "/staff/login" not in page.url, page.inner_text("main")
        return page

    def sweep(self, at_hours_from_due: float, message_id: int) -> casework.SweepReport:
        """The worker's deadline sweep, run at a time relative to the case's deadline."""
        with self.platform.write() as s:
            message = s.get(Message, message_id)
            assert message is not None and message.due_at is not None
            return casework.sweep(s, message.due_at + timedelta(hours=at_hours_from_due))


@pytest.fixture
def site(platform: Platform) -> Iterator[Site]:
    report = load_demo(platform)
    set_policy(platform, callback_after_days=0)  # the 回访 queue takes a case as soon as it is replied
    with smtp_server() as inbox, chromium_serving(platform) as (chromium, url):
        platform.settings.smtp_host, platform.settings.smtp_port = "127.0.0.1", inbox.port
        yield Site(platform, url, chromium, inbox, report.passwords)


def _submit_with_photo(site: Site) -> tuple[Page, int, str, str]:
    citizen = site.page(PHONE)
    citizen.goto("/submit")
    citizen.fill("#title", TITLE)
    citizen.fill("#body", BODY)
    citizen.check("#kind-求助")
    citizen.fill("#contact_email", EMAIL)
    assert citizen.is_checked("#notify")
    citizen.set_input_files("#attachments", [
        {"name": "路灯.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps((800, 600))},
    ])  # fmt: skip
    citizen.click("button.button-large")
    code = citizen.inner_text("#tracking-code").strip()
    secret = citizen.inner_text("#tracking-secret").strip()
    with site.platform.read() as s:
        message_id = s.scalar(select(Message.id).where(Message.tracking_code == code))
    assert message_id is not None
    return citizen, message_id, code, secret


def _track(citizen: Page, code: str, secret: str) -> str:
    citizen.goto("/track")
    citizen.fill("#tracking_code", code)
    citizen.fill("#secret", secret)
    citizen.get_by_role("button", name="查询").click()
    return citizen.inner_text("main")


def _routed_and_reviewed(site: Site, mid: int) -> None:
    report = Worker(site.platform).run_once()  # the analysis worker's pass
    assert report.routed >= 1
    with site.platform.read() as s:
        message = s.get(Message, mid)
        assert message is not None and message.office is not None
        assert (message.status, message.office.name, message.review_state) == ("assigned", "东城区人民政府", "pending")
        assert message.region is not None and message.region.name == "锦绣社区"  # found in the text
    centre = site.staff(CENTRE)
    centre.goto("/staff/moderation")
    centre.locator("li.panel", has_text=TITLE).get_by_role("link", name="审核").click()
    centre.get_by_role("button", name="直接公开").click()
    centre.goto(f"/staff/cases/{mid}")
    centre.click("#attachments button[value=show]")
    assert "已公开" in centre.inner_text("#attachments")
    public = site.page(PHONE)
    public.goto(f"/messages/{mid}")
    assert TITLE in public.inner_text("main") and public.locator("#attachments img").count() == 1


def _accepted_reminded_escalated(site: Site, mid: int) -> Page:
    official = site.staff(OFFICIAL)
    official.goto(f"/staff/cases/{mid}")
    assert "系统分派" in official.inner_text("main")  # routed by the worker, not by a dispatcher
    official.get_by_role("button", name="签收").click()
    assert site.sweep(-23, mid).reminded >= 1  # remind_before_hours: 24
    official.goto(f"/staff?q={TITLE}")
    assert "已提醒" in official.locator("li.item", has_text=TITLE).inner_text()
    assert site.sweep(1, mid).escalated_head >= 1  # overdue: up to the office head at once
    head = site.staff(HEAD)
    head.goto(f"/staff?q={TITLE}")
    assert "督办·单位负责人" in head.locator("li.item", has_text=TITLE).inner_text()
    return official


def _extended_by_the_centre(site: Site, official: Page, mid: int) -> None:
    official.goto(f"/staff/cases/{mid}")
    official.locator("summary", has_text="申请延期").click()
    official.fill("#extend-days", "10")
    official.fill("#extend-reason", "需要供电部门配合更换线路")
    official.locator("form[action$='/extend_request'] button[type=submit]").click()
    centre = site.staff(CENTRE)
    centre.goto("/staff/requests")
    centre.locator("li.extension-request", has_text=TITLE).get_by_role("button", name="同意延期").click()
    official.goto(f"/staff/cases/{mid}")
    assert "同意延期" in official.inner_text("main")


def _replied_after_approval(site: Site, official: Page, mid: int) -> None:
    official.fill("#reply-body", "您好，已联系供电部门更换锦绣社区东门外的路灯线路，路灯已恢复照明。感谢您的反映。")
    official.get_by_role("button", name="保存草稿").click()
    official.get_by_role("button", name="提交审核").click()
    assert "已提交单位负责人审核" in official.inner_text(".flashes")
    head = site.staff(HEAD)
    head.goto(f"/staff/cases/{mid}")
    head.get_by_role("button", name="审核通过并发布").click()
    assert "已审核通过并公开发布" in head.inner_text(".flashes")


def _mails(site: Site) -> list[str]:
    site.platform.notifier().run_once()  # the worker's notifier pass
    return [body(mail) for mail in site.inbox.to(EMAIL)]


def test_the_whole_casework_path_in_chromium(site: Site) -> None:
    citizen, mid, code, secret = _submit_with_photo(site)
    _routed_and_reviewed(site, mid)
    official = _accepted_reminded_escalated(site, mid)
    _extended_by_the_centre(site, official, mid)
    _replied_after_approval(site, official, mid)

    mails = _mails(site)  # accepted, extended, replied: each once, in order
    assert [("签收" in m, "延长" in m, "答复" in m) for m in mails] == [
        (True, False, False), (False, True, False), (False, False, True),
    ], mails  # fmt: skip
    assert all(code in m for m in mails)
    assert "路灯已恢复照明" in _track(citizen, code, secret)

    centre = site.staff(CENTRE)
    centre.goto("/staff/callbacks")
    item = centre.locator(f"#callback-{mid}")
    item.locator("input[name=resolved][value=已解决]").check()
    item.locator("input[name=satisfied][value=满意]").check()
    item.locator("textarea[name=note]").fill("电话回访，群众表示路灯已修好")
    item.locator("button[type=submit]").click()
    assert "回访已记录" in centre.inner_text("main")
    with site.platform.read() as s:
        answers = s.scalars(select(Callback).where(Callback.message_id == mid)).one()
        assert (answers.resolved, answers.satisfied) == ("已解决", "满意")
        assert s.get(Message, mid).status == "closed"  # type: ignore[union-attr]
    assert "办结" in _mails(site)[-1]

    assert "已办结" in _track(citizen, code, secret)
    citizen.fill("#reason", "路灯修好三天又不亮了")
    citizen.get_by_role("button", name="要求重新办理").click()
    assert "已提交重新办理要求" in citizen.inner_text(".flashes")
    citizen.screenshot(path=str(SHOTS / "massline-casework-reopened-375.png"), full_page=True)
    with site.platform.read() as s:
        message = s.get(Message, mid)
        assert message is not None and message.status == "reopened"
        assert message.assignee is not None and message.assignee.username == HEAD  # not the clerk who replied
    head = site.staff(HEAD)
    head.goto(f"/staff?q={TITLE}")
    assert "重新办理" in head.locator("li.item", has_text=TITLE).first.inner_text()
