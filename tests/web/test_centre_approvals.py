"""Transfers (退单) and extensions decided by the dispatch centre (casework policy
``centre_approves_transfers`` / ``centre_approves_extensions``), through real HTTP."""

from __future__ import annotations

import re
from datetime import datetime

import httpx

from massline.platform import Platform
from tests.conftest import PASSWORD, token_for
from tests.web.approval_helpers import act, history, new_case, set_policy
from tests.web_helpers import Browser, login

REQUEST = {"office": "cs-rsj", "reason": "本件涉及社保缴纳，属人社部门职责"}


def test_with_the_centre_deciding_the_office_requests_and_keeps_the_case_until_approval(
    api: httpx.Client, deployed: Platform
) -> None:
    set_policy(deployed, centre_approves_transfers=True)
    mid = new_case(api)
    direct = act(api, "jsj.a", mid, "transfer", **REQUEST)
    assert direct.status_code == 409 and "申请退单" in direct.json()["detail"]
    r = act(api, "jsj.a", mid, "request_transfer", **REQUEST)
    assert r.status_code == 200, r.text
    assert r.json()["readable"] is True and r.json()["result"]["suggested_office"]
    assert "request_transfer" not in r.json()["actions"]  # one pending request at a time
    assert act(api, "jsj.a", mid, "request_transfer", **REQUEST).status_code == 409
    before = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    steps = {e["type"]: e for e in before["history"]}
    assert steps["transfer_requested"]["public"] is False
    # the centre's list
    assert api.get("/api/v1/transfer-requests", headers=token_for(api, "jsj.head")).status_code == 403
    listed = api.get("/api/v1/transfer-requests", headers=token_for(api, "disp")).json()
    assert [(t["message_id"], t["reason"]) for t in listed] == [(mid, REQUEST["reason"])]
    assert act(api, "jsj.head", mid, "decide_transfer", approve=True).status_code == 403
    approved = act(api, "disp", mid, "decide_transfer", approve=True)
    assert approved.status_code == 200, approved.text
    assert approved.json()["result"]["request_status"] == "approved"
    assert approved.json()["office"] == "测试市人力资源和社会保障局" or approved.json()["office"] != before["office"]
    assert datetime.fromisoformat(approved.json()["due_at"]) != datetime.fromisoformat(before["due_at"])
    types = [e["type"] for e in history(api, "disp", mid)]
    assert types[-2:] == ["transfer_approved", "transferred"]
    public = api.get(f"/api/v1/messages/{mid}").json()["history"]
    assert "transferred" in [e["type"] for e in public] and "transfer_requested" not in [e["type"] for e in public]
    assert api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).status_code == 404
    assert api.get("/api/v1/transfer-requests", headers=token_for(api, "disp")).json() == []


def test_the_centre_refuses_with_a_reason_and_the_office_keeps_the_case(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, centre_approves_transfers=True)
    mid = new_case(api)
    act(api, "jsj.a", mid, "request_transfer", reason="不属于本单位职责范围")
    no_reason = act(api, "disp", mid, "decide_transfer", approve=False)
    assert no_reason.status_code == 422 and "不同意的理由" in no_reason.text
    no_office = act(api, "disp", mid, "decide_transfer", approve=True)  # nothing suggested, none chosen
    assert no_office.status_code == 422 and "office" in no_office.json()["errors"]
    r = act(api, "disp", mid, "decide_transfer", approve=False, note="加装电梯审批属住建部门职责，请继续办理")
    assert r.status_code == 200 and r.json()["result"]["request_status"] == "refused"
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert case["office"] and "request_transfer" in case["actions"]
    refused = [e for e in case["history"] if e["type"] == "transfer_refused"]
    assert refused and refused[0]["note"].startswith("加装电梯") and refused[0]["public"] is False


def test_without_the_centre_offices_transfer_directly_as_before(api: httpx.Client, deployed: Platform) -> None:
    mid = new_case(api)
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert "transfer" in case["actions"] and "request_transfer" not in case["actions"]
    assert act(api, "jsj.a", mid, "request_transfer", **REQUEST).status_code == 409
    assert act(api, "jsj.a", mid, "transfer", **REQUEST).status_code == 200


def _extension(api: httpx.Client, mid: int) -> int:
    r = act(api, "jsj.a", mid, "extend_request", days=5, reason="需要现场勘查并协调产权单位")
    assert r.status_code == 200, r.text
    return int(r.json()["result"]["extension_id"])


def test_with_the_centre_deciding_extensions_a_dispatcher_approves_them(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, centre_approves_extensions=True)
    mid = new_case(api)
    ext = _extension(api, mid)
    due = datetime.fromisoformat(api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()["due_at"])
    head = token_for(api, "jsj.head")
    assert api.get("/api/v1/extensions", headers=head).status_code == 403
    assert api.post(f"/api/v1/extensions/{ext}/decide", json={"approve": True}, headers=head).status_code == 403
    disp = token_for(api, "disp")
    assert [e["id"] for e in api.get("/api/v1/extensions", headers=disp).json()] == [ext]
    r = api.post(f"/api/v1/extensions/{ext}/decide", json={"approve": True}, headers=disp)
    assert r.status_code == 200 and r.json()["status"] == "approved"
    case = api.get(f"/api/v1/cases/{mid}", headers=disp).json()
    assert (datetime.fromisoformat(case["due_at"]) - due).days == 5
    public = [e for e in api.get(f"/api/v1/messages/{mid}").json()["history"] if e["type"] == "extension_approved"]
    assert public and "新办理期限" in public[0]["note"]


def test_without_the_centre_the_office_head_decides_extensions(api: httpx.Client, deployed: Platform) -> None:
    mid = new_case(api)
    ext = _extension(api, mid)
    disp = token_for(api, "disp")
    assert api.get("/api/v1/extensions", headers=disp).status_code == 403
    assert api.post(f"/api/v1/extensions/{ext}/decide", json={"approve": True}, headers=disp).status_code == 403
    head = token_for(api, "jsj.head")
    assert api.post(f"/api/v1/extensions/{ext}/decide", json={"approve": False}, headers=head).json()["status"] == "denied"


def test_the_centres_page_lists_and_decides_both_kinds_of_request(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, centre_approves_transfers=True, centre_approves_extensions=True)
    first, second = new_case(api), new_case(api)
    act(api, "jsj.a", first, "request_transfer", **REQUEST)
    _extension(api, second)
    official = Browser(str(api.base_url))
    login(official, "jsj.a", PASSWORD)
    assert official.get("/staff/requests").status_code == 403
    disp = Browser(str(api.base_url))
    login(disp, "disp", PASSWORD)
    page = disp.get("/staff/requests").text
    assert 'id="count-transfers">1<' in page and 'id="count-extensions">1<' in page and REQUEST["reason"] in page
    done = disp.post_form(f"/staff/cases/{first}/decide_transfer", {"approve": "true", "return_to": "/staff/requests"},
                          form_page="/staff/requests")
    assert done.status_code == 303 and done.headers["location"] == "/staff/requests"
    assert 'id="count-transfers">0<' in disp.get("/staff/requests").text
    ext = re.search(r'action="/staff/extensions/(\d+)"', disp.get("/staff/requests").text)
    assert ext is not None
    decided = disp.post_form(f"/staff/extensions/{ext.group(1)}", {"approve": "1", "return_to": "/staff/requests"},
                             form_page="/staff/requests")
    assert decided.status_code == 303 and decided.headers["location"] == "/staff/requests"
    assert 'id="count-extensions">0<' in disp.get("/staff/requests").text


def test_a_request_left_behind_by_a_re_routed_case_waits_for_nobody(api: httpx.Client, deployed: Platform) -> None:
    set_policy(deployed, centre_approves_transfers=True)
    mid = new_case(api, accept_as=None)  # assigned, not signed for: the dispatcher may still re-route it
    assert act(api, "jsj.a", mid, "request_transfer", **REQUEST).status_code == 200
    assert act(api, "disp", mid, "dispatch", office="cs-dc-gov").status_code == 200
    assert api.get("/api/v1/transfer-requests", headers=token_for(api, "disp")).json() == []
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "dc.a")).json()
    assert "request_transfer" in case["actions"]  # the new office may ask for itself
    assert act(api, "disp", mid, "decide_transfer", approve=True).status_code == 409
