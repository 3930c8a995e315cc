"""Recording a 回访 in a real browser (Chromium through Playwright): the dispatcher opens the 回访
queue on a phone-sized screen, records the citizen's two answers, and the case is closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from massline.models import Callback, Message
from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, chromium_serving, login, new_page
from tests.web.test_followup import _case

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of a live server."""
    with chromium_serving(deployed) as served:
        yield served


def test_recording_a_callback_in_chromium(deployed: Platform, browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    mid = _case(deployed, "四天前答复的电梯维修问题", 4, replied=True)
    page = new_page(chromium, url, PHONE)
    login(page, "disp")
    page.click("nav >> text=回访")
    item = page.locator(f"#callback-{mid}")
    assert "四天前答复的电梯维修问题" in item.inner_text()
    item.locator("input[name=resolved][value=部分解决]").check()
    item.locator("button[type=submit]").click()  # 是否满意 is missing
    assert "请选择群众是否满意" in page.inner_text("main")
    item = page.locator(f"#callback-{mid}")
    item.locator("input[name=resolved][value=部分解决]").check()
    item.locator("input[name=satisfied][value=基本满意]").check()
    item.locator("textarea[name=note]").fill("群众说电梯已修好，但维修等了很久")
    page.screenshot(path=str(SHOTS / "massline-callback-375.png"), full_page=True)
    item.locator("button[type=submit]").click()
    assert "回访已记录" in page.inner_text("main")
    assert "没有需要回访的留言" in page.inner_text("main")
    with deployed.read() as s:
        assert s.get(Message, mid).status == "closed"
        row = s.query(Callback).filter_by(message_id=mid).one()
        assert (row.resolved, row.satisfied) == ("部分解决", "基本满意")
