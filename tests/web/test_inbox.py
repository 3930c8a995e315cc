"""The inbox puts what needs attention first, a reopened case goes to the office head, and transfers
warn about offices nobody could sign for — through real HTTP on the mini deployment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from massline.models import Message, User
from massline.platform import Platform
from massline.services.casework import actions as casework
from massline.services.casework import feedback
from massline.services.intake.submit import MessageInput, check_submit
from tests.conftest import PASSWORD, token_for
from tests.web_helpers import Browser, login, serve

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REOPEN_WHY = "电梯还是经常停运，问题没有解决"


def _user(s, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def _submit(p: Platform, title: str, at: datetime) -> int:
    data = MessageInput(title=title, body=f"{title}，请有关部门尽快处理，谢谢。", kind="投诉", region="cs-xc-jf",
                        category="城乡建设")  # fmt: skip
    with p.write() as s:
        return check_submit(s, p.cipher, data, at).message.id


def _reopened(p: Platform, title: str, at: datetime, official: str = "jsj.a") -> int:
    """A case replied by ``official`` and closed by the citizen's rating, then reopened by the citizen."""
    mid = _submit(p, title, at)
    with p.write() as s:
        clerk, m = _user(s, official), s.get(Message, mid)
        casework.do_accept(s, clerk, m, at)
        casework.check_draft_reply(s, clerk, m, "已安排维保单位维修，电梯已恢复运行。", at)
        casework.do_publish_reply(s, clerk, m, at)
        feedback.check_rate(s, m, 2, "", at)
        feedback.check_reopen(s, m, REOPEN_WHY, at + timedelta(days=1))
    return mid


@pytest.fixture
def url(deployed: Platform) -> Iterator[str]:
    with serve(deployed) as base:
        yield base


@pytest.fixture
def staff(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


def _titles(html: str) -> list[str]:
    return re.findall(r'class="item-title" href="/staff/cases/\d+">([^<]+)<', html)


def test_reopened_and_new_cases_come_first_marked_in_words_and_counted(deployed: Platform, staff: Browser) -> None:
    _reopened(deployed, "甲 重开的电梯问题", T0)
    accepted = _submit(deployed, "乙 已签收的路灯问题", T0 + timedelta(hours=1))
    with deployed.write() as s:
        casework.do_accept(s, _user(s, "jsj.b"), s.get(Message, accepted), T0 + timedelta(hours=1))
    _submit(deployed, "丙 新来的井盖问题", T0 + timedelta(hours=2))
    login(staff, "jsj.b", PASSWORD)

    page = staff.get("/staff")
    assert page.status_code == 200
    assert _titles(page.text) == ["甲 重开的电梯问题", "丙 新来的井盖问题", "乙 已签收的路灯问题"]
    # flagged with words, not colour alone, and counted on top (all three are past their deadline)
    assert page.text.count('<span class="badge flag-reopened">重办</span>') == 3  # counts, legend + the row
    assert page.text.count('<span class="badge flag-new">新件</span>') == 3  # counts, legend + the row
    assert "item is-reopened" in page.text and "item is-new" in page.text
    counts = {k: re.search(rf'id="count-{k}">(\d+)<', page.text).group(1) for k in ("new", "reopened", "overdue")}
    assert counts == {"new": "1", "reopened": "1", "overdue": "3"}

    by = {sort: _titles(staff.get("/staff", params={"sort": sort}).text) for sort in ("received", "status", "due")}
    assert by["received"] == ["丙 新来的井盖问题", "乙 已签收的路灯问题", "甲 重开的电梯问题"]
    assert by["status"] == ["丙 新来的井盖问题", "乙 已签收的路灯问题", "甲 重开的电梯问题"]
    assert by["due"] == ["乙 已签收的路灯问题", "丙 新来的井盖问题", "甲 重开的电梯问题"]
    assert '<option value="received" selected>' in staff.get("/staff", params={"sort": "received"}).text

    bad = staff.get("/staff", params={"sort": "title"})
    assert bad.status_code == 422 and "请求格式不正确" in bad.text


def test_api_inbox_puts_the_reopened_case_first_and_checks_sort(api: httpx.Client, deployed: Platform) -> None:
    _submit(deployed, "新来的井盖问题", T0)
    reopened = _reopened(deployed, "重开的电梯问题", T0)
    headers = token_for(api, "jsj.a")
    assert api.get("/api/v1/inbox", params={"sort": "due"}, headers=headers).json()["items"][0]["id"] != reopened
    assert api.get("/api/v1/inbox", headers=headers).json()["items"][0]["id"] == reopened
    assert api.get("/api/v1/inbox", params={"sort": "x"}, headers=headers).status_code == 422


def test_a_reopened_case_goes_to_the_office_head_with_the_reason_on_top(deployed: Platform, staff: Browser) -> None:
    mid = _reopened(deployed, "重开的电梯问题", T0, official="jsj.a")
    with deployed.read() as s:
        m = s.get(Message, mid)
        assert m.status == "reopened" and m.assignee is not None and m.assignee.username == "jsj.head"
        assert m.events[-1].type == "reopened" and m.events[-1].data.get("handler") == "住建科长"
    login(staff, "jsj.a", PASSWORD)
    assert "重开的电梯问题" not in staff.get("/staff", params={"mine": "1"}).text  # no longer the clerk's
    page = staff.get(f"/staff/cases/{mid}").text
    top = page.index('class="notice notice-error reopen-reason"')
    assert top < page.index('id="case-title"') and REOPEN_WHY in page[top : page.index('id="case-title"')]
    assert "<dt>经办人</dt><dd>住建科长</dd>" in page


def test_a_reopened_case_in_an_office_without_a_head_waits_unassigned(deployed: Platform) -> None:
    mid = _submit(deployed, "社保卡补办进度", T0)
    with deployed.write() as s:
        m = s.get(Message, mid)
        casework.do_transfer(s, None, m, "cs-rsj", "属于人社部门职责", T0)
    with deployed.write() as s:
        clerk, m = _user(s, "rsj.a"), s.get(Message, mid)
        casework.do_accept(s, clerk, m, T0)
        assert m.assignee_id == clerk.id
        casework.check_draft_reply(s, clerk, m, "已为您加急办理，请留意短信通知。", T0)
        casework.do_publish_reply(s, clerk, m, T0)
        feedback.check_reopen(s, m, "一个月了还没有收到短信", T0 + timedelta(days=3))
        assert m.status == "reopened" and m.assignee_id is None and m.office.code == "cs-rsj"


def test_offices_without_staff_are_the_answering_offices_nobody_could_sign_in(deployed: Platform) -> None:
    from massline.services.casework import offices_without_staff

    with deployed.read() as s:
        assert offices_without_staff(s) == {"cs-jyj"}  # not the dispatch centre; leaders do not count
    with deployed.write() as s:
        _user(s, "rsj.a").is_active = False
    with deployed.read() as s:
        assert offices_without_staff(s) == {"cs-jyj", "cs-rsj"}


def test_transfer_to_an_office_without_staff_needs_a_confirmation(deployed: Platform, staff: Browser) -> None:
    mid = _submit(deployed, "学校门口道路积水", T0)
    login(staff, "jsj.a", PASSWORD)
    page = f"/staff/cases/{mid}"
    html = staff.get(page).text
    assert "测试市教育局（无在岗人员）</option>" in html and "测试市人力资源和社会保障局</option>" in html
    assert 'name="confirm_unstaffed"' in html
    refused = staff.post_form(f"{page}/transfer", {"office": "cs-jyj", "reason": "属于教育部门职责"}, form_page=page)
    assert refused.status_code == 422 and "目前没有在岗人员" in refused.text and "仍要转办" in refused.text
    with deployed.read() as s:
        assert s.get(Message, mid).office.code == "cs-jsj"
    done = staff.post_form(f"{page}/transfer", {"office": "cs-jyj", "reason": "属于教育部门职责",
                                                 "confirm_unstaffed": "true"}, form_page=page)  # fmt: skip
    assert done.status_code == 303
    with deployed.read() as s:
        assert s.get(Message, mid).office.code == "cs-jyj"


def test_api_transfer_to_an_office_without_staff_needs_confirm_unstaffed(api: httpx.Client, deployed: Platform) -> None:
    mid = _submit(deployed, "学校门口道路积水", T0)
    headers = token_for(api, "jsj.a")
    body = {"office": "cs-jyj", "reason": "属于教育部门职责"}
    refused = api.post(f"/api/v1/cases/{mid}/transfer", json=body, headers=headers)
    assert refused.status_code == 422 and "没有在岗人员" in refused.json()["errors"]["office"]
    done = api.post(f"/api/v1/cases/{mid}/transfer", json={**body, "confirm_unstaffed": True}, headers=headers)
    assert done.status_code == 200 and done.json()["result"]["office"] == "测试市教育局"


def test_dispatch_marks_offices_without_staff(deployed: Platform, staff: Browser) -> None:
    data = MessageInput(title="反映一个问题", body="这里有个问题需要处理，请相关部门尽快处理，谢谢。", kind="投诉")
    with deployed.write() as s:
        check_submit(s, deployed.cipher, data, T0)  # no region, no category: the dispatch queue
    login(staff, "disp", PASSWORD)
    html = staff.get("/staff/dispatch").text
    assert "测试市教育局（无在岗人员）</option>" in html and "测试市人力资源和社会保障局</option>" in html
