"""Reply approval (casework policy ``reply_approval``), through real HTTP: an official's reply waits for the
office head, is published (and "replied" recorded) only on approval, or comes back as a draft with a comment."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from massline.models import User
from massline.platform import Platform
from massline.services import casework
from tests.conftest import PASSWORD, token_for
from tests.web.approval_helpers import act, history, new_case, set_policy
from tests.web_helpers import Browser, login

REPLY = {"body": "经核实，加装电梯审批材料已齐全，本周内出具审批意见。"}


def _public(api: httpx.Client, message_id: int) -> dict:
    return api.get(f"/api/v1/messages/{message_id}").json()


def test_with_approval_an_officials_reply_waits_for_the_head_and_is_published_on_approval(
    api: httpx.Client, deployed: Platform
) -> None:
    set_policy(deployed, reply_approval=True)
    mid = new_case(api)
    assert act(api, "jsj.a", mid, "reply", **REPLY).status_code == 200
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert "submit_reply" in case["actions"] and "publish" not in case["actions"]
    refused = act(api, "jsj.a", mid, "publish")
    assert refused.status_code == 409 and "审核" in refused.json()["detail"]
    r = act(api, "jsj.a", mid, "submit_reply")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["pending_reply"] == REPLY["body"]
    assert {"reply", "publish", "submit_reply"}.isdisjoint(r.json()["actions"])
    assert _public(api, mid)["reply"] is None  # the citizen sees nothing yet
    assert "replied" not in [e["type"] for e in history(api, "jsj.a", mid)]
    head = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.head")).json()
    assert {"approve_reply", "return_reply"} <= set(head["actions"])
    # the head sees the reply's scores before approving, through the API as on the case page
    scores = head["pending_review"]
    assert 0 <= scores["total"] <= 1 and {c["key"] for c in scores["criteria"]} >= {"relevance", "completeness"}
    approved = act(api, "jsj.head", mid, "approve_reply")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "replied" and approved.json()["result"]["published_at"]
    types = [e["type"] for e in history(api, "jsj.head", mid)]
    assert types[-3:] == ["reply_submitted", "reply_approved", "replied"]
    assert _public(api, mid)["reply"]["body"] == REPLY["body"]
    public_types = [e["type"] for e in _public(api, mid)["history"]]
    assert "replied" in public_types and "reply_submitted" not in public_types  # internal steps stay internal


def test_the_head_returns_a_reply_with_a_comment_the_official_sees(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, reply_approval=True)
    mid = new_case(api)
    act(api, "jsj.a", mid, "reply", **REPLY)
    act(api, "jsj.a", mid, "submit_reply")
    too_short = act(api, "jsj.head", mid, "return_reply", comment="改")
    assert too_short.status_code == 422 and "退回意见" in too_short.text
    r = act(api, "jsj.head", mid, "return_reply", comment="请补充审批的具体时限和联系人")
    assert r.status_code == 200, r.text
    official = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert official["return_comment"] == "请补充审批的具体时限和联系人"
    assert official["draft_reply"] == REPLY["body"] and official["pending_reply"] is None
    assert "reply" in official["actions"] and "submit_reply" in official["actions"]
    assert act(api, "jsj.head", mid, "approve_reply").status_code == 409  # nothing waits now
    assert _public(api, mid)["reply"] is None
    # on the workbench the comment is shown with the draft
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    assert "单位负责人退回修改：请补充审批的具体时限和联系人" in browser.get(f"/staff/cases/{mid}").text
    # submitted again, the comment is gone
    act(api, "jsj.a", mid, "submit_reply")
    assert api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()["return_comment"] is None


def test_the_heads_own_reply_publishes_directly(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, reply_approval=True)
    mid = new_case(api, accept_as="jsj.head")
    act(api, "jsj.head", mid, "reply", **REPLY)
    r = act(api, "jsj.head", mid, "publish")
    assert r.status_code == 200 and r.json()["status"] == "replied"
    assert "submit_reply" not in r.json()["actions"]


def test_only_the_head_of_the_handling_office_approves(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, reply_approval=True)
    mid = new_case(api)
    act(api, "jsj.a", mid, "reply", **REPLY)
    act(api, "jsj.a", mid, "submit_reply")
    assert act(api, "jsj.b", mid, "approve_reply").status_code == 403  # a colleague, not the head
    assert act(api, "jsj.a", mid, "return_reply", comment="自己退回自己").status_code == 403
    assert act(api, "rsj.a", mid, "approve_reply").status_code == 404  # another office
    assert act(api, "disp", mid, "approve_reply").status_code == 403
    assert act(api, "jsj.a", mid, "reply", body="等待审核时改写答复内容不允许").status_code == 409


def test_without_approval_replies_publish_as_before(api: httpx.Client, deployed: Platform) -> None:
    mid = new_case(api)
    act(api, "jsj.a", mid, "reply", **REPLY)
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert "publish" in case["actions"] and "submit_reply" not in case["actions"]
    assert act(api, "jsj.a", mid, "submit_reply").status_code == 409
    assert act(api, "jsj.a", mid, "publish").json()["status"] == "replied"


def test_the_heads_inbox_lists_the_replies_waiting_for_approval(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, reply_approval=True)
    mid = new_case(api)
    act(api, "jsj.a", mid, "reply", **REPLY)
    act(api, "jsj.a", mid, "submit_reply")
    head = Browser(str(api.base_url))
    login(head, "jsj.head", PASSWORD)
    page = head.get("/staff").text
    assert 'id="count-approvals">1<' in page and f'href="/staff/cases/{mid}"' in page
    official = Browser(str(api.base_url))
    login(official, "jsj.a", PASSWORD)
    assert "count-approvals" not in official.get("/staff").text
    done = head.post_form(f"/staff/cases/{mid}/approve_reply", {}, form_page=f"/staff/cases/{mid}")
    assert done.status_code == 303
    assert "count-approvals" not in head.get("/staff").text


def test_a_reply_waiting_when_the_case_leaves_the_office_waits_for_nobody(
    api: httpx.Client, deployed: Platform
) -> None:
    set_policy(deployed, reply_approval=True)
    mid = new_case(api)
    act(api, "jsj.a", mid, "reply", **REPLY)
    act(api, "jsj.a", mid, "submit_reply")
    assert act(api, "jsj.a", mid, "transfer", office="cs-rsj", reason="属于人社部门职责").status_code == 200
    with deployed.read() as s:
        head = s.scalars(select(User).where(User.username == "jsj.head")).one()
        assert casework.pending_reply_cases(s, head) == []
    receiver = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "rsj.a")).json()
    assert receiver["pending_reply"] is None and "approve_reply" not in receiver["actions"]
    act(api, "rsj.a", mid, "accept")
    assert act(api, "rsj.a", mid, "reply", body="人社局答复：已为您办理社保转移手续。").status_code == 200
