"""Public issue pages: hot list and one issue, PII-free and public messages only; acting on an issue shows there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from massline.platform import Platform
from massline.worker import Worker
from tests.conftest import PASSWORD
from tests.web.test_dashboard import HOUSING, add, issue_of
from tests.web_helpers import Browser, login

PHONE = "13912345678"
PUBLIC_BODY = f"阳光社区三栋楼道长期堆放杂物，消防通道堵塞，存在消防隐患，请尽快处理。联系我{PHONE}。"
PRIVATE_TITLE = "阳光社区楼道杂物消防隐患（私密）"


@pytest.fixture
def citizen(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


@pytest.fixture
def staff(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


@pytest.fixture
def issue(deployed: Platform) -> tuple[int, int, int]:
    """An issue of two public messages and one private one (ids: issue, public message, private message)."""
    now = deployed.now()
    first = add(deployed, "阳光社区楼道堆放杂物", PUBLIC_BODY, now - timedelta(hours=6), author_name="张三丰", **HOUSING)
    add(deployed, "阳光社区楼道杂物堆放", "阳光社区三栋楼道堆放大量杂物，消防通道堵塞，存在消防隐患。", now - timedelta(hours=5),
        author_name="李四光", **HOUSING)
    private = add(deployed, PRIVATE_TITLE, "阳光社区三栋楼道堆放杂物，消防通道堵塞，存在消防隐患，我不想公开。",
                  now - timedelta(hours=4), author_name="王五", is_public=False, **HOUSING)
    Worker(deployed).run_once()
    issue_id = issue_of(deployed, first)
    assert issue_of(deployed, private) == issue_id  # the same problem in the same place: one issue
    return issue_id, first, private


def test_hot_list_and_issue_page_show_no_pii_and_no_private_message(
    citizen: Browser, issue: tuple[int, int, int]
) -> None:
    issue_id, first, private = issue
    hot = citizen.get("/issues")
    assert hot.status_code == 200 and f'href="/issues/{issue_id}"' in hot.text and "热点问题" in hot.text
    assert 'href="/issues" aria-current="page"' in hot.text  # the portal navigation links here
    page = citizen.get(f"/issues/{issue_id}")
    assert page.status_code == 200
    text = page.text
    assert f'href="/messages/{first}"' in text and f'href="/messages/{private}"' not in text
    assert PRIVATE_TITLE not in text and "我不想公开" not in text and "王五" not in text
    assert PHONE not in text and "张三丰" not in text and "李四光" not in text
    assert "= 贡献" in text  # heat with its components
    assert "style=" not in text
    assert citizen.get("/issues/999999").status_code == 404


def test_rating_form_needs_csrf_and_a_member_message(citizen: Browser, issue: tuple[int, int, int]) -> None:
    issue_id, _, _ = issue
    assert citizen.post(f"/issues/{issue_id}/rate", data={"score": "5"}).status_code == 403  # no CSRF token
    r = citizen.post_form(f"/issues/{issue_id}/rate", {"tracking_code": "NOPE", "secret": "x", "score": "5"},
                          form_page=f"/issues/{issue_id}")
    assert r.status_code == 422 and "查询码或密码不正确" in r.text


def test_own_commit_and_progress_show_on_the_public_page(
    deployed: Platform, staff: Browser, citizen: Browser, issue: tuple[int, int, int]
) -> None:
    issue_id, first, _ = issue
    login(staff, "rsj.a", PASSWORD)  # not the handling office: the issue looks missing
    assert staff.post_form(f"/staff/issues/{issue_id}/own", {}, form_page="/staff").status_code == 404
    staff.post_form("/staff/logout", {}, form_page="/staff")
    login(staff, "jsj.a", PASSWORD)
    page = f"/staff/issues/{issue_id}"
    r = staff.post_form(f"{page}/own", {}, form_page=page)
    assert "已认领该问题" in staff.follow(r).text
    bad = staff.post_form(f"{page}/commit", {"text": "短"}, form_page=page)
    assert bad.status_code == 422 and "承诺内容至少" in bad.text and "作出承诺”未成功" in bad.text
    r = staff.post_form(f"{page}/commit", {"text": "清理阳光社区三栋楼道杂物并设置消防通道标识", "due_date": "2030-01-31"},
                        form_page=page)
    detail = staff.follow(r).text
    commitment = re.search(r'name="commitment_id" value="(\d+)"', detail)
    assert commitment and "承诺/措施已公开" in detail
    r = staff.post_form(f"{page}/update_commitment", {"commitment_id": commitment.group(1), "progress": "40",
                                                       "note": "已清理一至三层"}, form_page=page)
    assert "进展已更新" in staff.follow(r).text
    reply = "阳光社区三栋楼道杂物已安排物业清理，消防通道将设置标识，感谢大家反映。"
    r = staff.post_form(f"{page}/draft_reply", {"body": reply}, form_page=page)
    assert "统一答复草稿已保存" in staff.follow(r).text
    assert reply not in citizen.get(f"/issues/{issue_id}").text  # a draft is not public
    r = staff.post_form(f"{page}/publish_reply", {}, form_page=page)
    assert "统一答复已发布" in staff.follow(r).text

    public = citizen.get(f"/issues/{issue_id}").text
    assert "清理阳光社区三栋楼道杂物并设置消防通道标识" in public
    assert 'value="40"' in public and "40%" in public and "已清理一至三层" in public
    assert reply in public and "测试市住房和城乡建设局" in public and "办理中" in public
    message = citizen.get(f"/messages/{first}").text  # each citizen sees the reply on their own message
    assert reply in message
