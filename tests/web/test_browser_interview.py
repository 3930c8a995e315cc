"""A leader's online interview in Chromium: the leader schedules it, a citizen on a phone asks and votes
before it starts, the leader answers live at the desk, and the citizen's open page shows the answer
without a reload (it polls every few seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser
from sqlalchemy import update

from massline.models import Interview
from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, DESK, PHONE, SHOTS, chromium_serving, login, new_page

pytestmark = BROWSER_MARKS
QUESTION = "老旧小区加装电梯的补贴什么时候能发到位？"
ANSWER = "补贴在验收合格后30个工作日内发放到位，各区已经开始受理。"


@pytest.fixture
def browser(deployed: Platform) -> Iterator[tuple[Browser, str]]:
    with chromium_serving(deployed) as served:
        yield served


def test_a_leaders_online_interview(browser: tuple[Browser, str], deployed: Platform) -> None:
    chromium, url = browser
    leader = new_page(chromium, url, DESK)
    login(leader, "mayor")
    leader.get_by_role("link", name="网上发布").click()
    starts = (deployed.now() + timedelta(hours=1)).astimezone(ZoneInfo("Asia/Shanghai"))
    leader.select_option("#ni-office", label="测试市住房和城乡建设局")
    leader.select_option("#ni-leader", label="测试市住房和城乡建设局 局长 赵建")
    leader.fill("#ni-title", "局长谈老旧小区加装电梯")
    leader.fill("#ni-starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    leader.fill("#ni-ends_at", (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    leader.get_by_role("button", name="安排访谈").click()
    assert "在线访谈已安排" in leader.inner_text(".flashes")
    desk_url = leader.url

    citizen = new_page(chromium, url, PHONE)
    citizen.goto("/offices")
    citizen.click("text=测试市住房和城乡建设局")
    citizen.click("text=局长谈老旧小区加装电梯")
    assert "即将开始" in citizen.inner_text("#phase")
    citizen.fill("#q-body", QUESTION)
    citizen.get_by_role("button", name="提交问题").click()
    citizen.get_by_role("button", name="投一票").click()
    assert "已投票" in citizen.inner_text(".flashes") and citizen.inner_text("#question-list .votes") == "1"

    with deployed.write() as s:  # an hour later: the session is live
        now = deployed.now()
        s.execute(update(Interview).values(starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1)))
    citizen.reload()
    assert "正在直播" in citizen.inner_text("#phase")
    leader.goto(desk_url)
    leader.fill("textarea[name=answer]", ANSWER)
    leader.get_by_role("button", name="公开回答").click()
    assert "回答已公开" in leader.inner_text(".flashes")
    citizen.locator("#question-list .answer", has_text=ANSWER).wait_for(timeout=15000)  # polled, no reload
    citizen.screenshot(path=str(SHOTS / "massline-interview-375.png"), full_page=True)
