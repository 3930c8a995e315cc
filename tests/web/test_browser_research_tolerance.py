"""Online research and the error-tolerance review in Chromium: a leader works in the workbench (counted
as online research), adds a field visit with its findings and sees both on the ledger; a supervisor opens
a review about an official, who reads it and gives their account, while another office's official is
refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser

from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, DESK, PHONE, SHOTS, chromium_serving, login, new_page

pytestmark = BROWSER_MARKS
FACTS = "在网上答复中把办理期限写错为三天，群众据此多次来电催促，造成误解。"


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    with chromium_serving(deployed) as served:
        yield served


def test_a_leader_records_research_and_sees_the_ledger(browser: tuple[Browser, str], deployed: Platform) -> None:
    chromium, url = browser
    leader = new_page(chromium, url, DESK)
    login(leader, "mayor")
    for link in ("分析看板", "问题", "预警"):  # real work in the workbench: reading and analysing
        leader.get_by_role("link", name=link, exact=True).first.click()
        leader.wait_for_load_state()
    leader.get_by_role("link", name="调研与容错").click()
    assert leader.inner_text("#activity-runs") == "1"
    held_on = deployed.now().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()  # this year's ledger
    leader.select_option("#kind", index=0)
    kind = leader.eval_on_selector("#kind", "s => s.options[s.selectedIndex].text")
    leader.fill("#title", "城北片区加装电梯网上座谈")
    leader.fill("#held_on", held_on)
    leader.fill("#hours", "8")
    leader.check("input[name=online][value='1']")
    leader.fill("#findings", "一楼住户担心采光和噪音，多数居民支持加装。")
    leader.fill("#outcome", "补贴政策增加一楼住户协商程序")
    leader.get_by_role("button", name="保存调研记录").click()
    leader.wait_for_load_state()
    entries = leader.inner_text("table.research-entries")
    assert "城北片区加装电梯网上座谈" in entries and kind in entries and "补贴政策增加一楼住户协商程序" in entries
    assert leader.inner_text("#online-days") == "1.0" and leader.inner_text("#quota-days") == "60"
    leader.screenshot(path=str(SHOTS / "research-ledger.png"), full_page=True)


def test_the_tolerance_review_is_read_by_the_official_and_refused_to_another_office(
    browser: tuple[Browser, str], deployed: Platform
) -> None:
    chromium, url = browser
    sup = new_page(chromium, url, DESK)
    login(sup, "sup")
    sup.goto("/staff/tolerance#open")
    sup.fill("#official", "jsj.a")
    sup.fill("#facts", FACTS)
    sup.get_by_role("button", name="立案").click()
    sup.wait_for_url(re.compile(r"/staff/tolerance/reviews/\d+$"))
    review = sup.url.removeprefix(url)

    official = new_page(chromium, url, PHONE)  # the official concerned, on a phone
    login(official, "jsj.a")
    official.get_by_role("link", name="调研与容错").click()
    official.goto("/staff/tolerance")
    official.click(f"a[href='{review}']")
    assert FACTS in official.inner_text("main")
    official.fill("#account", "当时参照了旧的办理时限，发现后已当天更正并向群众致歉。")
    official.locator("#account").evaluate("t => t.form.requestSubmit()")
    official.wait_for_load_state()
    assert "当天更正" in official.inner_text("#account-text")

    other = new_page(chromium, url, DESK)  # another office's official
    login(other, "rsj.a")
    answer = other.goto(review)
    assert answer is not None and answer.status == 404
    assert FACTS not in other.content()
    other.goto("/staff/tolerance")
    assert f"href=\"{review}\"" not in other.content()
