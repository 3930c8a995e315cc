"""Offices speak online, through real HTTP: posts with edit history, moderated comment threads and
officials' answers, the Atom feed, clarifications reaching every citizen of an issue, the silent list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from xml.etree import ElementTree as ET

import httpx
import pytest
from sqlalchemy import select, update

from massline.models import Issue, Message, MessageEvent, Notification, Office, Post, PostComment, SiteSetting, User
from massline.platform import Platform
from massline.services import publishing
from massline.services.events import EVENT_LABELS
from massline.services.notify import NOTIFIED
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

ATOM = "{http://www.w3.org/2005/Atom}"
BODY = "自 2027 年 1 月 1 日起，本市老旧小区加装电梯补贴标准提高到每部 25 万元，申请流程见下。"


@pytest.fixture
def jsj(url: str) -> Iterator[Browser]:
    """An official of the housing bureau (cs-jsj), logged in."""
    with Browser(url) as b:
        login(b, "jsj.a", PASSWORD)
        yield b


@pytest.fixture
def citizen(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


def _office(platform: Platform, code: str) -> int:
    with platform.read() as s:
        office_id = s.scalar(select(Office.id).where(Office.code == code))
        assert office_id is not None
        return office_id


def _post(b: Browser, office_id: int, **fields: str) -> int:
    data = {"office_id": str(office_id), "kind": "policy", "title": "加装电梯补贴政策解读", "body": BODY, **fields}
    r = b.post_form("/staff/publishing/posts", data, form_page="/staff/publishing")
    assert r.status_code == 303, r.text[:2000]
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_a_post_is_published_edited_with_history_and_in_the_feed(
    jsj: Browser, citizen: Browser, deployed: Platform
) -> None:
    office_id = _office(deployed, "cs-jsj")
    post_id = _post(jsj, office_id)
    r = jsj.post_form(f"/staff/publishing/posts/{post_id}", {"title": "加装电梯补贴政策解读（更新）", "body": BODY + "补充。"},
                      form_page=f"/staff/publishing/posts/{post_id}")  # fmt: skip
    assert r.status_code == 303
    page = citizen.get(f"/posts/{post_id}").text
    assert "（更新）" in page and "修改记录（1 次）" in page and "政策解读" in page
    assert "加装电梯补贴政策解读" in citizen.get(f"/offices/{office_id}").text
    feed = citizen.get(f"/offices/{office_id}/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed, parsed to show it is well-formed
    assert root.tag == f"{ATOM}feed" and root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "【政策解读】加装电梯补贴政策解读（更新）"
    assert entry.find(f"{ATOM}link").get("href", "").endswith(f"/posts/{post_id}")  # type: ignore[union-attr]
    assert citizen.get("/offices/999999/feed.atom").status_code == 404
    listed = citizen.get(f"/api/v1/offices/{office_id}/posts").json()
    assert listed["office"] == "测试市住房和城乡建设局" and listed["posts"][0]["edits"] == 1
    assert listed["posts"][0]["kind_label"] == "政策解读" and listed["posts"][0]["title"].endswith("（更新）")
    missing = citizen.get("/api/v1/offices/999999/posts")
    assert missing.status_code == 404 and missing.json()["detail"]


def test_bad_posts_are_refused_in_chinese_and_store_nothing(jsj: Browser, deployed: Platform) -> None:
    office_id = _office(deployed, "cs-jsj")
    r = jsj.post_form("/staff/publishing/posts", {"office_id": str(office_id), "kind": "gossip", "title": "", "body": "短"},
                      form_page="/staff/publishing")  # fmt: skip
    assert r.status_code == 422 and "请选择发布类型" in r.text and "请填写标题" in r.text and "正文至少" in r.text
    other = _office(deployed, "cs-rsj")  # not the official's office: no such office for them
    assert jsj.post_form("/staff/publishing/posts", {"office_id": str(other), "kind": "notice", "title": "通知公告",
                         "body": BODY}, form_page="/staff/publishing").status_code == 404  # fmt: skip
    with deployed.read() as s:
        assert s.scalar(select(Post.id)) is None


def _comment(citizen: Browser, post_id: int, body: str, name: str = "张建国") -> httpx.Response:
    return citizen.post_form(f"/posts/{post_id}/comments", {"author_name": name, "body": body},
                             form_page=f"/posts/{post_id}")  # fmt: skip


def test_comments_are_redacted_moderated_and_answered_in_the_thread(
    jsj: Browser, citizen: Browser, deployed: Platform
) -> None:
    post_id = _post(jsj, _office(deployed, "cs-jsj"))
    with deployed.write() as s:  # pre-moderation: a comment waits for the office
        s.get(SiteSetting, "casework_policy").value = '{"moderation": "pre"}'  # type: ignore[union-attr]
    r = _comment(citizen, post_id, "我家小区想申请，电话 13912345678，请问找哪个部门？")
    assert r.status_code == 303
    assert "审核后公开" in citizen.get(r.headers["location"]).text
    page = citizen.get(f"/posts/{post_id}").text
    assert "请问找哪个部门" not in page  # pending: not shown
    desk = jsj.get("/staff/publishing").text
    assert "请问找哪个部门" in desk and "13912345678" not in desk  # redacted before it is stored
    with deployed.read() as s:
        comment = s.scalars(select(PostComment)).one()
        assert comment.review_state == "pending" and comment.author_name == "张*国" and comment.review_findings
        assert "13912345678" not in comment.public_body
    with Browser(str(jsj.base_url)) as other:  # another office's official: not on their desk, no answering it
        login(other, "rsj.a", PASSWORD)
        assert "请问找哪个部门" not in other.get("/staff/publishing").text
        r = other.post_form(f"/staff/publishing/comments/{comment.id}/answer", {"body": "这不是我们单位的事。"},
                            form_page="/staff/publishing")  # fmt: skip
        assert r.status_code == 404
    r = jsj.post_form(f"/staff/publishing/comments/{comment.id}/answer", {"body": "请向所在街道办事处提交申请。"},
                      form_page="/staff/publishing")  # fmt: skip
    assert r.status_code == 303
    page = citizen.get(f"/posts/{post_id}").text
    assert "请问找哪个部门" in page and "请向所在街道办事处提交申请" in page and "测试市住房和城乡建设局" in page
    assert "请问找哪个部门" not in jsj.get("/staff/publishing").text  # answered: off the desk
    assert _comment(citizen, post_id, "好").status_code == 422  # too short: a Chinese error, nothing stored
    with deployed.read() as s:
        assert len(s.scalars(select(PostComment)).all()) == 2


def test_comment_form_needs_csrf_and_is_rate_limited(citizen: Browser, jsj: Browser, deployed: Platform) -> None:
    post_id = _post(jsj, _office(deployed, "cs-jsj"))
    r = citizen.post(f"/posts/{post_id}/comments", data={"body": "没有令牌的评论内容"})
    assert r.status_code == 403
    deployed.submit_limiter.limit = 2
    codes = [_comment(citizen, post_id, f"第{i}条评论：补贴什么时候发放？").status_code for i in range(3)]
    assert codes == [303, 303, 429]


def _issue_of_three(platform: Platform, api: httpx.Client) -> tuple[int, list[int]]:
    ids = []
    for i in range(3):
        r = api.post("/api/v1/messages", json={
            "title": f"网传阳光社区要拆迁{i}", "body": "听说阳光社区整体拆迁，补偿标准很低，是真的吗？", "kind": "咨询",
            "region": "cs-dc-hp-yg", "contact_email": f"resident{i}@example.com", "notify": True,
        })  # fmt: skip
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    now = platform.now()
    with platform.write() as s:
        issue = Issue(title="网传阳光社区拆迁", status="open", message_count=3, people_count=3, public_count=3, heat=1.0,
                      keywords=[], representatives=[], heat_components=[], first_message_at=now,
                      last_message_at=now, created_at=now, updated_at=now, dirty=False)  # fmt: skip
        s.add(issue)
        s.flush()
        s.execute(update(Message).where(Message.id.in_(ids)).values(issue_id=issue.id))
        return issue.id, ids


def test_a_clarification_reaches_every_citizen_of_the_issue(
    jsj: Browser, citizen: Browser, api: httpx.Client, deployed: Platform
) -> None:
    assert "clarified" in EVENT_LABELS and "clarified" in NOTIFIED
    issue_id, ids = _issue_of_three(deployed, api)
    data = {"office_id": str(_office(deployed, "cs-jsj")), "issue_id": str(issue_id), "title": "关于阳光社区拆迁传言的说明",
            "claim": "网传阳光社区将整体拆迁、补偿标准很低。", "facts": "经核实，阳光社区没有列入任何拆迁计划，传言不实。",
            "evidence": "市住建局2027年城市更新计划（公开文件）。", "signed_by": "住建局副局长 赵建"}  # fmt: skip
    r = jsj.post_form("/staff/publishing/clarifications", data, form_page="/staff/publishing")
    assert r.status_code == 303
    clar_path = r.headers["location"]
    with deployed.read() as s:
        events = s.scalars(select(MessageEvent).where(MessageEvent.type == "clarified")).all()
        assert sorted(e.message_id for e in events) == sorted(ids) and all(e.is_public for e in events)
    report = deployed.notifier().run_once()
    assert report.derived == 3
    with deployed.read() as s:
        rows = s.scalars(select(Notification).where(Notification.purpose == "clarified")).all()
        assert sorted(n.message_id for n in rows) == sorted(ids)
    for mid in ids:  # every message of the issue links it, and so does the issue's page
        assert clar_path in citizen.get(f"/messages/{mid}").text
    assert clar_path in citizen.get(f"/issues/{issue_id}").text
    with deployed.write() as s:  # a message split off into another issue still links what it was told of
        s.execute(update(Message).where(Message.id == ids[0]).values(issue_id=None))
    assert clar_path in citizen.get(f"/messages/{ids[0]}").text
    other = api.post("/api/v1/messages", json={"title": "别的留言", "body": "与传言无关的另一条留言内容。", "kind": "咨询",
                                               "region": "cs-dc-hp-yg"}).json()["id"]  # fmt: skip
    assert "澄清说明" not in citizen.get(f"/messages/{other}").text
    page = citizen.get(clar_path).text
    assert "传言不实" in page and "住建局副局长 赵建" in page and "阅读 1" in page
    assert "阅读 1" in citizen.get(clar_path).text  # the same browser: counted once
    read = citizen.get(f"/api/v1{clar_path}").json()  # the JSON API: no view counted
    assert read["signed_by"] == "住建局副局长 赵建" and read["issue_id"] == issue_id and read["views"] == 1
    react = citizen.post_form(f"{clar_path}/react", {"reaction": "helpful"}, form_page=clar_path)
    assert react.status_code == 303
    again = citizen.follow(citizen.post_form(f"{clar_path}/react", {"reaction": "doubtful"}, form_page=clar_path))
    assert "已经评价过" in again.text and "有帮助（1）" in again.text and "仍有疑问（0）" in again.text


def test_a_clarification_needs_its_fields_and_a_real_issue(jsj: Browser, deployed: Platform) -> None:
    data = {"office_id": str(_office(deployed, "cs-jsj")), "issue_id": "4242", "title": "说明", "claim": "",
            "facts": "太短", "signed_by": ""}  # fmt: skip
    r = jsj.post_form("/staff/publishing/clarifications", data, form_page="/staff/publishing")
    assert r.status_code == 422
    for text in ("没有这个问题编号", "请填写网传说法", "事实情况至少", "请填写署名"):
        assert text in r.text


def test_the_silent_list_and_last_activity(url: str, jsj: Browser, deployed: Platform) -> None:
    jsj_id, dc_id = _office(deployed, "cs-jsj"), _office(deployed, "cs-dc-gov")
    with deployed.read() as s:
        leader_id = s.get(Office, jsj_id).leaders[0].id  # type: ignore[union-attr]
    _post(jsj, jsj_id, leader_id=str(leader_id))
    with deployed.read() as s:
        latest = publishing.last_activity(s)
    assert latest[("office", jsj_id)] is not None and latest[("leader", leader_id)] is not None
    assert latest[("office", dc_id)] is None
    with Browser(url) as sup:
        login(sup, "sup", PASSWORD)
        page = sup.get("/staff/publishing/silent").text
    assert "东城区人民政府" in page and "区长 钱东" in page and "测试市住房和城乡建设局</a>" not in page
    assert "14 天内" in page
    later = deployed.now() + timedelta(days=15)
    with deployed.read() as s:  # 15 days later the bureau is silent too
        sup_user = s.scalar(select(User).where(User.username == "sup"))
        assert sup_user is not None
        _, rows = publishing.silent_accounts(s, sup_user, later)
    assert ("office", jsj_id) in {(r.kind, r.id) for r in rows}
    assert jsj.get("/staff/publishing/silent").status_code == 403  # an official: not for them


def test_a_leader_publishes_for_offices_of_their_region_only(url: str, deployed: Platform) -> None:
    with Browser(url) as leader:
        login(leader, "dc.leader", PASSWORD)
        desk = leader.get("/staff/publishing").text
        assert "东城区人民政府" in desk and "测试市住房和城乡建设局" not in desk
        assert re.search(r"<option value=\"\d+\">东城区人民政府 区长 钱东</option>", desk)
