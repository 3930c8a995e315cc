"""The reply desk in Chromium: an official types a reply and the live review changes as they type —
the overall score, the demand answered, the highlight beside the message — without saving anything."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, DESK, SHOTS, chromium_serving, login, new_page
from tests.web.test_reply_desk import CASE, GOOD, UNRELATED

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of a live server."""
    with chromium_serving(deployed) as served:
        yield served


def test_the_review_changes_as_the_official_types(browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    with httpx.Client(base_url=url, timeout=10) as client:
        mid = int(client.post("/api/v1/messages", json=CASE).json()["id"])
    page = new_page(chromium, url, DESK)
    login(page, "jsj.a")
    page.goto(f"/staff/cases/{mid}")
    page.get_by_role("button", name="签收").click()
    assert page.locator("mark.demand").count() >= 2  # the demands highlighted beside the message
    page.fill("#reply-body", UNRELATED)
    panel = page.locator("#live-review")
    expect(panel).to_have_attribute("data-state", "live")
    weak = float(panel.locator("[data-total]").inner_text())
    assert "未答复" in panel.inner_text()
    assert page.locator("mark.demand.unanswered").count() >= 1
    page.fill("#reply-body", GOOD)
    expect(panel.locator("[data-total]")).not_to_have_text(f"{weak:.2f}")
    strong = float(panel.locator("[data-total]").inner_text())
    assert strong > weak
    assert "已答复（答复第" in panel.inner_text() and "建议" in panel.inner_text()
    assert page.locator("mark.demand.answered").count() >= 1
    assert panel.locator("tr[data-criterion=relevance] meter").count() == 1
    page.screenshot(path=str(SHOTS / "reply-desk-live-review.png"), full_page=True)
    # nothing was saved: the page drawn again has no draft
    page.reload()
    assert page.input_value("#reply-body") == ""
