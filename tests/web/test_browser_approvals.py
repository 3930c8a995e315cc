"""Reply approval in a real browser (Chromium through Playwright): the official submits the reply, the
office head returns it with a comment, the official revises and resubmits, the head approves and the
citizen's public page shows the reply only then."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from massline.platform import Platform
from tests.web.approval_helpers import new_case, set_policy
from tests.web.chromium import BROWSER_MARKS, DESK, chromium_serving, login, new_page
from tests.web.test_typed_actions import CASE

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of a live server, with reply approval on."""
    set_policy(deployed, reply_approval=True)
    with chromium_serving(deployed) as served:
        yield served


def test_a_reply_is_returned_revised_approved_and_only_then_public(browser: tuple[Browser, str]) -> None:
    chromium, url = browser
    with httpx.Client(base_url=url, timeout=10) as client:
        mid = new_case(client, accept_as=None)
    official = new_page(chromium, url, DESK)
    login(official, "jsj.a")
    official.goto(f"/staff/cases/{mid}")
    official.get_by_role("button", name="签收").click()
    official.fill("#reply-body", "您好，加装电梯审批材料已受理。")
    official.get_by_role("button", name="保存草稿").click()
    assert official.get_by_role("button", name="发布答复").count() == 0
    official.get_by_role("button", name="提交审核").click()
    assert "已提交单位负责人审核" in official.inner_text(".flashes")
    assert "等待单位负责人审核" in official.inner_text(".pending-reply")

    head = new_page(chromium, url, DESK)
    login(head, "jsj.head")
    head.goto("/staff")
    assert head.inner_text("#count-approvals") == "1"
    head.locator(".pending-approvals a", has_text=CASE["title"]).click()
    head.locator("summary", has_text="退回修改").click()
    head.fill("#return-comment", "请写明审批的办理时限")
    head.get_by_role("button", name="退回修改").click()
    assert "已退回经办人修改" in head.inner_text(".flashes")

    official.goto(f"/staff/cases/{mid}")
    assert "请写明审批的办理时限" in official.inner_text(".return-comment")
    official.fill("#reply-body", "您好，加装电梯审批材料已受理，将于 10 个工作日内出具审批意见。")
    official.get_by_role("button", name="保存草稿").click()
    official.get_by_role("button", name="提交审核").click()

    public = new_page(chromium, url, {"width": 375, "height": 812})
    public.goto(f"/messages/{mid}")
    assert "10 个工作日" not in public.inner_text("main")

    head.goto(f"/staff/cases/{mid}")
    head.get_by_role("button", name="审核通过并发布").click()
    assert "已审核通过并公开发布" in head.inner_text(".flashes")
    public.goto(f"/messages/{mid}")
    assert "10 个工作日内出具审批意见" in public.inner_text("main")
