"""Each role sees and does only what it may; no answer reveals another office's records."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import token_for

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
