"""The JSON API over real HTTP: the whole cycle of one message, and its errors."""

from __future__ import annotations

import httpx

from tests.conftest import token_for

MSG = {
    "title": "和平街道阳光社区楼道堆放杂物",
    "body": "阳光社区3栋楼道长期堆放杂物，存在消防隐患，请尽快处理。我的电话13812345678，身份证110101199003071234。",
    "kind": "投诉",
    "region": "cs-dc-hp-yg",
    "category": "城乡建设",
    "contact_phone": "13812345678",
}


def submit(api: httpx.Client, **overrides: object) -> dict:
    r = api.post("/api/v1/messages", json={**MSG, **overrides})
    assert r.status_code == 201, r.text
    return r.json()


def test_whole_cycle_over_http(api: httpx.Client) -> None:
    sub = submit(api)
    assert sub["status"] == "assigned" and sub["office"] == "东城区人民政府"
    official = token_for(api, "dc.a")
    mid = sub["id"]

    inbox = api.get("/api/v1/inbox", headers=official).json()
    assert [c["id"] for c in inbox["items"]] == [mid]
    case = api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=official).json()
    assert case["status"] == "accepted" and "reply" in case["actions"]
    case = api.post(
        f"/api/v1/cases/{mid}/reply", json={"body": "您好，社区已于今日清理楼道杂物，感谢监督。"}, headers=official
    ).json()
    assert case["draft_reply"].startswith("您好") and case["status"] == "accepted"
    # the draft is not public yet
    assert api.get(f"/api/v1/messages/{mid}").json()["reply"] is None
    case = api.post(f"/api/v1/cases/{mid}/publish", json={}, headers=official).json()
    assert case["status"] == "replied"

    track = {"tracking_code": sub["tracking_code"], "secret": sub["secret"]}
    mine = api.post("/api/v1/track", json=track).json()
    assert mine["reply"]["body"].startswith("您好") and mine["tracking_code"] == sub["tracking_code"]
    rated = api.post(
        "/api/v1/track/rate", json={**track, "score": 1, "comment": "杂物又堆回来了", "reopen": True}
    ).json()
    assert rated["status"] == "reopened" and rated["rating"] == 1
    back = api.get("/api/v1/inbox", headers=official).json()["items"]
    assert back[0]["id"] == mid and back[0]["status"] == "reopened"

    history = [e["type"] for e in api.get(f"/api/v1/cases/{mid}", headers=official).json()["history"]]
    assert history == ["submitted", "routed", "accepted", "reply_drafted", "replied", "rated", "reopened"]


def test_public_responses_redact_pii(api: httpx.Client) -> None:
    sub = submit(api)
    for url in ("/api/v1/messages", f"/api/v1/messages/{sub['id']}", "/api/v1/messages?q=楼道"):
        text = api.get(url).text
        assert "13812345678" not in text and "110101199003071234" not in text
        assert "楼道" in text
    # the handling office sees the real text and may reveal the contact (audited)
    official = token_for(api, "dc.a")
    assert "13812345678" in api.get(f"/api/v1/cases/{sub['id']}", headers=official).json()["body"]
    assert api.get(f"/api/v1/cases/{sub['id']}/contact", headers=official).json() == {"contact_phone": "13812345678"}


def test_validation_errors_name_each_field_in_chinese(api: httpx.Client) -> None:
    r = api.post("/api/v1/messages", json={"title": "", "body": "太短", "kind": "吐槽", "region": "nowhere"})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert set(errors) == {"title", "body", "kind", "region"}
    assert "标题" in errors["title"] and "至少" in errors["body"]
    r = api.post("/api/v1/messages", json={"title": 5})
    assert r.status_code == 422 and "errors" in r.json()
    assert api.get("/api/v1/messages", params={"page": 0}).status_code == 422


def test_search_finds_two_character_chinese_words(api: httpx.Client) -> None:
    submit(api)
    submit(
        api,
        title="解放街道夜间施工噪音扰民",
        body="解放街道工地每天夜里施工到凌晨两点，噪音很大，无法休息。",
        region="cs-xc-jf",
    )
    assert api.get("/api/v1/messages", params={"q": "噪音"}).json()["total"] == 1
    assert api.get("/api/v1/messages", params={"q": "杂物"}).json()["total"] == 1
    assert api.get("/api/v1/messages", params={"q": "街道"}).json()["total"] == 2
    assert api.get("/api/v1/messages", params={"q": "噪音", "region": "cs-dc"}).json()["total"] == 0
    assert api.get("/api/v1/messages", params={"q": "电梯"}).json()["total"] == 0


def test_private_messages_stay_off_the_board(api: httpx.Client) -> None:
    sub = submit(api, is_public=False)
    assert api.get("/api/v1/messages").json()["total"] == 0
    assert api.get(f"/api/v1/messages/{sub['id']}").status_code == 404
    mine = api.post("/api/v1/track", json={"tracking_code": sub["tracking_code"], "secret": sub["secret"]})
    assert mine.status_code == 200


def test_wrong_secret_is_not_found(api: httpx.Client) -> None:
    sub = submit(api)
    r = api.post("/api/v1/track", json={"tracking_code": sub["tracking_code"], "secret": "WRONGWRONG"})
    assert r.status_code == 404
    r2 = api.post("/api/v1/track", json={"tracking_code": "MLNOPE2345", "secret": "WRONGWRONG"})
    assert r2.status_code == 404 and r.json() == r2.json()


def test_tracking_code_in_any_case_with_spaces_or_dashes(api: httpx.Client) -> None:
    sub = submit(api)
    code, secret = sub["tracking_code"], sub["secret"]
    for typed in (code.lower(), f"{code[:2]} {code[2:6]} {code[6:]}".lower(), f"{code[:2]}-{code[2:6]}-{code[6:]}"):
        r = api.post("/api/v1/track", json={"tracking_code": typed, "secret": secret})
        assert r.status_code == 200 and r.json()["tracking_code"] == code, typed
    for wrong in {"WRONGWRONG", secret.lower()} - {secret}:  # the secret stays exact
        r = api.post("/api/v1/track", json={"tracking_code": code.lower(), "secret": wrong})
        assert r.status_code == 404


def test_support_counts_once_per_client(api: httpx.Client) -> None:
    sub = submit(api)
    a, b, c = (api.post("/api/v1/supporter-token").json()["client_token"] for _ in range(3))
    url = f"/api/v1/messages/{sub['id']}/support"
    assert api.post(url, json={"client_token": a}).json() == {"support_count": 1}
    again = api.post(url, json={"client_token": a})
    assert again.status_code == 409 and "已经支持" in again.json()["detail"]
    assert api.post(url, json={"client_token": b}).json() == {"support_count": 2}
    oppose = f"/api/v1/messages/{sub['id']}/oppose"
    taken = api.post(oppose, json={"client_token": a})  # one stance per client
    assert taken.status_code == 409 and "已经支持" in taken.json()["detail"]
    assert api.post(oppose, json={"client_token": c}).json() == {"oppose_count": 1}
    again = api.post(oppose, json={"client_token": c})
    assert again.status_code == 409 and "已经反对" in again.json()["detail"]
    shown = api.get(f"/api/v1/messages/{sub['id']}").json()
    assert (shown["support_count"], shown["oppose_count"]) == (2, 1)
    assert api.post("/api/v1/messages/999999/oppose", json={"client_token": c}).status_code == 404


def test_unrouted_message_waits_for_dispatcher(api: httpx.Client) -> None:
    sub = submit(
        api,
        title="咨询一下办事流程",
        body="请问在哪里可以办理相关手续，需要带什么材料？",
        kind="咨询",
        region="cs-xc-jf",
        category="",
    )
    assert sub["status"] == "received" and sub["office"] is None
    disp = token_for(api, "disp")
    queue = api.get("/api/v1/dispatch-queue", headers=disp).json()
    assert [c["id"] for c in queue["items"]] == [sub["id"]]
    bad = api.post(f"/api/v1/cases/{sub['id']}/dispatch", json={"office": "nope"}, headers=disp)
    assert bad.status_code == 422 and "office" in bad.json()["errors"]
    case = api.post(f"/api/v1/cases/{sub['id']}/dispatch", json={"office": "cs-rsj"}, headers=disp).json()
    assert case["status"] == "assigned" and case["office"] == "测试市人力资源和社会保障局"
    assert api.get("/api/v1/dispatch-queue", headers=disp).json()["total"] == 0
    # officials may not read the dispatch queue
    assert api.get("/api/v1/dispatch-queue", headers=token_for(api, "rsj.a")).status_code == 403


def test_api_requires_a_valid_token(api: httpx.Client) -> None:
    assert api.get("/api/v1/inbox").status_code == 401
    assert api.get("/api/v1/inbox", headers={"Authorization": "Bearer forged"}).status_code == 401
    bad = api.post("/api/v1/auth/token", json={"username": "dc.a", "password": "wrong-password-1"})
    assert bad.status_code == 401 and "用户名或密码错误" in bad.json()["detail"]
    nobody = api.post("/api/v1/auth/token", json={"username": "ghost", "password": "wrong-password-1"})
    assert nobody.json() == bad.json()


def test_openapi_documents_the_api(api: httpx.Client) -> None:
    spec = api.get("/api/openapi.json").json()
    for path in ("/api/v1/messages", "/api/v1/track", "/api/v1/inbox", "/api/v1/cases/{message_id}/{action}"):
        assert path in spec["paths"]
    assert api.get("/api/docs").status_code == 200
