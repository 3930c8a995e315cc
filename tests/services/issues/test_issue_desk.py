"""The officials' issue desk: who may act on an alert, region/category filters over subtrees,
pages of issues, the issue reply drafted then published, and Chinese texts — through the
services, the JSON API and the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import Alert, Issue, IssueReply, Message, Region, User
from massline.platform import Platform
from massline.services import access, alerts
from massline.services import issues as issue_views
from massline.services.alerts.trigger import urgent_reason
from massline.services.errors import Conflict, ValidationFailed
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.issues import actions as issue_actions
from massline.services.issues import decisions as issue_decisions
from massline.web import dashboard
from tests.conftest import PASSWORD, token_for
from tests.web_helpers import Browser, login

REPLY = "经核查，相关问题已责令整改，整改情况将在本页公开，感谢大家反映。"


def make_issue(
    p: Platform, title: str, region: str = "cs-dc", category: str = "城乡建设", *, heat: float = 1.0,
    owner: str | None = None, messages: int = 1,
) -> int:  # fmt: skip
    """An issue of ``messages`` public messages filed at ``region`` / ``category`` (no pipeline: fast)."""
    now = p.now()
    with p.write() as s:
        ids = [
            check_submit(s, p.cipher, MessageInput(title=f"{title}{i}", body=f"{title}，请有关部门尽快处理，谢谢。",
                                                   kind="投诉", region=region, category=category,
                                                   author_name=f"居民{i}"), now).id
            for i in range(messages)
        ]  # fmt: skip
        first = s.get(Message, ids[0])
        assert first is not None
        office = s.scalar(select(User.office_id).where(User.username == owner)) if owner else None
        issue = Issue(title=title, status="owned" if office else "open", owner_office_id=office,
                      region_id=first.region_id, category_id=first.category_id, message_count=messages,
                      people_count=messages, public_count=messages, heat=heat, keywords=[], representatives=[],
                      heat_components=[], first_message_at=now, last_message_at=now, created_at=now,
                      updated_at=now, dirty=False)  # fmt: skip
        s.add(issue)
        s.flush()
        for mid in ids:
            m = s.get(Message, mid)
            assert m is not None
            m.issue_id = issue.id
        return issue.id


def actor(s: Session, username: str) -> User:
    u = s.scalar(select(User).where(User.username == username))
    assert u is not None
    return u


@pytest.fixture
def browser(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


# ---- who may act on an alert ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "office_id", "active", "allowed"),
    [
        ("official", 7, True, True),  # the responsible office
        ("office_head", 7, True, True),
        ("official", 8, True, False),  # another office
        ("official", 7, False, False),  # deactivated
        ("dispatcher", None, True, True),
        ("admin", None, True, True),
        ("leader", None, True, False),  # leaders and supervisors only read
        ("supervisor", None, True, False),
    ],
)
def test_can_act_on_alert(role: str, office_id: int | None, active: bool, allowed: bool) -> None:
    user = User(username="u", display_name="u", role=role, office_id=office_id, is_active=active)
    assert access.can_act_on_alert(user, Alert(office_id=7, status="open")) is allowed
    assert access.can_act_on_alert(user, Alert(office_id=None, status="open")) is (allowed and office_id is None)


def test_alert_buttons_only_for_those_who_may_act(deployed: Platform, browser: Browser, api: httpx.Client) -> None:
    with deployed.write() as s:
        jsj = s.scalar(select(User.office_id).where(User.username == "jsj.a"))
        cs = s.scalar(select(Region.id).where(Region.code == "cs"))
        alert_id = alerts.trigger(s, "burst_region", "burst_region:t", deployed.now(), title="区域“测试市”留言激增",
                                  evidence={}, region_id=cs, office_id=jsj).id  # fmt: skip
    form = f'action="/staff/alerts/{alert_id}/acknowledge"'
    for username, shown in (("mayor", False), ("sup", False), ("jsj.a", True), ("disp", True)):
        login(browser, username, PASSWORD)
        page = browser.get("/staff/alerts").text
        assert "区域“测试市”留言激增" in page, username  # every one of them sees the alert ...
        assert (form in page) is shown, username  # ... only the responsible office and dispatchers get buttons
        assert ("知悉</button>" in browser.get("/staff/dashboard").text) is shown, username
        browser.post_form("/staff/logout", {}, form_page="/staff")
    mayor, jsj_h = token_for(api, "mayor"), token_for(api, "jsj.a")
    assert api.get(f"/api/v1/alerts/{alert_id}", headers=mayor).json()["actions"] == []
    assert api.get(f"/api/v1/alerts/{alert_id}", headers=jsj_h).json()["actions"] == ["acknowledge", "resolve"]
    assert api.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={}, headers=mayor).status_code == 403  # still refused


# ---- filters over subtrees, pages -----------------------------------------------------------------


def test_region_and_category_filters_include_the_subtree(deployed: Platform, api: httpx.Client) -> None:
    community = make_issue(deployed, "阳光社区电梯故障", "cs-dc-hp-yg", "城乡建设/安全生产/安全隐患", heat=3)
    district = make_issue(deployed, "东城区道路积水", "cs-dc", "城乡建设", heat=2)
    west = make_issue(deployed, "解放街道拖欠工资", "cs-xc-jf", "劳动和社会保障", heat=1)
    with deployed.read() as s:
        disp = actor(s, "disp")
        dc, category = issue_views.filter_ids(s, "cs-dc", "城乡建设")
        street, sub = issue_views.filter_ids(s, "cs-dc-hp", "城乡建设/安全生产")

        def ids(**kw: object) -> list[int]:
            return [i.id for i in issue_views.staff_issues(s, disp, **kw).items]  # type: ignore[arg-type]

        assert ids(region_id=dc) == [community, district]  # the district includes its community
        assert ids(region_id=street) == [community]
        assert ids(category_id=category) == [community, district]  # the first level includes sub-categories
        assert ids(category_id=sub) == [community]
        assert ids() == [community, district, west]
        hot = issue_views.hot_issues(s, region_id=dc, category_id=category)
        assert [i.id for i in hot] == [community, district]
    public = api.get("/api/v1/issues", params={"region": "cs-dc"}).json()
    assert [i["id"] for i in public] == [community, district]
    h = token_for(api, "sup")
    staff = api.get("/api/v1/staff/issues", params={"category": "城乡建设"}, headers=h).json()
    assert [i["id"] for i in staff["items"]] == [community, district]


def test_dashboard_filters_issues_and_alerts_by_subtree(deployed: Platform, browser: Browser) -> None:
    community = make_issue(deployed, "阳光社区电梯故障", "cs-dc-hp-yg", "城乡建设/安全生产/安全隐患")
    west = make_issue(deployed, "解放街道拖欠工资", "cs-xc-jf", "劳动和社会保障")
    with deployed.write() as s:
        for issue_id in (community, west):
            issue = s.get(Issue, issue_id)
            assert issue is not None
            alerts.trigger(s, "burst_issue", f"burst_issue:{issue_id}", deployed.now(),
                           title=f"问题“{issue.title}”留言激增", evidence={}, issue_id=issue_id,
                           region_id=issue.region_id, category_id=issue.category_id)  # fmt: skip
    login(browser, "sup", PASSWORD)
    page = browser.get("/staff/dashboard", params={"region": "cs-dc"}).text
    assert f'href="/staff/issues/{community}"' in page and f'href="/staff/issues/{west}"' not in page
    assert "阳光社区电梯故障”留言激增" in page and "解放街道拖欠工资”留言激增" not in page
    page = browser.get("/staff/issues", params={"category": "城乡建设"}).text
    assert f'href="/staff/issues/{community}"' in page and f'href="/staff/issues/{west}"' not in page


def test_staff_issues_come_in_pages(deployed: Platform, api: httpx.Client) -> None:
    made = [make_issue(deployed, f"东城区问题{n}", heat=10 - n) for n in range(5)]
    with deployed.read() as s:
        disp = actor(s, "disp")
        first = issue_views.staff_issues(s, disp, page_size=2)
        last = issue_views.staff_issues(s, disp, page=3, page_size=2)
        assert (first.total, first.pages, [i.id for i in first.items]) == (5, 3, made[:2])
        assert [i.id for i in last.items] == made[4:]
        assert issue_views.staff_issues(s, disp, page=4, page_size=2).items == []
        with pytest.raises(ValidationFailed):
            issue_views.staff_issues(s, disp, page=0)
    h = token_for(api, "disp")
    body = api.get("/api/v1/staff/issues", params={"page": 2, "page_size": 2}, headers=h).json()
    assert body["total"] == 5 and body["page"] == 2 and body["pages"] == 3
    assert [i["id"] for i in body["items"]] == made[2:4]
    assert api.get("/api/v1/staff/issues", params={"page": 0}, headers=h).status_code == 422


def test_issue_list_page_links_keep_the_filters(
    deployed: Platform, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [make_issue(deployed, f"东城区问题{n}", heat=10 - n) for n in range(3)]
    make_issue(deployed, "解放街道拖欠工资", "cs-xc-jf", "劳动和社会保障", heat=20)  # filtered out
    monkeypatch.setattr(dashboard, "ISSUE_PAGE_SIZE", 2)
    login(browser, "sup", PASSWORD)
    page = browser.get("/staff/issues", params={"region": "cs-dc", "order": "heat"}).text
    assert "共 3 个问题，第 1 / 2 页" in page
    assert [int(x) for x in re.findall(r'<a class="item-title" href="/staff/issues/(\d+)"', page)] == made[:2]
    nxt = re.search(r'<a href="([^"]+)" rel="next">', page)
    assert nxt is not None
    link = nxt.group(1).replace("&amp;", "&")
    assert "region=cs-dc" in link and "status=active" in link and "page=2" in link
    second = browser.get(link).text
    assert [int(x) for x in re.findall(r'<a class="item-title" href="/staff/issues/(\d+)"', second)] == made[2:]
    assert 'rel="prev"' in second and 'rel="next"' not in second


# ---- reply: draft, then publish --------------------------------------------------------------------


def test_issue_reply_is_drafted_then_published(deployed: Platform, api: httpx.Client) -> None:
    issue_id = make_issue(deployed, "阳光社区楼道杂物", "cs-dc-hp-yg", owner="dc.a", messages=2)
    h, mayor = token_for(api, "dc.a"), token_for(api, "mayor")
    base = f"/api/v1/staff/issues/{issue_id}"
    assert api.post(f"{base}/publish_reply", json={}, headers=h).status_code == 409  # nothing drafted yet
    assert api.post(f"{base}/draft_reply", json={"body": "太短"}, headers=h).status_code == 422
    r = api.post(f"{base}/draft_reply", json={"body": "初稿：正在核实。" * 2}, headers=h)
    assert r.status_code == 200 and r.json()["replies"] == []
    r = api.post(f"{base}/draft_reply", json={"body": REPLY}, headers=h)  # the second save updates the draft
    assert r.json()["draft_reply"]["body"] == REPLY and r.json()["issue"]["status"] == "owned"
    assert api.get(base, headers=mayor).json()["draft_reply"] is None  # only the owner office sees the draft
    public = api.get(f"/api/v1/issues/{issue_id}").json()
    assert public["replies"] == [] and "reply_drafted" not in [e["type"] for e in public["history"]]
    with deployed.read() as s:
        members = list(s.scalars(select(Message.id).where(Message.issue_id == issue_id)))
        assert s.scalar(select(func.count()).select_from(IssueReply).where(IssueReply.issue_id == issue_id)) == 1
    assert all(api.get(f"/api/v1/messages/{m}").json()["reply"] is None for m in members)

    r = api.post(f"{base}/publish_reply", json={}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["draft_reply"] is None and body["issue"]["status"] == "in_progress"
    assert [(x["body"], x["messages"]) for x in body["replies"]] == [(REPLY, 2)]
    for m in members:  # each citizen sees the reply on their own message, answered through casework
        page = api.get(f"/api/v1/messages/{m}").json()
        assert page["reply"]["body"] == REPLY and page["status"] == "replied"
    assert api.get(f"/api/v1/issues/{issue_id}").json()["replies"][0]["body"] == REPLY
    assert api.post(f"{base}/publish_reply", json={}, headers=h).status_code == 409  # the draft is gone


def test_merge_keeps_one_draft(deployed: Platform) -> None:
    a = make_issue(deployed, "阳光社区楼道杂物", "cs-dc-hp-yg", owner="dc.a")
    b = make_issue(deployed, "阳光社区楼道堆物", "cs-dc-hp-yg", owner="dc.a")
    now = deployed.now()
    with deployed.write() as s:
        official = actor(s, "dc.a")
        issue_actions.check_draft_issue_reply(s, official, a, REPLY, now)
        issue_actions.check_draft_issue_reply(s, official, b, "另一份草稿：" + REPLY, now)
        issue_decisions.check_merge(s, official, a, b, "同一问题", now)
    with deployed.write() as s:
        drafts = list(s.scalars(select(IssueReply.body).where(IssueReply.status == "draft")))
        assert drafts == [REPLY]
        issue_actions.do_publish_issue_reply(s, actor(s, "dc.a"), a, now)
        with pytest.raises(Conflict):
            issue_actions.do_publish_issue_reply(s, actor(s, "dc.a"), a, now)


def test_issue_page_saves_a_draft_then_publishes_it(deployed: Platform, browser: Browser) -> None:
    issue_id = make_issue(deployed, "阳光社区楼道杂物", "cs-dc-hp-yg", owner="dc.a")
    page = f"/staff/issues/{issue_id}"
    login(browser, "dc.a", PASSWORD)
    before = browser.get(page).text
    assert f'action="{page}/draft_reply"' in before and f'action="{page}/publish_reply"' not in before
    bad = browser.post_form(f"{page}/draft_reply", {"body": "短"}, form_page=page)
    assert bad.status_code == 422 and "答复内容至少" in bad.text and "保存答复草稿”未成功" in bad.text
    r = browser.post_form(f"{page}/draft_reply", {"body": REPLY}, form_page=page)
    saved = browser.follow(r).text
    assert "统一答复草稿已保存" in saved and "草稿 · 未公开" in saved and REPLY in saved
    assert f'action="{page}/publish_reply"' in saved
    with Browser(str(browser.base_url)) as citizen:
        assert REPLY not in citizen.get(f"/issues/{issue_id}").text  # a draft is never public
    r = browser.post_form(f"{page}/publish_reply", {}, form_page=page)
    published = browser.follow(r).text
    assert "统一答复已发布" in published and "草稿 · 未公开" not in published
    with Browser(str(browser.base_url)) as citizen:
        assert REPLY in citizen.get(f"/issues/{issue_id}").text


# ---- Chinese texts ---------------------------------------------------------------------------------


def test_alert_titles_and_validation_messages_are_chinese(deployed: Platform, api: httpx.Client) -> None:
    issue_id = make_issue(deployed, "阳光社区楼道杂物", "cs-dc-hp-yg", owner="dc.a")
    evidence = [{"message": 1, "level": "urgent", "label": "坍塌", "signal": "collapse"}]
    assert urgent_reason(evidence) == "坍塌（1 条紧急留言）"
    elevated = [{"message": i, "level": "elevated", "label": "燃气泄漏", "signal": "gas"} for i in range(3)]
    assert urgent_reason(elevated) == "燃气泄漏（3 条较急留言有同一风险信号）"
    h = token_for(api, "dc.a")
    base = f"/api/v1/staff/issues/{issue_id}"
    cid = api.post(f"{base}/commit", json={"text": "清理楼道杂物"}, headers=h).json()["commitments"][0]["id"]
    r = api.post(f"{base}/update_commitment", json={"commitment_id": cid, "progress": 10, "status": "soon"}, headers=h)
    assert r.status_code == 422
    assert "已承诺、推进中、已完成或已取消" in r.text and "planned" not in r.text and "in_progress" not in r.text
