"""The officials' workbench through real HTTP: login, scoping, dispatch, casework."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from massline.models import AuditLog, Message
from massline.platform import Platform
from massline.web.workbench import safe_next
from massline.worker import Worker
from tests.conftest import PASSWORD
from tests.services.pipeline.test_pipeline import tiny_model
from tests.web_helpers import Browser, freeze_mid_window, login, serve, submit

QUEUED = {"title": "居住证续签咨询", "body": "请问在解放街道居住证到期后续签需要准备哪些材料？", "kind": "咨询",
          "region": "cs-xc-jf"}
HOUSING = {"title": "阳光社区楼道堆放杂物", "body": "阳光社区三栋楼道长期堆放杂物，存在消防隐患，请尽快处理。", "kind": "投诉",
           "region": "cs-dc-hp-yg", "addressee": "office:cs-jsj", "contact_phone": "13900001111"}


@pytest.fixture
def url(deployed: Platform) -> Iterator[str]:
    """A live server of the mini deployment."""
    with serve(deployed) as base:
        yield base


@pytest.fixture
def citizen(url: str) -> Iterator[Browser]:
    """A citizen's browser."""
    with Browser(url) as b:
        yield b


@pytest.fixture
def staff(url: str) -> Iterator[Browser]:
    """A second browser, for an official."""
    with Browser(url) as b:
        yield b


def _id(platform: Platform, code: str) -> int:
    with platform.read() as s:
        message_id = s.scalar(select(Message.id).where(Message.tracking_code == code))
    assert message_id is not None
    return message_id


def test_pages_need_a_login_and_next_is_only_local(staff: Browser) -> None:
    r = staff.get("/staff", params={"status": "accepted"})
    assert r.status_code == 303 and r.headers["location"] == "/staff/login?next=/staff%3Fstatus%3Daccepted"
    assert staff.get("/staff/cases/1").headers["location"].startswith("/staff/login?next=")
    page = staff.get("/staff/login", params={"next": "//evil.example/x"}).text
    assert 'name="next" value="/staff"' in page
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert safe_next(target) == "/staff"
    r = staff.post_form("/staff/login", {"username": "jsj.a", "password": PASSWORD, "next": "https://evil.example/"},
                        form_page="/staff/login")
    assert r.status_code == 303 and r.headers["location"] == "/staff"
    assert staff.post("/staff/logout").status_code == 403  # no CSRF token
    out = staff.follow(staff.post_form("/staff/logout", {}, form_page="/staff"))
    assert "您已安全退出" in out.text
    r = staff.post_form("/staff/login", {"username": "jsj.a", "password": PASSWORD, "next": "/staff/dispatch?page=1"},
                        form_page="/staff/login")
    assert r.headers["location"] == "/staff/dispatch?page=1"


def test_wrong_passwords_throttle_this_address_for_that_username(
    staff: Browser, deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_mid_window(deployed, monkeypatch, deployed.settings.lockout_minutes * 60)
    for username in ("rsj.a", "nobody.here"):  # an account or not: the same answers
        for _ in range(5):
            r = staff.post_form("/staff/login", {"username": username, "password": "wrong-password"},
                                form_page="/staff/login")  # fmt: skip
            assert r.status_code == 401 and "用户名或密码错误" in r.text and f'value="{username}"' in r.text
        throttled = staff.post_form("/staff/login", {"username": username, "password": PASSWORD},
                                    form_page="/staff/login")  # fmt: skip
        assert throttled.status_code == 429 and "登录失败次数过多" in throttled.text
    assert "锁定" not in throttled.text


def test_inbox_is_scoped_and_other_offices_cases_look_missing(
    citizen: Browser, staff: Browser, deployed: Platform
) -> None:
    code, _, _ = submit(citizen, **HOUSING)
    message_id = _id(deployed, code)
    login(staff, "rsj.a", PASSWORD)
    inbox = staff.get("/staff")
    assert "人社经办" in inbox.text and "经办人" in inbox.text and "测试市人力资源和社会保障局" in inbox.text
    assert HOUSING["title"] not in inbox.text
    other = staff.get(f"/staff/cases/{message_id}")
    missing = staff.get("/staff/cases/999999")
    assert other.status_code == missing.status_code == 404
    assert other.text == missing.text
    assert staff.post_form(f"/staff/cases/{message_id}/accept", {}, form_page="/staff").status_code == 404

    staff.post_form("/staff/logout", {}, form_page="/staff")
    login(staff, "jsj.a", PASSWORD)
    inbox = staff.get("/staff").text
    assert HOUSING["title"] in inbox and "待签收" in inbox
    assert HOUSING["title"] not in staff.get("/staff", params={"mine": "1"}).text
    assert HOUSING["title"] in staff.get("/staff", params={"q": "楼道"}).text


def test_official_accepts_drafts_and_publishes(citizen: Browser, staff: Browser, deployed: Platform) -> None:
    code, _, _ = submit(citizen, **HOUSING)
    message_id = _id(deployed, code)
    login(staff, "jsj.a", PASSWORD)
    case = staff.get(f"/staff/cases/{message_id}").text
    assert HOUSING["body"] in case and "13900001111" not in case and "查看联系电话" in case
    assert f'action="/staff/cases/{message_id}/accept"' in case
    assert f'action="/staff/cases/{message_id}/reply"' not in case  # only after accepting

    accepted = staff.follow(staff.post_form(f"/staff/cases/{message_id}/accept", {}, form_page="/staff"))
    assert "已签收" in accepted.text and "住建经办甲" in accepted.text
    assert f'action="/staff/cases/{message_id}/accept"' not in accepted.text

    short = staff.post_form(f"/staff/cases/{message_id}/reply", {"body": "已处理"}, form_page="/staff")
    assert short.status_code == 422 and "答复内容至少 10 个字" in short.text and ">已处理</textarea>" in short.text
    reply = "您好，社区已于今日清理楼道杂物，感谢您的监督。"
    saved = staff.follow(staff.post_form(f"/staff/cases/{message_id}/reply", {"body": reply}, form_page="/staff"))
    assert "答复草稿已保存" in saved.text and f">{reply}</textarea>" in saved.text
    public_id = re.search(r"/messages/(\d+)", citizen.get("/messages").text)
    assert public_id and reply not in citizen.get(f"/messages/{public_id.group(1)}").text  # drafts stay internal

    published = staff.follow(staff.post_form(f"/staff/cases/{message_id}/publish", {}, form_page="/staff"))
    assert "答复已公开发布" in published.text and "已答复" in published.text
    assert reply in citizen.get(f"/messages/{message_id}").text

    shown = staff.post_form(f"/staff/cases/{message_id}/contact", {}, form_page="/staff")
    assert shown.status_code == 200 and "13900001111" in shown.text and shown.headers["cache-control"] == "no-store"
    with deployed.read() as s:
        reads = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "contact_read"))
    assert reads == 1


def test_dispatcher_routes_the_queue(citizen: Browser, staff: Browser, deployed: Platform) -> None:
    code, _, done = submit(citizen, **QUEUED)
    assert "待派单" in done.text
    message_id = _id(deployed, code)
    login(staff, "rsj.a", PASSWORD)
    assert staff.get("/staff/dispatch").status_code == 403
    staff.post_form("/staff/logout", {}, form_page="/staff")

    login(staff, "disp", PASSWORD)
    queue = staff.get("/staff/dispatch").text
    assert QUEUED["title"] in queue and f'action="/staff/cases/{message_id}/dispatch"' in queue
    bad = staff.follow(staff.post_form(f"/staff/cases/{message_id}/reject",
                                       {"reason": "不", "return_to": "/staff/dispatch"}, form_page="/staff"))
    assert "请写明理由" in bad.text and QUEUED["title"] in bad.text
    done_page = staff.follow(staff.post_form(f"/staff/cases/{message_id}/dispatch",
                                             {"office": "cs-rsj", "return_to": "/staff/dispatch"}, form_page="/staff"))
    assert "已派单" in done_page.text and QUEUED["title"] not in done_page.text
    staff.post_form("/staff/logout", {}, form_page="/staff")

    login(staff, "rsj.a", PASSWORD)
    assert QUEUED["title"] in staff.get("/staff").text


def test_leader_reads_without_acting_and_deadlines_are_marked(
    citizen: Browser, staff: Browser, deployed: Platform
) -> None:
    code, _, _ = submit(citizen, **HOUSING)
    message_id = _id(deployed, code)
    with deployed.write() as s:
        message = s.get(Message, message_id)
        assert message is not None
        message.due_at = deployed.now() - timedelta(days=1)
    login(staff, "mayor", PASSWORD)
    inbox = staff.get("/staff").text
    assert HOUSING["title"] in inbox and "is-overdue" in inbox and "领导" in inbox
    case = staff.get(f"/staff/cases/{message_id}").text
    assert HOUSING["body"] in case and "督办（批示）" in case and "催办" in case  # only these two
    assert "/accept" not in case and "/reply" not in case and "查看联系电话" not in case
    assert staff.post_form(f"/staff/cases/{message_id}/contact", {}, form_page="/staff").status_code == 403
    denied = staff.follow(staff.post_form(f"/staff/cases/{message_id}/accept", {}, form_page="/staff"))
    assert "您无权执行此操作" in denied.text
    assert "is-overdue" not in staff.get("/staff", params={"due": "soon"}).text


def test_extension_requested_and_approved(citizen: Browser, staff: Browser, deployed: Platform) -> None:
    code, _, _ = submit(citizen, **HOUSING)
    message_id = _id(deployed, code)
    login(staff, "jsj.a", PASSWORD)
    bad = staff.post_form(f"/staff/cases/{message_id}/extend_request", {"days": "90", "reason": "需要现场勘查"},
                          form_page="/staff")
    assert bad.status_code == 422 and "延期天数须在 1 到 30 天之间" in bad.text and "需要现场勘查</textarea>" in bad.text
    staff.post_form(f"/staff/cases/{message_id}/extend_request", {"days": "5", "reason": "需要现场勘查"}, form_page="/staff")
    assert "等待单位负责人审批" in staff.get(f"/staff/cases/{message_id}").text
    staff.post_form("/staff/logout", {}, form_page="/staff")

    login(staff, "jsj.head", PASSWORD)
    case = staff.get(f"/staff/cases/{message_id}").text
    ext_id = re.search(r'action="/staff/extensions/(\d+)"', case)
    assert ext_id and "申请延期 5 天" in case
    with deployed.read() as s:
        before = s.get(Message, message_id).due_at  # type: ignore[union-attr]
    approved = staff.follow(staff.post_form(f"/staff/extensions/{ext_id.group(1)}", {"approve": "1"}, form_page="/staff"))
    assert "已同意延期" in approved.text and "同意延期" in approved.text
    with deployed.read() as s:
        after = s.get(Message, message_id).due_at  # type: ignore[union-attr]
    assert before is not None and after == before + timedelta(days=5)


def test_dispatch_queue_suggests_an_office_and_says_when_no_model_is_used(
    citizen: Browser, staff: Browser, deployed: Platform, tmp_path: Path
) -> None:
    login(staff, "disp", PASSWORD)
    assert "未启用分类模型" in staff.get("/staff/dispatch").text and "massline classify retrain" in staff.get(
        "/staff/dispatch").text

    deployed.settings.classifier_model = tiny_model(tmp_path / "category.joblib")
    deployed.settings.classifier_threshold = 0.99  # below the threshold: a person decides
    code, _, _ = submit(citizen, title="工钱的事", body="西城区解放街道一个工地老板欠钱三个月不给工人发钱，血汗钱要不回来。",
                        kind="投诉")  # fmt: skip
    message_id = _id(deployed, code)
    Worker(deployed).run_once()
    queue = staff.get("/staff/dispatch").text
    assert "未启用分类模型" not in queue
    item = queue[queue.index("工钱的事"):]
    assert "建议承办单位：<strong>测试市人力资源和社会保障局</strong>" in item
    assert "分类模型判断领域为“劳动和社会保障”" in item and "区域“解放街道”据文中“解放街道" in item
    assert re.search(r"模型置信度 0\.\d\d，低于自动分派阈值 0\.99", item)
    assert 'name="office" value="cs-rsj"' in item and "派至测试市人力资源和社会保障局" in item
    done = staff.follow(staff.post_form(f"/staff/cases/{message_id}/dispatch",
                                        {"office": "cs-rsj", "return_to": "/staff/dispatch"}, form_page="/staff"))
    assert "已派单" in done.text and "工钱的事" not in done.text
    with deployed.read() as s:
        m = s.get(Message, message_id)
        assert m is not None and m.office is not None and m.office.code == "cs-rsj" and m.region is not None
