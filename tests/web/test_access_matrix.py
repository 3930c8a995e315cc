"""Each role sees and does only what it may; no answer reveals another office's records.

Every route of the app (API and pages) has an entry in ``tests/web/access_table.py``; the tests below
check each entry against the running app for an anonymous caller and a staff member."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import iter_route_contexts

from massline.web.app import create_app
from tests.conftest import PASSWORD, token_for
from tests.web.access_table import ACCESS, STAFF
from tests.web_helpers import Browser, login

CASE = {
    "title": "解放街道老旧小区加装电梯审批慢",
    "body": "解放街道幸福小区申请加装电梯已经半年，审批手续一直没有进展，希望住建部门给个说法。",
    "kind": "投诉",
    "region": "cs-xc-jf",
    "category": "城乡建设",
    "is_public": False,
}
MISSING = 987654

# role -> (may read the case, may accept it)
MATRIX = {
    "jsj.a": (True, True),  # official of the handling office
    "jsj.head": (True, True),  # head of the handling office
    "rsj.a": (False, False),  # official of another office
    "dc.a": (False, False),  # official of a district government elsewhere
    "disp": (True, False),  # dispatcher: reads everything, routes, does not handle
    "mayor": (True, False),  # leader of the whole city: region-wide read
    "dc.leader": (False, False),  # leader of another district
    "sup": (True, False),  # supervisor: reads, does not handle
    "admin": (True, False),
}


@pytest.fixture
def case(api: httpx.Client) -> dict:
    r = api.post("/api/v1/messages", json=CASE)
    assert r.status_code == 201 and r.json()["office"] == "测试市住房和城乡建设局"
    return r.json()


@pytest.mark.parametrize("username", sorted(MATRIX))
def test_role_matrix(api: httpx.Client, case: dict, username: str) -> None:
    may_read, may_accept = MATRIX[username]
    headers = token_for(api, username)
    read = api.get(f"/api/v1/cases/{case['id']}", headers=headers)
    missing = api.get(f"/api/v1/cases/{MISSING}", headers=headers)
    inbox_ids = [c["id"] for c in api.get("/api/v1/inbox", headers=headers).json()["items"]]
    accept = api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=headers)
    if may_read:
        assert read.status_code == 200
        assert case["id"] in inbox_ids
    else:
        # exactly what a nonexistent id answers
        assert (read.status_code, read.json()) == (missing.status_code, missing.json()) == (404, missing.json())
        assert case["id"] not in inbox_ids
        assert (accept.status_code, accept.json()) == (404, missing.json())
    if may_accept:
        assert accept.status_code == 200 and accept.json()["status"] == "accepted"
    elif may_read:
        assert accept.status_code == 403


def test_contact_reveal_is_for_the_handling_office_and_audited(api: httpx.Client, case: dict, deployed) -> None:
    from sqlalchemy import select

    from massline.models import AuditLog

    for username, status in (("jsj.a", 200), ("sup", 403), ("rsj.a", 404), ("mayor", 403)):
        r = api.get(f"/api/v1/cases/{case['id']}/contact", headers=token_for(api, username))
        assert r.status_code == status, username
    with deployed.read() as s:
        reads = s.scalars(select(AuditLog).where(AuditLog.action == "contact_read")).all()
        assert [a.object_id for a in reads] == [case["id"]]


def test_anonymous_citizen(api: httpx.Client, case: dict) -> None:
    assert api.get(f"/api/v1/cases/{case['id']}").status_code == 401
    assert api.post(f"/api/v1/cases/{case['id']}/accept", json={}).status_code == 401
    # private message: not on the public board, not by id
    assert api.get(f"/api/v1/messages/{case['id']}").status_code == 404
    # with the tracking code but without the right secret: nothing
    r = api.post("/api/v1/track", json={"tracking_code": case["tracking_code"], "secret": "X" * 10})
    assert r.status_code == 404
    # with it: the citizen's own case
    r = api.post("/api/v1/track", json={"tracking_code": case["tracking_code"], "secret": case["secret"]})
    assert r.status_code == 200 and r.json()["title"] == CASE["title"]


def test_dispatcher_may_reroute_but_not_reply(api: httpx.Client, case: dict) -> None:
    disp = token_for(api, "disp")
    r = api.post(f"/api/v1/cases/{case['id']}/dispatch", json={"office": "cs-dc-gov"}, headers=disp)
    assert r.status_code == 200 and r.json()["office"] == "东城区人民政府"
    assert api.post(f"/api/v1/cases/{case['id']}/reply", json={"body": "x" * 20}, headers=disp).status_code == 403
    # the old office lost it, the new one has it
    assert api.get(f"/api/v1/cases/{case['id']}", headers=token_for(api, "jsj.a")).status_code == 404
    assert api.get(f"/api/v1/cases/{case['id']}", headers=token_for(api, "dc.a")).status_code == 200


def test_office_head_decides_extensions(api: httpx.Client, case: dict) -> None:
    official, head = token_for(api, "jsj.a"), token_for(api, "jsj.head")
    api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=official)
    before = api.get(f"/api/v1/cases/{case['id']}", headers=official).json()["due_at"]
    r = api.post(
        f"/api/v1/cases/{case['id']}/extend_request", json={"days": 5, "reason": "需现场勘查"}, headers=official
    )
    assert r.status_code == 200
    twice = api.post(
        f"/api/v1/cases/{case['id']}/extend_request", json={"days": 5, "reason": "需现场勘查"}, headers=official
    )
    assert twice.status_code == 409
    pending = api.get("/api/v1/extensions", headers=head).json()
    assert len(pending) == 1 and pending[0]["days"] == 5
    assert api.get("/api/v1/extensions", headers=official).status_code == 403
    assert api.post(f"/api/v1/extensions/{pending[0]['id']}/decide", json={"approve": True}, headers=official).status_code == 403
    other_head = api.post(
        f"/api/v1/extensions/{pending[0]['id']}/decide", json={"approve": True}, headers=token_for(api, "rsj.a")
    )
    assert other_head.status_code == 404
    assert api.post(f"/api/v1/extensions/{pending[0]['id']}/decide", json={"approve": True}, headers=head).json() == {
        "status": "approved"
    }
    after = api.get(f"/api/v1/cases/{case['id']}", headers=official).json()["due_at"]
    assert after > before


# ---- every route ---------------------------------------------------------------------------------

PARAM = re.compile(r"\{(\w+)\}")


def _routes(platform) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (static files aside)."""
    out = set()
    for ctx in iter_route_contexts(create_app(platform).routes):
        out.update((m, ctx.path) for m in ctx.methods or () if m != "HEAD")
    return out


def _target(path: str, record_id: int) -> str:
    return PARAM.sub(lambda m: str(record_id) if m.group(1).endswith("_id") else "accept", path)


def test_every_route_has_an_access_rule(deployed) -> None:
    routes = _routes(deployed)
    assert not routes - ACCESS.keys(), f"routes without an access rule in access_table.py: {sorted(routes - ACCESS.keys())}"
    assert not ACCESS.keys() - routes, f"access rules of routes that do not exist: {sorted(ACCESS.keys() - routes)}"


def _call(client: httpx.Client, method: str, path: str, csrf: str | None = None, **kw) -> httpx.Response:
    if path.startswith("/api/"):
        return client.request(method, path, json={} if method == "POST" else None, **kw)
    return client.request(method, path, data={"csrf_token": csrf} if method == "POST" else None, **kw)


def test_anonymous_callers_reach_only_what_the_table_opens(url: str, case: dict) -> None:
    anonymous = Browser(url)
    csrf = anonymous.token()
    for (method, path), (audience, _) in sorted(ACCESS.items()):
        r = _call(anonymous, method, _target(path, case["id"]), csrf)
        if path == "/staff/logout":
            csrf = anonymous.token()  # logging out clears the browser's session, its CSRF token with it
        to_login = r.status_code == 303 and r.headers["location"].startswith("/staff/login?next=")
        assert r.status_code < 500, (method, path, r.status_code)
        if audience == STAFF and path.startswith("/api/"):
            assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer", (method, path, r.status_code)
        elif audience == STAFF:
            assert to_login, (method, path, r.status_code, r.headers.get("location"))
        else:
            # no login asked for (wrong credentials on the login routes themselves answer 401, without it)
            assert "www-authenticate" not in r.headers and not to_login, (method, path, r.status_code)


def test_staff_routes_answer_a_staff_member(url: str, case: dict) -> None:
    """Logged in (here an official of another office), no staff route asks for a login again."""
    page = Browser(url)
    login(page, "rsj.a", PASSWORD)
    csrf = page.token("/staff")
    bearer = token_for(page, "rsj.a")
    for (method, path), (audience, _) in sorted(ACCESS.items()):
        if audience != STAFF:
            continue
        r = _call(page, method, _target(path, case["id"]), csrf, headers=bearer if path.startswith("/api/") else None)
        assert r.status_code < 500 and r.status_code != 401, (method, path, r.status_code)
        assert not (r.status_code == 303 and r.headers["location"].startswith("/staff/login?next=")), (method, path)
