"""A citizen on a phone in Chromium: leaves an e-mail address, is told by e-mail (read back from a
local SMTP server) when the office accepts, opens 我的留言 with the code the mail brings, and gets a
forgotten secret back. Screenshots at 375 px width go to the system temp dir."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page

from massline.platform import Platform
from tests.conftest import token_for
from tests.smtp_inbox import Inbox, body, smtp_server
from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, chromium_serving, new_page

EMAIL = "wang.fang@example.com"

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone(deployed: Platform) -> Iterator[tuple[Page, str, Inbox]]:
    """A phone-sized Chromium page on a live server whose mail goes to a local SMTP server."""
    with smtp_server() as inbox, chromium_serving(deployed) as (chromium, url):
        deployed.settings.smtp_host, deployed.settings.smtp_port = "127.0.0.1", inbox.port
        yield new_page(chromium, url, PHONE), url, inbox


def _mailed(deployed: Platform, inbox: Inbox, pattern: str) -> str:
    deployed.notifier().run_once()
    found = re.search(pattern, body(inbox.to(EMAIL)[-1]))
    assert found, body(inbox.to(EMAIL)[-1])
    return found.group(1)


def test_a_citizen_is_told_and_finds_their_messages(phone: tuple[Page, str, Inbox], deployed: Platform) -> None:
    page, url, inbox = phone
    page.goto("/submit")
    assert page.is_checked("#notify")
    page.fill("#title", "阳光社区楼道堆放杂物")
    page.fill("#body", "阳光社区3栋楼道长期堆放杂物，存在消防隐患，请尽快处理。")
    page.check("#kind-投诉")
    page.select_option("#region", "cs-dc-hp-yg")
    page.select_option("#addressee", "office:cs-dc-gov")
    page.fill("#contact_email", EMAIL)
    page.click("button.button-large")
    code = page.inner_text("#tracking-code").strip()
    with httpx.Client(base_url=url) as api:
        official = token_for(api, "dc.a")
        mid = api.get("/api/v1/inbox", headers=official).json()["items"][0]["id"]
        assert api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=official).status_code == 200
    assert _mailed(deployed, inbox, r"查询码 (ML[A-Z0-9]+)）已由") == code

    page.goto("/me")
    page.fill("#contact", EMAIL.upper())
    page.click("form[action='/me/code'] button")
    page.screenshot(path=str(SHOTS / "massline-me-code-375.png"), full_page=True)
    page.fill("#code", _mailed(deployed, inbox, r"验证码是 (\d{6})"))
    page.click("form[action='/me/login'] button")
    assert code in page.inner_text(".my-messages")
    page.screenshot(path=str(SHOTS / "massline-my-messages-375.png"), full_page=True)
    page.click(".my-messages button")
    assert "办理中" in page.inner_text("main")

    page.goto("/track/recover")
    page.fill("#tracking_code", code.lower())
    page.click("form.form button")
    assert "新的查询密码已发送" in page.inner_text("main")
    page.fill("#tracking_code", code)
    page.fill("#secret", _mailed(deployed, inbox, r"新查询密码是：([A-Z0-9]+)"))
    page.click("form.form button")
    assert page.url.endswith("/track/case") and "办理中" in page.inner_text("main")
