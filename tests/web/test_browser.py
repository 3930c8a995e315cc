"""The whole cycle in a real browser (Debian's Chromium through Playwright).

Citizen submits → dispatcher dispatches → official accepts, drafts, publishes →
citizen rates 1 star and reopens → the case is back in the official's inbox.
Screenshots at 375 px width are written to the system temp dir for a human look.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, chromium_serving, login, new_page

TITLE = "居住证续签需要哪些材料"

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of the deployed platform served on loopback."""
    with chromium_serving(deployed) as served:
        yield served


def test_the_whole_cycle_in_chromium(browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    citizen = new_page(chromium, url, PHONE)
    citizen.goto("/submit")
    citizen.screenshot(path=str(SHOTS / "massline-submit-375.png"), full_page=True)
    citizen.click("button.button-large")
    assert "请填写标题" in citizen.inner_text(".error-summary")
    citizen.screenshot(path=str(SHOTS / "massline-submit-errors-375.png"), full_page=True)
    citizen.fill("#title", TITLE)
    citizen.fill("#body", "请问在解放街道居住证到期后续签需要准备哪些材料？在哪里办理？")
    citizen.check("#kind-咨询")
    citizen.select_option("#region", "cs-xc-jf")
    citizen.click("button.button-large")
    assert "待派单" in citizen.inner_text("main")
    code = citizen.inner_text("#tracking-code").strip()
    secret = citizen.inner_text("#tracking-secret").strip()
    citizen.screenshot(path=str(SHOTS / "massline-submitted-375.png"), full_page=True)

    dispatcher = new_page(chromium, url, {"width": 1280, "height": 900})
    login(dispatcher, "disp")
    dispatcher.goto("/staff/dispatch")
    row = dispatcher.locator("li.panel", has_text=TITLE)
    row.locator("select[name=office]").select_option("cs-rsj")
    row.get_by_role("button", name="派单").click()
    assert "已派单" in dispatcher.inner_text(".flashes")

    official = new_page(chromium, url, {"width": 1280, "height": 900})
    login(official, "rsj.a")
    official.click(f"text={TITLE}")
    official.get_by_role("button", name="签收").click()
    official.fill("#reply-body", "您好，居住证续签请携带身份证和居住证明到解放街道便民服务中心办理。")
    official.get_by_role("button", name="保存草稿").click()
    official.get_by_role("button", name="发布答复").click()
    assert "答复已公开发布" in official.inner_text(".flashes")
    official.set_viewport_size(PHONE)
    official.screenshot(path=str(SHOTS / "massline-staff-case-375.png"), full_page=True)

    citizen.goto("/track")
    citizen.fill("#tracking_code", code)
    citizen.fill("#secret", secret)
    citizen.get_by_role("button", name="查询").click()
    assert "便民服务中心" in citizen.inner_text(".reply")
    citizen.screenshot(path=str(SHOTS / "massline-case-375.png"), full_page=True)
    citizen.check("#score-1")
    citizen.fill("#comment", "材料清单不完整")
    citizen.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in citizen.inner_text(".flashes")
    citizen.fill("#reason", "答复没有说明需要哪些证明材料")
    citizen.get_by_role("button", name="要求重新办理").click()
    assert "已提交重新办理要求" in citizen.inner_text(".flashes")

    official.goto("/staff")
    row = official.locator("li.item", has_text=TITLE)
    assert "重新办理" in row.inner_text()
