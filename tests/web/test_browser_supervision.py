"""A misconduct report in Chromium: a citizen on a phone reaches the report page from the message form's
举报 kind, files anonymously and keeps the receipt; the city's 纪委 handler logs in, unlocks their key with
the password, opens the report with a reason and answers; the citizen reads the answer with the receipt
code and secret and writes back; the handler sees it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from massline.platform import Platform
from tests.supervision_helpers import PASSWORD, deploy_supervision
from tests.web.chromium import BROWSER_MARKS, DESK, PHONE, chromium_serving, login, new_page

pytestmark = BROWSER_MARKS
BODY = "住建局审批窗口的工作人员向我索要好处费，不给就拖着不办施工许可。"
ANSWER = "您的举报已收到，请补充大致时间。"
BACK = "十一月三日下午，在二号窗口。"


@pytest.fixture
def site(platform: Platform) -> Iterator[tuple[Browser, str]]:
    deploy_supervision(platform)
    with chromium_serving(platform) as served:
        yield served


def test_a_report_from_the_citizen_to_the_handler_and_back(site: tuple[Browser, str]) -> None:
    chromium, url = site
    citizen = new_page(chromium, url, PHONE)
    citizen.goto("/submit")
    citizen.check("#kind-举报")
    citizen.click("#report-channel a[href='/report']")
    citizen.wait_for_url("**/report")
    citizen.select_option("#accused_office", "cs-jsj")
    citizen.fill("#body", BODY)
    citizen.click("form.form button[type=submit]")
    code, secret = citizen.inner_text("#receipt-code"), citizen.inner_text("#receipt-secret")
    assert code.startswith("JB") and "只显示这一次" in citizen.inner_text("main")

    handler = new_page(chromium, url, DESK)
    login(handler, "cs.jw1", PASSWORD)
    handler.goto("/staff/supervision")
    handler.click("#key-state a")
    handler.fill("#password", PASSWORD)
    handler.click("form.form button[type=submit]")
    assert "解锁" in handler.inner_text("#key-state") and "输入密码" not in handler.inner_text("#key-state")
    handler.click("#reports a")
    handler.fill("#reason", "受理审查")
    handler.click("form.form button[type=submit]")
    assert BODY in handler.inner_text("#report-body") and "匿名" in handler.inner_text("main")
    handler.fill("#text-reply", ANSWER)
    handler.click("#do-reply")
    assert ANSWER in handler.inner_text("#report-entries")

    citizen.goto("/report/follow")
    citizen.fill("#receipt_code", code)
    citizen.fill("#secret", secret)
    citizen.click("form.form button[type=submit]")
    assert ANSWER in citizen.inner_text("#report-entries")
    citizen.fill("#text", BACK)
    citizen.click("form.form button[type=submit]")
    assert BACK in citizen.inner_text("#report-entries")

    handler.goto("/staff/supervision")
    handler.click("#reports a")
    handler.fill("#reason", "查看举报人补充")
    handler.click("form.form button[type=submit]")
    assert BACK in handler.inner_text("#report-entries")
