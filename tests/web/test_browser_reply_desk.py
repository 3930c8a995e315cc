"""The reply desk in Chromium: an official types a reply and the live review changes as they type —
the overall score, the demand answered, the highlight beside the message — without saving anything;
and a glossary term in the message shows its meaning."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from massline.models import User
from massline.platform import Platform
from massline.services.replies import TermInput, check_add_term
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
    expect(page.locator("#demands-title")).to_be_visible()  # the accepted case's page (after the redirect) ...
    page.wait_for_load_state()  # ... with its deferred script listening to the reply box
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


def test_a_glossary_term_in_the_message_shows_its_meaning(browser: tuple[Browser, str], deployed: Platform) -> None:
    chromium, url = browser
    with deployed.write() as s:
        admin = s.scalars(select(User).where(User.username == "admin")).one()
        term = TermInput(term="破防", variants=["破大防"], meaning="心理防线被击破，情绪受到很大触动")
        check_add_term(s, admin, term, deployed.now())
    with httpx.Client(base_url=url, timeout=10) as client:
        body = "小区停水三天没人管，老人孩子都破大防了，请尽快恢复供水。"
        mid = int(client.post("/api/v1/messages", json={**CASE, "body": body}).json()["id"])
    page = new_page(chromium, url, DESK)
    login(page, "jsj.a")
    page.goto(f"/staff/cases/{mid}")
    hint = page.locator("abbr.gloss", has_text="破大防")
    expect(hint).to_have_attribute("title", "心理防线被击破，情绪受到很大触动")
    hint.focus()  # reachable by keyboard, and described by the meaning listed under the text
    described = hint.get_attribute("aria-describedby")
    assert described and "心理防线被击破" in page.locator(f"#{described}").inner_text()
    hint.hover()
