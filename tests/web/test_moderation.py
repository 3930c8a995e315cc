"""Review before publishing: pre-moderation hides a message until a moderator publishes it, post-moderation
shows it at once; a redaction keeps the original for staff; a withheld message tells the citizen why and is
404 to the public; only dispatchers and admins moderate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from massline.io.deployment_yaml import CaseworkSpec
from massline.models import Message, MessageEvent, SiteSetting
from massline.platform import Platform
from massline.worker import Worker
from tests.conftest import PASSWORD, token_for
from tests.web.test_dashboard import HOUSING, add, issue_of
from tests.web_helpers import Browser, login, submit

NAME_BODY = "楼上邻居王建国家每天半夜装修，电钻声吵得孩子没法睡觉，他的电话13907311234，请有关部门管一管。"
MESSAGE = {"title": "解放街道邻居半夜装修扰民", "body": NAME_BODY, "kind": "投诉", "region": "cs-xc-jf",
           "category": "城乡建设"}  # fmt: skip


def set_moderation(platform: Platform, mode: str) -> None:
    """Switch the deployment's ``casework.moderation`` policy (as a deployment file would)."""
    with platform.write() as s:
        s.merge(SiteSetting(key="casework_policy", value=CaseworkSpec(moderation=mode).model_dump_json()))


def _submit(api: httpx.Client, **fields: object) -> dict:
    r = api.post("/api/v1/messages", json={**MESSAGE, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def _publicly_visible(api: httpx.Client, citizen: Browser, m: dict, word: str = "装修扰民") -> list[bool]:
    """Is the message on each public read path: API detail, API board, API search, page, board page, search page."""
    board = api.get("/api/v1/messages").json()["items"]
    found = api.get("/api/v1/messages", params={"q": word}).json()["items"]
    return [
        api.get(f"/api/v1/messages/{m['id']}").status_code == 200,
        any(x["id"] == m["id"] for x in board),
        any(x["id"] == m["id"] for x in found),
        citizen.get(f"/messages/{m['id']}").status_code == 200,
        f'href="/messages/{m["id"]}"' in citizen.get("/messages").text,
        f'href="/messages/{m["id"]}"' in citizen.get("/messages", params={"q": word}).text,
    ]


@pytest.fixture
def citizen(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


@pytest.fixture
def disp(url: str) -> Iterator[dict[str, str]]:
    with httpx.Client(base_url=url, timeout=10) as c:
        yield token_for(c, "disp")


def test_pre_moderation_hides_a_message_until_it_is_published(
    deployed: Platform, url: str, api: httpx.Client, citizen: Browser, disp: dict[str, str]
) -> None:
    set_moderation(deployed, "pre")
    m = _submit(api)
    assert _publicly_visible(api, citizen, m) == [False] * 6
    queue = api.get("/api/v1/moderation", headers=disp).json()
    (item,) = [x for x in queue if x["id"] == m["id"]]
    assert item["review_state"] == "pending" and item["review_label"] == "待审核"
    kinds = {(f["kind"], f["text"]) for f in item["findings"]}
    assert ("name", "王建国") in kinds and ("pii", "139****1234") in kinds
    # the citizen is told it waits for review, and the case is handled meanwhile
    track = api.post("/api/v1/track", json={"tracking_code": m["tracking_code"], "secret": m["secret"]}).json()
    assert track["review_label"] == "待审核（审核通过后公开）" and track["status"] == "assigned"
    r = api.post(f"/api/v1/moderation/{m['id']}", json={"outcome": "publish"}, headers=disp)
    assert r.status_code == 200 and r.json()["review_state"] == "published"
    assert _publicly_visible(api, citizen, m) == [True] * 6
    assert all(x["id"] != m["id"] for x in api.get("/api/v1/moderation", headers=disp).json())
    with deployed.read() as s:
        event = s.scalars(select(MessageEvent).where(MessageEvent.message_id == m["id"])).all()[-1]
        assert (event.type, event.is_public, event.actor.username) == ("review_published", False, "disp")


def test_post_moderation_shows_a_message_at_once_and_queues_it(
    deployed: Platform, api: httpx.Client, citizen: Browser, disp: dict[str, str]
) -> None:
    set_moderation(deployed, "post")
    m = _submit(api)
    assert _publicly_visible(api, citizen, m) == [True] * 6
    (item,) = [x for x in api.get("/api/v1/moderation", headers=disp).json() if x["id"] == m["id"]]
    assert item["review_state"] == "unreviewed"
    # re-review of a published message: a moderator may still withhold it
    r = api.post(f"/api/v1/moderation/{m['id']}", json={"outcome": "withhold", "reason": "涉及他人隐私"}, headers=disp)
    assert r.status_code == 200
    assert _publicly_visible(api, citizen, m) == [False] * 6
    reviewed = api.get("/api/v1/moderation", params={"list": "reviewed"}, headers=disp).json()
    assert [x["review_state"] for x in reviewed if x["id"] == m["id"]] == ["withheld"]


def test_redaction_keeps_the_original_for_staff_and_shows_the_edit_publicly(
    deployed: Platform, url: str, api: httpx.Client, citizen: Browser, disp: dict[str, str]
) -> None:
    set_moderation(deployed, "pre")
    m = _submit(api)
    edited = NAME_BODY.replace("王建国", "某住户")
    r = api.post(f"/api/v1/moderation/{m['id']}",
                 json={"outcome": "redact", "title": MESSAGE["title"], "body": edited}, headers=disp)  # fmt: skip
    assert r.status_code == 200, r.text
    public = api.get(f"/api/v1/messages/{m['id']}").json()
    assert "某住户" in public["body"] and "王建国" not in public["body"] and "13907311234" not in public["body"]
    assert "王建国" not in citizen.get(f"/messages/{m['id']}").text
    # staff read the citizen's original, unchanged; the edit is in the case history with who and when
    official = token_for(api, "jsj.a")
    case = api.get(f"/api/v1/cases/{m['id']}", headers=official).json()
    assert case["body"] == NAME_BODY
    (edit,) = [e for e in case["history"] if e["type"] == "review_redacted"]
    assert edit["public"] is False and edit["label"] == "审核修改公开内容" and edit["actor"] == "派单员甲"
    with deployed.read() as s:
        stored = s.get(Message, m["id"])
        assert stored is not None and stored.body == NAME_BODY and stored.public_body == edited
        event = s.scalar(select(MessageEvent).where(MessageEvent.type == "review_redacted"))
        assert event is not None and event.data["edits"]["body"] == {"before": NAME_BODY, "after": edited}
        assert "title" not in event.data["edits"]  # only what changed is logged
    # the same text again is no edit
    again = api.post(f"/api/v1/moderation/{m['id']}",
                     json={"outcome": "redact", "title": MESSAGE["title"], "body": edited}, headers=disp)  # fmt: skip
    assert again.status_code == 422 and "没有修改" in again.json()["detail"]


def test_withheld_message_tells_the_citizen_why_and_is_404_to_the_public(
    deployed: Platform, api: httpx.Client, citizen: Browser, disp: dict[str, str]
) -> None:
    set_moderation(deployed, "pre")
    m = _submit(api)
    bad = api.post(f"/api/v1/moderation/{m['id']}", json={"outcome": "withhold", "reason": "  "}, headers=disp)
    assert bad.status_code == 422 and bad.json()["errors"]["reason"] == "不予公开的理由不能为空"
    with deployed.read() as s:  # bad input writes nothing
        stored = s.get(Message, m["id"])
        assert stored is not None and stored.review_state == "pending" and len(stored.events) == 2
    reason = "内容涉及他人姓名和电话，不宜公开"
    r = api.post(f"/api/v1/moderation/{m['id']}", json={"outcome": "withhold", "reason": reason}, headers=disp)
    assert r.status_code == 200
    assert api.get(f"/api/v1/messages/{m['id']}").status_code == 404
    assert citizen.get(f"/messages/{m['id']}").status_code == 404
    track = api.post("/api/v1/track", json={"tracking_code": m["tracking_code"], "secret": m["secret"]}).json()
    assert track["review_label"] == "审核后不公开" and track["review_reason"] == reason
    assert [e["note"] for e in track["history"] if e["type"] == "review_withheld"] == [reason]
    page = citizen.post_form("/track", {"tracking_code": m["tracking_code"], "secret": m["secret"]})
    page = citizen.follow(page)
    assert "您的留言经审核不予公开" in page.text and reason in page.text
    # published later (a re-review), the public page does not repeat why it once was not
    assert api.post(f"/api/v1/moderation/{m['id']}", json={"outcome": "publish"}, headers=disp).status_code == 200
    public = api.get(f"/api/v1/messages/{m['id']}").json()
    assert public["review_reason"] is None and all(e["type"] != "review_withheld" for e in public["history"])


@pytest.mark.parametrize(
    "username, allowed",
    [("disp", True), ("admin", True), ("jsj.a", False), ("jsj.head", False), ("mayor", False), ("sup", False)],
)
def test_who_may_moderate(deployed: Platform, url: str, api: httpx.Client, username: str, allowed: bool) -> None:
    set_moderation(deployed, "pre")
    m = _submit(api)
    headers = token_for(api, username)
    assert api.get("/api/v1/moderation", headers=headers).status_code == (200 if allowed else 403)
    r = api.post(f"/api/v1/moderation/{m['id']}", json={"outcome": "publish"}, headers=headers)
    assert r.status_code == (200 if allowed else 403)
    browser = Browser(url)
    login(browser, username, PASSWORD)
    assert browser.get("/staff/moderation").status_code == (200 if allowed else 403)
    assert ('href="/staff/moderation"' in browser.get("/staff").text) is allowed  # the menu offers it to moderators
    if allowed:
        assert api.post("/api/v1/moderation/987654", json={"outcome": "publish"}, headers=headers).status_code == 404


def test_the_queue_page_publishes_with_a_redaction(deployed: Platform, url: str, api: httpx.Client) -> None:
    set_moderation(deployed, "pre")
    m = _submit(api)
    staff = Browser(url)
    login(staff, "disp", PASSWORD)
    queue = staff.get("/staff/moderation").text
    assert f'href="/staff/moderation/{m["id"]}"' in queue and "私人姓名（正文）：王建国" in queue
    page = f"/staff/moderation/{m['id']}"
    r = staff.post_form(page, {"outcome": "redact", "title": MESSAGE["title"], "body": ""}, form_page=page)
    assert r.status_code == 422 and "公开正文不能为空" in r.text  # the form comes back with the error
    body = NAME_BODY.replace("王建国", "某住户")
    r = staff.post_form(page, {"outcome": "redact", "title": MESSAGE["title"], "body": body}, form_page=page)
    assert "已保存修改" in staff.follow(r).text
    assert "某住户" in api.get(f"/api/v1/messages/{m['id']}").json()["body"]
    assert "王建国" in staff.get(page).text  # the original stays for staff
    case = staff.get(f"/staff/cases/{m['id']}").text
    assert "公开内容经审核修改" in case and f'href="/staff/moderation/{m["id"]}"' in case and "王建国" in case


def test_pending_members_stay_out_of_public_issues(deployed: Platform, api: httpx.Client) -> None:
    set_moderation(deployed, "pre")
    now = deployed.now()
    body = "阳光社区三栋楼道长期堆放杂物，消防通道堵塞，存在消防隐患，请尽快处理。"
    first = add(deployed, "阳光社区楼道堆放杂物", body, now - timedelta(hours=6), **HOUSING)
    second = add(deployed, "阳光社区楼道杂物堆放", body + "已经三个月了。", now - timedelta(hours=5), **HOUSING)
    Worker(deployed).run_once()
    issue_id = issue_of(deployed, first)
    assert issue_of(deployed, second) == issue_id
    assert api.get(f"/api/v1/issues/{issue_id}").status_code == 404  # no member is public yet
    disp = token_for(api, "disp")
    assert api.post(f"/api/v1/moderation/{first}", json={"outcome": "publish"}, headers=disp).status_code == 200
    issue = api.get(f"/api/v1/issues/{issue_id}").json()
    assert [x["id"] for x in issue["messages"]] == [first]


def test_a_likely_duplicate_is_shown_from_the_pipeline(deployed: Platform, api: httpx.Client) -> None:
    set_moderation(deployed, "pre")
    first = _submit(api)
    second = _submit(api)
    Worker(deployed).run_once()
    disp = token_for(api, "disp")
    queue = {x["id"]: x for x in api.get("/api/v1/moderation", headers=disp).json()}
    assert queue[second["id"]]["duplicate_of"] == first["tracking_code"]


def test_no_search_finds_a_message_by_the_words_a_moderator_took_out(
    deployed: Platform, api: httpx.Client, disp: dict[str, str]
) -> None:
    set_moderation(deployed, "pre")
    m = _submit(api)
    Worker(deployed).run_once()  # indexed with the citizen's text
    edited = NAME_BODY.replace("王建国", "某住户")
    r = api.post(f"/api/v1/moderation/{m['id']}",
                 json={"outcome": "redact", "title": MESSAGE["title"], "body": edited}, headers=disp)  # fmt: skip
    assert r.status_code == 200

    def found(q: str) -> bool:
        return any(x["id"] == m["id"] for x in api.get("/api/v1/messages", params={"q": q}).json()["items"])

    assert not found("王建国") and found("某住户")  # before the worker indexes it again (substring of the public text)
    Worker(deployed).run_once()
    assert not found("王建国") and found("某住户") and found("装修扰民")


@pytest.mark.parametrize("mode", ["pre", "post"])
def test_the_confirmation_page_says_when_a_message_waits_for_review(deployed: Platform, url: str, mode: str) -> None:
    set_moderation(deployed, mode)
    with Browser(url) as citizen:
        _, _, page = submit(citizen)
    assert ('id="review-note"' in page.text) is (mode == "pre")
