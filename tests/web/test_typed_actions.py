"""Typed actions through the API and the pages: one route per action with its own body schema
(422 in Chinese for a missing field or another action's body), the result in the answer, the
OpenAPI description, and the one rating rule shared by the portal and the API."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from massline.models import Message
from massline.platform import Platform
from massline.services import casework as cases
from massline.services import issues
from massline.services.access import can_rate
from tests.conftest import PASSWORD, token_for
from tests.web_helpers import Browser, login, serve

CASE = {
    "title": "解放街道老旧小区加装电梯审批慢",
    "body": "解放街道幸福小区申请加装电梯已经半年，审批手续一直没有进展，希望住建部门给个说法。",
    "kind": "投诉",
    "region": "cs-xc-jf",
    "category": "城乡建设",
}
REPLY = "您好，已协调审批部门加快办理，预计本月内完成审批。"
# a valid body of each case action
BODIES: dict[str, dict[str, object]] = {
    "accept": {},
    "assign": {"user_id": 1},
    "transfer": {"office": "cs-rsj", "reason": "属于人社部门职责"},
    "reject": {"reason": "不属于本平台受理范围"},
    "reply": {"body": REPLY},
    "publish": {},
    "close": {},
    "extend_request": {"days": 5, "reason": "需要现场勘查"},
    "dispatch": {"office": "cs-rsj"},
    "category": {"category": "城乡建设"},
    "kind": {"kind": "咨询", "reason": "留言实为政策咨询"},
    "callback": {"reached": False},
    "submit_reply": {},
    "approve_reply": {},
    "return_reply": {"comment": "请补充办理时限"},
    "request_transfer": {"reason": "属于人社部门职责"},
    "decide_transfer": {"approve": True},
    "urge": {"note": "请加快办理"},
    "supervise": {"instruction": "请三日内办结"},
}


@pytest.fixture
def case(api: httpx.Client) -> dict:
    r = api.post("/api/v1/messages", json=CASE)
    assert r.status_code == 201
    return r.json()


def test_every_case_action_has_a_body_example() -> None:
    assert set(BODIES) == set(cases.CASE_ACTIONS)


@pytest.mark.parametrize("action", sorted(BODIES))
def test_case_route_refuses_another_actions_body(api: httpx.Client, case: dict, action: str) -> None:
    headers = token_for(api, "jsj.a")
    own = set(cases.CASE_ACTIONS[action].request.model_fields)
    other = next(body for body in (BODIES["transfer"], BODIES["reply"]) if set(body) - own)
    r = api.post(f"/api/v1/cases/{case['id']}/{action}", json=other, headers=headers)
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    foreign = set(other) - own
    assert foreign and foreign <= set(errors)
    assert all("本操作不接受此项" in errors[name] for name in foreign)


@pytest.mark.parametrize("action", [a for a in sorted(BODIES) if BODIES[a]])
def test_case_route_names_missing_fields_in_chinese(api: httpx.Client, case: dict, action: str) -> None:
    r = api.post(f"/api/v1/cases/{case['id']}/{action}", json={}, headers=token_for(api, "jsj.a"))
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == set(BODIES[action])
    assert all(text.startswith("请填写") for text in errors.values())


def test_case_route_types_and_unknown_actions(api: httpx.Client, case: dict) -> None:
    headers = token_for(api, "jsj.a")
    api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=headers)
    r = api.post(f"/api/v1/cases/{case['id']}/extend_request", json={"days": "五", "reason": "需要现场勘查"},
                 headers=headers)  # fmt: skip
    assert r.status_code == 422 and "延期天数须为整数" in r.json()["errors"]["days"]
    r = api.post(f"/api/v1/cases/{case['id']}/fly", json={}, headers=headers)
    assert r.status_code == 422 and r.json()["errors"] == {"action": "未知操作"}
    # the body is checked before access, the same way for every case: no existence is revealed
    other = token_for(api, "rsj.a")
    assert api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=other).status_code == 404
    assert api.post("/api/v1/cases/987654/accept", json={}, headers=other).status_code == 404


def test_case_action_answers_the_case_and_its_result(api: httpx.Client, case: dict) -> None:
    headers = token_for(api, "jsj.a")
    accepted = api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=headers).json()
    assert accepted["status"] == "accepted" and accepted["result"]["status"] == "accepted"
    assert accepted["result"]["assignee"] == accepted["assignee"]
    drafted = api.post(f"/api/v1/cases/{case['id']}/reply", json={"body": REPLY}, headers=headers).json()
    assert drafted["draft_reply"] == REPLY and isinstance(drafted["result"]["reply_id"], int)
    published = api.post(f"/api/v1/cases/{case['id']}/publish", json={}, headers=headers).json()
    assert published["result"]["reply_id"] == drafted["result"]["reply_id"] and published["status"] == "replied"
    assert published["actions"] == ["close", "category"]


def test_openapi_has_one_route_and_body_schema_per_action(api: httpx.Client) -> None:
    spec = api.get("/api/openapi.json").json()
    for name, action in cases.CASE_ACTIONS.items():
        op = spec["paths"][f"/api/v1/cases/{{message_id}}/{name}"]["post"]
        ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/" + action.request.__name__)
        assert "422" in op["responses"] and "200" in op["responses"]
    for name, action in issues.ISSUE_ACTION_SPECS.items():
        op = spec["paths"][f"/api/v1/staff/issues/{{issue_id}}/{name}"]["post"]
        assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(action.request.__name__)
    for path in ("/api/v1/alerts", "/api/v1/alerts/{alert_id}", "/api/v1/staff/issues/{issue_id}",
                 "/api/v1/issues/{issue_id}"):  # fmt: skip
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema != {} and ("$ref" in schema or "items" in schema), path


@pytest.mark.parametrize("action", sorted(issues.ISSUE_ACTION_SPECS))
def test_issue_routes_refuse_other_bodies_and_missing_fields(api: httpx.Client, action: str) -> None:
    headers = token_for(api, "jsj.a")
    required = {n for n, f in issues.ISSUE_ACTION_SPECS[action].request.model_fields.items() if f.is_required()}
    r = api.post(f"/api/v1/staff/issues/1/{action}", json={"zzz": 1}, headers=headers)
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert "本操作不接受此项" in errors["zzz"]
    assert {n for n, text in errors.items() if text.startswith("请填写")} == required
    assert api.post("/api/v1/staff/issues/1/fly", json={}, headers=headers).status_code == 422


def test_workbench_form_of_a_typed_action(deployed: Platform, api: httpx.Client, case: dict) -> None:
    with serve(deployed) as url, Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        page = f"/staff/cases/{case['id']}"
        staff.post_form(f"{page}/accept", {}, form_page=page)
        bad = staff.post_form(f"{page}/extend_request", {"days": "", "reason": "需要现场勘查"}, form_page=page)
        assert bad.status_code == 422 and "请填写延期天数" in bad.text
        bad = staff.post_form(f"{page}/extend_request", {"days": "三", "reason": "需要现场勘查"}, form_page=page)
        assert bad.status_code == 422 and "延期天数须为整数" in bad.text
        unknown = staff.post_form(f"{page}/fly", {}, form_page=page)
        assert unknown.status_code == 422 and "未知操作" in unknown.text


def test_rating_rule_is_the_same_for_api_and_portal(deployed: Platform, api: httpx.Client, case: dict) -> None:
    headers = token_for(api, "jsj.a")
    track = {"tracking_code": case["tracking_code"], "secret": case["secret"]}
    early = api.post("/api/v1/track/rate", json={**track, "score": 4})
    assert early.status_code == 409 and "答复后才能评价" in early.json()["detail"]
    for action, body in (("accept", {}), ("reply", {"body": REPLY}), ("publish", {})):
        api.post(f"/api/v1/cases/{case['id']}/{action}", json=body, headers=headers)
    with deployed.read() as s:
        message = s.scalar(select(Message).where(Message.id == case["id"]))
        assert message is not None and can_rate(message)
    with serve(deployed) as url, Browser(url) as citizen:
        citizen.post_form("/track", track)
        assert 'action="/track/rate"' in citizen.get("/track/case").text
        assert api.post("/api/v1/track/rate", json={**track, "score": 4}).status_code == 200
        # rated through the API: the portal no longer offers the form, and refuses a second rating
        assert 'action="/track/rate"' not in citizen.get("/track/case").text
        again = citizen.follow(citizen.post_form("/track/rate", {"score": "5", "comment": ""}))
        assert "您已评价过本次答复" in again.text
    twice = api.post("/api/v1/track/rate", json={**track, "score": 5})
    assert twice.status_code == 409 and "您已评价过本次答复" in twice.json()["detail"]
