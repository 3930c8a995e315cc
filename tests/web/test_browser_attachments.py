"""Attachments in a real browser: a citizen on a 375 px phone sends a photo, the centre shows it,
the public page displays it (Debian's Chromium through Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from massline.platform import Platform
from tests.attachment_files import FAKE_JPEG, jpeg_with_gps
from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, chromium_serving, login, new_page

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of a live server."""
    with chromium_serving(deployed) as served:
        yield served


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _photo_width(page: Page) -> int:
    """The natural width of the first attachment photo, once the browser has loaded it."""
    page.locator("#attachments img").first.scroll_into_view_if_needed()
    width = 0
    for _ in range(50):  # the page's CSP forbids wait_for_function's string evaluation: poll
        width = int(page.evaluate("() => document.querySelector('#attachments img').naturalWidth"))
        if width:
            break
        page.wait_for_timeout(100)
    return width


def _fill(page: Page) -> None:
    page.fill("#title", "路灯不亮")
    page.fill("#body", "锦绣路上的路灯坏了一个星期，晚上很黑，请尽快修理。")
    page.check("#kind-求助")
    page.select_option("#addressee", "office:cs-jsj")


def test_a_photo_from_a_phone_reviewed_and_shown(browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    citizen = new_page(chromium, url, PHONE)
    citizen.goto("/submit")
    assert citizen.is_visible("#attachments") and _fits(citizen)
    _fill(citizen)
    citizen.set_input_files("#attachments", [{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": FAKE_JPEG}])
    citizen.click("button.button-large")
    assert "“photo.jpg”的格式不受支持" in citizen.inner_text(".error-summary") and _fits(citizen)
    citizen.set_input_files("#attachments", [
        {"name": "路灯.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps((1200, 900))},
    ])  # fmt: skip
    citizen.click("button.button-large")
    code = citizen.inner_text("#tracking-code").strip()
    secret = citizen.inner_text("#tracking-secret").strip()
    citizen.goto("/track")
    citizen.fill("#tracking_code", code)
    citizen.fill("#secret", secret)
    citizen.click("form.form button[type=submit]")
    attachment = citizen.locator("#attachments")
    assert "路灯.jpg" in attachment.inner_text() and "待审核" in attachment.inner_text() and _fits(citizen)
    assert _photo_width(citizen) == 1200
    citizen.screenshot(path=str(SHOTS / "massline-attachments-case-375.png"), full_page=True)

    centre = new_page(chromium, url, {"width": 1280, "height": 900})
    login(centre, "disp")
    centre.goto("/staff/dispatch")
    centre.goto(citizen.url.replace("/track/case", "/staff"))  # the inbox, to find the case
    case_link = centre.locator("a", has_text="路灯不亮").first.get_attribute("href")
    assert case_link
    centre.goto(case_link)
    centre.click("#attachments button[value=show]")
    assert "已公开" in centre.inner_text("#attachments")
    message_id = case_link.rsplit("/", 1)[1]

    citizen.goto(f"/messages/{message_id}")
    assert _photo_width(citizen) == 1200 and _fits(citizen)
    citizen.screenshot(path=str(SHOTS / "massline-attachments-public-375.png"), full_page=True)
