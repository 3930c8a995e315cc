"""The whole cycle in a real browser (Debian's Chromium through Playwright).

Citizen submits → dispatcher dispatches → official accepts, drafts, publishes →
citizen rates 1 star and reopens → the case is back in the official's inbox.
Screenshots at 375 px width are written to the system temp dir for a human look.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from massline.platform import Platform
from tests.conftest import PASSWORD
from tests.web_helpers import serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(tempfile.gettempdir())
PHONE = {"width": 375, "height": 812}
TITLE = "居住证续签需要哪些材料"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of a live server."""
    with serve(deployed) as url, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium, url
        finally:
            chromium.close()


def _page(chromium: Browser, url: str, viewport: dict[str, int]) -> Page:
    context = chromium.new_context(base_url=url, viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
    return page


def _login(page: Page, username: str) -> None:
    page.goto("/staff/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.form button[type=submit]")


def test_the_whole_cycle_in_chromium(browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    citizen = _page(chromium, url, PHONE)
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

    dispatcher = _page(chromium, url, {"width": 1280, "height": 900})
    _login(dispatcher, "disp")
    dispatcher.goto("/staff/dispatch")
    row = dispatcher.locator("li.panel", has_text=TITLE)
    row.locator("select[name=office]").select_option("cs-rsj")
    row.get_by_role("button", name="派单").click()
    assert "已派单" in dispatcher.inner_text(".flashes")

    official = _page(chromium, url, {"width": 1280, "height": 900})
    _login(official, "rsj.a")
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
