"""Bad input answers 422 in Chinese, never 500. Every id in a path or a body is checked against the id
columns' range before any service sees it (too big for the database, zero, negative); a NUL in a query
string is refused before any route."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from massline.web.app import create_app
from massline.web.ids import ID_MAX
from tests.conftest import token_for
from tests.web_helpers import Browser, login

OUT_OF_RANGE = [2**63, ID_MAX + 1, 0, -1]
PARAM = re.compile(r"\{(\w+)\}")


def _id_routes(platform) -> list[tuple[str, str]]:
    """(method, path) of every route with an ``*_id`` path parameter."""
    out = []
    for ctx in iter_route_contexts(create_app(platform).routes):
        path = ctx.path or ""
        if any(name.endswith("_id") for name in PARAM.findall(path)):
            out.extend((m, path) for m in sorted(ctx.methods or ()) if m != "HEAD")
    return out


def _fill(path: str, value: int) -> str:
    return PARAM.sub(lambda m: str(value) if m.group(1).endswith("_id") else "accept", path)


def test_every_path_id_out_of_range_is_422(url: str, deployed) -> None:
    routes = _id_routes(deployed)
    assert len(routes) >= 30
    api = httpx.Client(base_url=url, timeout=20)
    bearer = token_for(api, "admin")
    page = Browser(url)
    login(page, "admin", "Test-password-123")
    csrf = page.hidden("/staff")["csrf_token"]
    for method, path in routes:
        for value in OUT_OF_RANGE:
            target = _fill(path, value)
            if path.startswith("/api/"):
                r = api.request(method, target, headers=bearer, json={})
                assert r.status_code == 422, (target, r.status_code, r.text[:300])
                assert re.search(r"[\u4e00-\u9fff]", r.json()["detail"]) and "编号" in r.text, r.text
            else:
                r = page.request(method, target, data={"csrf_token": csrf} if method == "POST" else None)
                assert r.status_code == 422, (target, r.status_code, r.text[:300])
                assert "编号" in r.text


BODY_IDS = [
    ("/api/v1/cases/{case}/assign", {"user_id": "{v}", "note": ""}),
    ("/api/v1/staff/issues/1/merge", {"other": "{v}"}),
    ("/api/v1/staff/issues/1/split", {"message_ids": ["{v}"]}),
    ("/api/v1/staff/issues/1/update_commitment", {"commitment_id": "{v}", "progress": 10}),
]


@pytest.mark.parametrize("value", [2**63, ID_MAX + 1, 0, -1])
def test_body_ids_out_of_range_are_422(api: httpx.Client, value: int) -> None:
    case = api.post(
        "/api/v1/messages",
        json={"title": "路灯不亮", "body": "解放街道幸福小区门口的路灯已经坏了两周，晚上出行很不方便。", "kind": "投诉",
              "addressee_leader": value},
    )
    assert case.status_code == 422 and "addressee_leader" in case.json()["errors"], case.text
    case = api.post("/api/v1/messages", json={"title": "路灯不亮", "body": "解放街道幸福小区门口的路灯已经坏了两周，晚上出行很不方便。",
                                            "kind": "投诉", "region": "cs-xc-jf"}).json()
    headers = token_for(api, "admin")
    for path, body in BODY_IDS:
        data = {k: ([value] if isinstance(v, list) else value if v == "{v}" else v) for k, v in body.items()}
        r = api.post(path.format(case=case["id"]), json=data, headers=headers)
        assert r.status_code == 422, (path, value, r.status_code, r.text[:300])
        assert "编号" in r.json()["detail"] or any("编号" in m for m in r.json().get("errors", {}).values()), r.text


def test_form_ids_out_of_range_are_422(url: str, api: httpx.Client) -> None:
    case = api.post(
        "/api/v1/messages",
        json={"title": "路灯不亮", "body": "解放街道幸福小区门口的路灯已经坏了两周，晚上出行很不方便。", "kind": "投诉",
              "region": "cs-xc-jf"},
    ).json()
    page = Browser(url)
    login(page, "admin", "Test-password-123")
    for value in (2**63, ID_MAX + 1, 0):
        r = page.post_form(f"/staff/cases/{case['id']}/assign", {"user_id": str(value)}, form_page="/staff")
        assert r.status_code == 422, (value, r.status_code, r.text[:300])
        assert "编号须在 1 到" in r.text


def test_nul_in_a_query_string_is_422(url: str) -> None:
    with httpx.Client(base_url=url, timeout=20) as client:
        r = client.get("/api/v1/issues", params={"status": "a\x00b"})
        assert r.status_code == 422 and "NUL" in r.json()["detail"]
        r = client.get("/messages?q=%00")
        assert r.status_code == 422 and "不允许的字符" in r.text
        assert client.get("/api/v1/messages", params={"q": "%00"}).status_code == 200  # the text "%00" is fine


@pytest.mark.parametrize("bad", ["AB\x00CD", "AB\ud800CD"])
def test_keys_with_a_nul_or_a_lone_surrogate_are_422(url: str, bad: str) -> None:
    """Tracking codes, secrets, usernames, passwords: a NUL or a lone surrogate never reaches the database."""
    import json

    with httpx.Client(base_url=url, timeout=20) as client:
        for path, body in (
            ("/api/v1/track", {"tracking_code": bad, "secret": "X" * 10}),
            ("/api/v1/track/reopen", {"tracking_code": "X" * 10, "secret": bad, "reason": "没有解决"}),
            ("/api/v1/auth/token", {"username": bad, "password": "x"}),
            ("/api/v1/issues/1/rate", {"tracking_code": bad, "secret": "X" * 10, "score": 3}),
            ("/api/v1/messages/1/support", {"client_token": bad * 4}),
        ):
            r = client.post(path, content=json.dumps(body), headers={"Content-Type": "application/json"})
            assert r.status_code == 422, (path, r.status_code, r.text[:300])
            assert "含有不允许的字符" in r.text
    if "\x00" not in bad:
        return  # a form cannot carry a lone surrogate (UTF-8)
    page = Browser(url)
    for path, data, form_page in (
        ("/track", {"tracking_code": bad, "secret": "X" * 10}, "/track"),
        ("/staff/login", {"username": bad, "password": "x"}, "/staff/login"),
    ):
        r = page.post_form(path, data, form_page=form_page)
        assert r.status_code == 422 and "含有不允许的字符" in r.text, (path, r.status_code, r.text[:300])


def test_the_documented_422_is_the_answer_given(url: str) -> None:
    with httpx.Client(base_url=url, timeout=20) as client:
        doc = client.get("/api/openapi.json").json()["components"]["schemas"]["HTTPValidationError"]
        answer = client.post("/api/v1/messages", json={}).json()
    assert doc["properties"]["detail"]["type"] == "string" and isinstance(answer["detail"], str)
    assert doc["properties"]["errors"]["type"] == "object" and isinstance(answer["errors"], dict)
