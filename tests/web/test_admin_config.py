"""The admin edits offices, the taxonomy and deadlines in the browser and reads the casework policy:
only the admin may, bad input is refused in Chinese without writing anything, every change is
audited, and routing and deadlines follow at once (the configuration version is bumped). A later
load of the deployment file overwrites what the file names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from massline.io.deployment_yaml import load_deployment
from massline.models import AuditLog, Category, DeadlineRule, Message, Office
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment
from tests.conftest import PASSWORD, token_for
from tests.web.test_typed_actions import CASE
from tests.web_helpers import Browser, login

DATA = Path(__file__).parents[1] / "data"
PAGES = ("/staff/admin/offices", "/staff/admin/offices/2", "/staff/admin/taxonomy", "/staff/admin/deadlines",
         "/staff/admin/casework")


@pytest.fixture
def admin(url: str) -> Iterator[Browser]:
    with Browser(url) as browser:
        login(browser, "admin", PASSWORD)
        yield browser


def _audit(platform: Platform, action: str) -> list[AuditLog]:
    with platform.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def _submit(url: str, **fields: str) -> int:
    with httpx.Client(base_url=url, timeout=10) as client:
        r = client.post("/api/v1/messages", json={**CASE, **fields})
        assert r.status_code in (200, 201), r.text
        return int(r.json()["id"])


def _case(platform: Platform, message_id: int) -> tuple[str | None, timedelta | None]:
    with platform.read() as s:
        m = s.get(Message, message_id)
        assert m is not None
        return (m.office.code if m.office else None), (m.due_at - m.created_at if m.due_at else None)


def _office_id(platform: Platform, code: str) -> int:
    with platform.read() as s:
        return int(s.scalar(select(Office.id).where(Office.code == code)))


@pytest.mark.parametrize("username", ["jsj.head", "disp", "sup"])
def test_only_the_admin_reaches_the_configuration_pages(url: str, deployed: Platform, username: str) -> None:
    with Browser(url) as staff:
        login(staff, username, PASSWORD)
        for path in PAGES:
            r = staff.get(path)
            assert r.status_code == 403 and "您无权执行此操作" in r.text, path
        for path, data in (
            ("/staff/admin/offices", {"code": "cs-new", "name": "新单位", "region": "cs"}),
            ("/staff/admin/offices/2", {"name": "改名", "region": "cs"}),
            ("/staff/admin/taxonomy", {"name": "新分类"}),
            ("/staff/admin/taxonomy/1", {"name": "改名"}),
            ("/staff/admin/taxonomy/1/delete", {}),
            ("/staff/admin/deadlines", {"default_days": "3", "due_soon_days": "1"}),
            ("/staff/admin/deadlines/rules", {"kind": "求助", "days": "3"}),
            ("/staff/admin/deadlines/rules/1/delete", {}),
            ("/staff/admin/casework", {"moderation": "pre"}),
        ):
            assert staff.post_form(path, data, form_page="/staff").status_code == 403, path
    with deployed.read() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.actor_id.is_not(None),
                                                  AuditLog.action != "login")) is None


def test_editing_an_office_changes_routing_at_once(url: str, deployed: Platform, admin: Browser) -> None:
    assert _case(deployed, _submit(url))[0] == "cs-jsj"
    jsj = _office_id(deployed, "cs-jsj")
    page = admin.get(f"/staff/admin/offices/{jsj}")
    assert page.status_code == 200 and "测试市住房和城乡建设局" in page.text
    bad = admin.post_form(f"/staff/admin/offices/{jsj}", {"name": " ", "region": "nowhere"}, form_page="/staff")
    assert bad.status_code == 422 and "请填写单位名称" in bad.text and "辖区 nowhere 不存在" in bad.text
    r = admin.post_form(f"/staff/admin/offices/{jsj}", {"name": "测试市住建局", "region": "cs",
                                                        "categories": ["教育文体"]}, form_page="/staff")
    assert "已修改" in admin.follow(r).text
    assert _case(deployed, _submit(url))[0] is None  # nobody answers 城乡建设 now: the dispatch queue
    centre = _office_id(deployed, "cs-12345")
    kept = admin.post_form(f"/staff/admin/offices/{centre}", {"name": "测试市12345热线", "region": "cs"},
                           form_page="/staff")
    assert kept.status_code == 422 and "该单位有启用的派单员账号，不能取消派单中心" in kept.text
    [row] = _audit(deployed, "office_updated")
    assert row.detail == {"code": "cs-jsj", "name": ["测试市住房和城乡建设局", "测试市住建局"],
                          "categories": [["城乡建设"], ["教育文体"]]}


def test_adding_an_office_routes_its_region_and_category_there(url: str, deployed: Platform, admin: Browser) -> None:
    office = {"code": "cs-xc-jsj", "name": "西城区住建局", "region": "cs-xc", "categories": ["城乡建设"]}
    for data, message in (({**office, "code": "cs-jsj"}, "单位代码 cs-jsj 已存在"),
                          ({**office, "code": "Bad Code"}, "单位代码须为小写字母和数字"),
                          ({**office, "categories": ["没有这个"]}, "领域不存在：没有这个")):
        bad = admin.post_form("/staff/admin/offices", data, form_page="/staff")
        assert bad.status_code == 422 and message in bad.text, message
    with deployed.read() as s:
        assert s.scalar(select(Office).where(Office.code == "cs-xc-jsj")) is None
    r = admin.post_form("/staff/admin/offices", office, form_page="/staff")
    assert "已添加" in admin.follow(r).text
    assert _case(deployed, _submit(url))[0] == "cs-xc-jsj"  # the more specific region wins
    [row] = _audit(deployed, "office_added")
    assert row.detail["code"] == "cs-xc-jsj" and row.detail["region"] == "cs-xc"
    # the office list marks it: nobody can take its cases yet
    assert "cs-xc-jsj" in admin.get("/staff/admin/offices").text


def test_taxonomy_add_rename_and_delete(url: str, deployed: Platform, admin: Browser) -> None:
    r = admin.post_form("/staff/admin/taxonomy", {"name": "应急管理"}, form_page="/staff")
    assert "已添加" in admin.follow(r).text
    with deployed.read() as s:
        top = s.scalar(select(Category).where(Category.path == "应急管理"))
        used = s.scalar(select(Category).where(Category.path == "城乡建设"))
        assert top is not None and used is not None
        top_id, used_id = top.id, used.id
    r = admin.post_form("/staff/admin/taxonomy", {"name": "防汛", "parent": str(top_id)}, form_page="/staff")
    admin.follow(r)
    r = admin.post_form("/staff/admin/taxonomy", {"name": "城区内涝", "parent": str(top_id + 1)}, form_page="/staff")
    with deployed.read() as s:
        third = s.scalar(select(Category).where(Category.path == "应急管理/防汛/城区内涝"))
        assert third is not None and third.level == 3
        third_id = third.id
    for data, message in (({"name": "太深", "parent": str(third_id)}, "分类最多 3 级"),
                          ({"name": "城乡建设"}, "分类“城乡建设”已存在"),
                          ({"name": "a/b"}, "分类名称不能包含“/”")):
        bad = admin.post_form("/staff/admin/taxonomy", data, form_page="/staff")
        assert bad.status_code == 422 and message in bad.text, message
    r = admin.post_form(f"/staff/admin/taxonomy/{top_id}", {"name": "应急救援"}, form_page="/staff")
    assert "应急救援" in admin.follow(r).text
    with deployed.read() as s:
        assert s.get(Category, third_id).path == "应急救援/防汛/城区内涝"  # type: ignore[union-attr]
    taken = admin.post_form(f"/staff/admin/taxonomy/{top_id}", {"name": "教育文体"}, form_page="/staff")
    assert taken.status_code == 422 and "已存在" in taken.text
    # the citizens' form offers the new first-level category at once
    with httpx.Client(base_url=url, timeout=10) as client:
        assert "应急救援" in client.get("/api/v1/meta").text
    # a category in use cannot be deleted; an unused leaf can
    refused = admin.post_form(f"/staff/admin/taxonomy/{used_id}/delete", {}, form_page="/staff")
    assert refused.status_code == 422 and "不能删除" in refused.text
    r = admin.post_form(f"/staff/admin/taxonomy/{third_id}/delete", {}, form_page="/staff")
    assert "已删除" in admin.follow(r).text
    actions = [(a.action, a.detail) for a in _audit(deployed, "category_renamed") + _audit(deployed, "category_deleted")]
    assert actions == [("category_renamed", {"before": "应急管理", "after": "应急救援"}),
                       ("category_deleted", {"path": "应急救援/防汛/城区内涝"})]
    assert len(_audit(deployed, "category_added")) == 3


def test_deadlines_apply_to_new_cases_at_once(url: str, deployed: Platform, admin: Browser) -> None:
    help_case = {"kind": "求助", "category": "教育文体", "title": "孩子入学手续咨询办理", "body": "请问孩子入学需要哪些手续材料"}
    assert _case(deployed, _submit(url, **help_case))[1] == timedelta(days=15)
    page = admin.get("/staff/admin/deadlines")
    assert page.status_code == 200 and "城乡建设" in page.text and "20 天" in page.text
    for data, message in (({"default_days": "abc", "due_soon_days": "2"}, "默认办理期限须为整数"),
                          ({"default_days": "5", "due_soon_days": "5"}, "临期提醒天数须小于默认办理期限"),
                          ({"default_days": "0", "due_soon_days": "0"}, "默认办理期限须在 1–365 天之间")):
        bad = admin.post_form("/staff/admin/deadlines", data, form_page="/staff")
        assert bad.status_code == 422 and message in bad.text, message
    r = admin.post_form("/staff/admin/deadlines", {"default_days": "10", "due_soon_days": "3"}, form_page="/staff")
    assert "已保存" in admin.follow(r).text
    assert _case(deployed, _submit(url, **help_case))[1] == timedelta(days=10)
    bad = admin.post_form("/staff/admin/deadlines/rules", {"days": "7"}, form_page="/staff")
    assert bad.status_code == 422 and "规则至少需要指定领域或类型之一" in bad.text
    rule = {"category": "教育文体", "kind": "求助", "days": "7"}
    admin.follow(admin.post_form("/staff/admin/deadlines/rules", rule, form_page="/staff"))
    admin.follow(admin.post_form("/staff/admin/deadlines/rules", {**rule, "days": "6"}, form_page="/staff"))
    assert _case(deployed, _submit(url, **help_case))[1] == timedelta(days=6)  # one rule, changed
    with deployed.read() as s:
        [rule_id] = s.scalars(select(DeadlineRule.id).where(DeadlineRule.kind == "求助")).all()
    admin.follow(admin.post_form(f"/staff/admin/deadlines/rules/{rule_id}/delete", {}, form_page="/staff"))
    assert _case(deployed, _submit(url, **help_case))[1] == timedelta(days=10)
    assert [a.detail["days"] for a in _audit(deployed, "deadline_rule_set")] == [[None, 7], [7, 6]]
    assert _audit(deployed, "deadlines_updated")[0].detail == {"default_days": [15, 10], "due_soon_days": [2, 3]}
    assert len(_audit(deployed, "deadline_rule_deleted")) == 1


def test_the_casework_page_shows_the_policy_and_the_way_to_a_model(
    url: str, deployed: Platform, admin: Browser
) -> None:
    page = admin.get("/staff/admin/casework")
    assert page.status_code == 200
    assert "先发后审" in page.text and "escalate_to_centre_after_hours" in page.text
    assert "未启用分类模型" in page.text and "massline classify retrain" in page.text
    assert "目前可用于训练的留言（已答复或已办结，或派单员、经办人更正过领域的）有 <strong>0</strong> 条" in page.text
    # a dispatcher's classification is a labelled message
    with httpx.Client(base_url=url, timeout=10) as client:
        r = client.post(f"/api/v1/cases/{_submit(url)}/category", json={"category": "教育文体"},
                        headers=token_for(client, "disp"))
        assert r.status_code == 200, r.text
    assert "有 <strong>1</strong> 条" in admin.get("/staff/admin/casework").text
    model = deployed.settings.classifier_model_path
    model.parent.mkdir(parents=True, exist_ok=True)
    model.write_bytes(b"a model file")
    assert "已启用分类模型" in admin.get("/staff/admin/casework").text


def test_the_admin_changes_the_casework_policy(deployed: Platform, admin: Browser) -> None:
    from massline.services.policy import casework_policy

    form = {"moderation": "pre", "reply_approval": "1", "centre_approves_transfers": "1",
            "remind_before_hours": "12", "escalate_to_head_after_hours": "24",
            "escalate_to_centre_after_hours": "72", "close_after_days": "10", "callback_after_days": "3",
            "callback_max_tries": "3"}
    for bad, message in (({"remind_before_hours": "abc"}, "到期前提醒须为整数"),
                         ({"close_after_days": "-1"}, "答复后无人评价自动办结不能小于 0"),
                         ({"moderation": "never"}, "留言审核的取值不正确"),
                         ({"escalate_to_centre_after_hours": "12"}, "升级到派单中心的时限不能少于升级到单位负责人的时限")):
        r = admin.post_form("/staff/admin/casework", {**form, **bad}, form_page="/staff")
        assert r.status_code == 422 and message in r.text, message
    with deployed.read() as s:
        assert casework_policy(s).moderation == "post"  # nothing written
    r = admin.post_form("/staff/admin/casework", form, form_page="/staff")
    assert "办理规则已保存" in admin.follow(r).text
    with deployed.read() as s:
        policy = casework_policy(s)
    assert (policy.moderation, policy.reply_approval, policy.centre_approves_extensions) == ("pre", True, False)
    assert (policy.remind_before_hours, policy.escalate_to_centre_after_hours, policy.close_after_days) == (12, 72, 10)
    [row] = _audit(deployed, "casework_policy_updated")
    assert row.detail["moderation"] == ["post", "pre"] and row.detail["centre_approves_transfers"] == [False, True]
    assert "callback_after_days" not in row.detail  # unchanged fields are not listed
    page = admin.get("/staff/admin/casework").text
    assert 'value="pre" selected' in page and 'value="72"' in page


def test_a_later_configuration_load_overwrites_what_the_file_names(url: str, deployed: Platform,
                                                                   admin: Browser) -> None:
    jsj = _office_id(deployed, "cs-jsj")
    admin.follow(admin.post_form(f"/staff/admin/offices/{jsj}", {"name": "改过的名字", "region": "cs"},
                                 form_page="/staff"))
    admin.follow(admin.post_form("/staff/admin/deadlines", {"default_days": "9", "due_soon_days": "1"},
                                 form_page="/staff"))
    policy = {"moderation": "pre", "remind_before_hours": "1", "escalate_to_head_after_hours": "0",
              "escalate_to_centre_after_hours": "1", "close_after_days": "1", "callback_after_days": "1"}
    admin.follow(admin.post_form("/staff/admin/casework", policy, form_page="/staff"))
    with deployed.write() as s:
        check_apply_deployment(s, load_deployment(DATA / "mini.yaml"), passwords=deployed.passwords)
    with deployed.read() as s:
        office = s.get(Office, jsj)
        assert office is not None and office.name == "测试市住房和城乡建设局"
        assert [c.path for c in office.categories] == ["城乡建设"]
    assert _case(deployed, _submit(url))[0] == "cs-jsj"
    assert "value=\"15\"" in admin.get("/staff/admin/deadlines").text
    assert 'value="post" selected' in admin.get("/staff/admin/casework").text  # mini.yaml has no casework:


@pytest.mark.slow  # loads the whole demo (~13 s)
def test_the_admin_pages_work_on_the_demo(platform: Platform) -> None:
    from massline.services.demo import load_demo
    from massline.services.people import check_reset_password
    from tests.web_helpers import serve

    load_demo(platform)
    with platform.write() as s:
        check_reset_password(s, "admin", PASSWORD, passwords=platform.passwords)
    with serve(platform) as base, Browser(base) as demo_admin:
        login(demo_admin, "admin", PASSWORD)
        for path in (*PAGES[:1], *PAGES[2:], "/staff/admin/users"):
            assert demo_admin.get(path).status_code == 200, path
        assert "已启用分类模型" in demo_admin.get("/staff/admin/casework").text  # the demo trains one at load
        offices = demo_admin.get("/staff/admin/offices").text
        assert "无人办理" not in offices.split("</thead>")[1]  # the demo staffs every office
