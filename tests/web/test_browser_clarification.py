"""A clarification in Chromium: an official of the housing bureau publishes one on an issue of three
messages from the desk; every citizen of the issue is notified through the outbox, and a citizen on a
phone finds it from their message's page, reads it and says it helped."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

from massline.models import Notification
from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, DESK, PHONE, chromium_serving, login, new_page
from tests.web.test_publishing import _issue_of_three

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    with chromium_serving(deployed) as served:
        yield served


def test_a_clarification_reaches_all_of_an_issues_citizens(
    browser: tuple[Browser, str], deployed: Platform, api: httpx.Client
) -> None:
    chromium, url = browser
    issue_id, ids = _issue_of_three(deployed, api)

    official = new_page(chromium, url, DESK)
    login(official, "jsj.a")
    official.get_by_role("link", name="网上发布").click()
    official.fill("#nc-issue_id", str(issue_id))
    official.fill("#nc-title", "关于阳光社区拆迁传言的说明")
    official.fill("#nc-claim", "网传阳光社区将整体拆迁、补偿标准很低。")
    official.fill("#nc-facts", "经核实，阳光社区没有列入任何拆迁计划，传言不实。")
    official.fill("#nc-evidence", "市住建局2027年城市更新计划（公开文件）。")
    official.fill("#nc-signed_by", "住建局副局长 赵建")
    official.get_by_role("button", name="发布澄清说明").click()
    assert "传言不实" in official.inner_text("main")

    report = deployed.notifier().run_once()  # the worker's notifier: one e-mail per citizen of the issue
    assert report.derived == 3
    with deployed.read() as s:
        told = s.scalars(select(Notification.message_id).where(Notification.purpose == "clarified")).all()
    assert sorted(told) == sorted(ids)

    citizen = new_page(chromium, url, PHONE)
    citizen.goto(f"/messages/{ids[1]}")
    citizen.get_by_role("link", name="关于阳光社区拆迁传言的说明").click()
    assert "住建局副局长 赵建" in citizen.inner_text("main")
    citizen.get_by_role("button", name="有帮助（0）").click()
    assert citizen.get_by_role("button", name="有帮助（1）").is_visible()
