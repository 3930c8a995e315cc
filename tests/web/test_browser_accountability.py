"""The public ranking page and the "why" of a rank in Chromium (Playwright): a citizen on a phone
opens 办理排名 from the portal's navigation, opens the why of the first rank with one click and reads
expected against observed, the interval and the count behind it, then the office's own page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, chromium_serving, new_page
from tests.web.test_accountability_pages import load_history

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """A month of four offices' cases, Chromium and the base URL of a live server."""
    load_history(deployed)
    with chromium_serving(deployed) as served:
        yield served


def test_ranking_page_and_the_why_of_a_rank(browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    page = new_page(chromium, url, PHONE)
    page.goto("/")
    page.click("nav >> text=办理排名")
    assert page.url.endswith("/accountability")
    assert "各单位办理情况排名" in page.inner_text("h1")
    first = page.locator("details.why").first
    body = first.locator(".why-body")
    assert not body.is_visible()  # closed until asked
    first.locator("summary").click()  # one click shows why
    assert body.is_visible()
    text = body.inner_text()
    assert "预计解决率" in text and "实际" in text and "控制限" in text
    assert re.search(r"第 \d+–\d+ 名", text) and re.search(r"依据 \d+ 次有效回访", text)
    page.screenshot(path=str(SHOTS / "accountability-why.png"), full_page=True)
    office = page.locator("table.ranking tbody tr").first.locator("th a")
    name = office.inner_text()
    office.click()
    assert "/accountability/offices/" in page.url and name in page.inner_text("h1")
    assert page.locator("table.office-history tbody tr").count() >= 1
