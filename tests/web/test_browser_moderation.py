"""Review before publishing in a real browser: a citizen's message waits for review (pre-moderation), the
dispatcher opens it from the queue, sees the checks' findings, edits out a neighbour's name and publishes it."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, login, new_page
from tests.web.test_browser import browser as browser  # noqa: F401 (the fixture)
from tests.web.test_moderation import NAME_BODY, set_moderation

TITLE = "邻居半夜装修扰民没人管"

pytestmark = BROWSER_MARKS


def test_the_moderation_queue_publishes_with_a_redaction(browser: tuple[Browser, str], deployed) -> None:  # noqa: F811
    chromium, url = browser
    set_moderation(deployed, "pre")
    citizen = new_page(chromium, url, PHONE)
    citizen.goto("/submit")
    citizen.fill("#title", TITLE)
    citizen.fill("#body", NAME_BODY)
    citizen.check("#kind-投诉")
    citizen.click("button.button-large")
    code = citizen.inner_text("#tracking-code").strip()
    assert "经审核后在网上公开" in citizen.inner_text("#review-note")
    citizen.goto("/messages")
    assert TITLE not in citizen.inner_text("main")  # not public before review

    moderator = new_page(chromium, url, {"width": 1280, "height": 900})
    login(moderator, "disp")
    moderator.get_by_role("link", name="审核", exact=True).first.click()
    row = moderator.locator("li.panel", has_text=TITLE)
    assert "私人姓名（正文）：王建国" in row.inner_text() and "个人信息：手机号" in row.inner_text()
    row.get_by_role("link", name="审核").click()
    assert code in moderator.inner_text("h1")
    moderator.click("text=修改后公开")
    moderator.screenshot(path=str(SHOTS / "massline-review-1280.png"), full_page=True)
    moderator.fill("#review-body", NAME_BODY.replace("王建国", "某住户"))
    moderator.get_by_role("button", name="保存修改并公开").click()
    assert "已保存修改" in moderator.inner_text(".flashes")

    citizen.goto("/messages")
    citizen.click(f"text={TITLE}")
    text = citizen.inner_text("main")
    assert "某住户" in text and "王建国" not in text and "13907311234" not in text
