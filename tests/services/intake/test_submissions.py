"""Submissions through the one intake path: concurrency, the answer, the stored rows, atomicity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.config import Settings
from massline.models import Message, MessageEvent, MessageSearch
from massline.platform import Platform
from massline.services import events as events_module
from massline.services.errors import ValidationFailed
from massline.services.intake import submit as intake
from massline.services.intake.submit import MessageInput
from massline.services.search import backlog as search_backlog
from massline.web.app import create_app
from tests.server import serving

T0 = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
GOOD = {"title": "电梯坏了", "body": "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。", "kind": "投诉",
        "region": "cs-xc-jf", "category": "城乡建设"}  # fmt: skip


def _fields(title: str, **kw: object) -> dict[str, object]:
    return GOOD | {"title": title} | kw


def _input(title: str, **kw: object) -> MessageInput:
    return MessageInput(**_fields(title, **kw))  # type: ignore[arg-type]


def _count(p: Platform, model: type) -> int:
    with p.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _pending(p: Platform) -> int:
    """Stored messages waiting for the worker's search indexing."""
    with p.read() as s:
        return search_backlog.pending_count(s)


def test_fifty_concurrent_submissions_over_http_are_all_stored(api: httpx.Client, deployed: Platform) -> None:
    async def post_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=str(api.base_url), timeout=20) as client:
            return await asyncio.gather(
                *(client.post("/api/v1/messages", json=_fields(f"电梯坏了第{i}号")) for i in range(50))
            )

    responses = asyncio.run(post_all())
    assert [r.status_code for r in responses] == [201] * 50, responses[0].text
    out = [r.json() for r in responses]
    assert len({o["tracking_code"] for o in out}) == 50 and len({o["id"] for o in out}) == 50
    with deployed.read() as s:
        stored = {m.id: m for m in s.scalars(select(Message))}
        for i, o in enumerate(out):  # each answer names its own message
            m = stored[o["id"]]
            assert (m.title, m.tracking_code, m.status, m.source) == (f"电梯坏了第{i}号", o["tracking_code"], "assigned", "api")
            assert intake.secret_digest(o["secret"]) == m.secret_hash
            assert [e.type for e in m.events] == ["submitted", "routed"]
        assert len(stored) == 50
    assert _pending(deployed) == 50  # every one waits for the worker's search indexing


def test_the_answer(api: httpx.Client) -> None:
    r = api.post("/api/v1/messages", json=GOOD)
    assert r.status_code == 201 and r.headers["content-type"] == "application/json"
    assert "content-security-policy" in r.headers and "idempotent-replayed" not in r.headers
    body = r.json()
    assert list(body) == ["id", "tracking_code", "secret", "status", "status_label", "office"]
    assert (body["status"], body["status_label"], body["office"]) == ("assigned", "待签收", "测试市住房和城乡建设局")


BAD_REQUESTS: list[dict[str, object]] = [
    {"json": {"title": 5}},  # wrong type, missing fields
    {"json": {**GOOD, "addressee_leader": "x"}},
    {"json": {**GOOD, "is_public": "perhaps"}},
    {"json": [GOOD]},  # not an object
    {"json": None},
    {"content": b'{"title": "a", ', "headers": {"content-type": "application/json"}},  # broken JSON
    {"content": b"", "headers": {"content-type": "application/json"}},  # empty body
    {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}},  # not UTF-8
    {"data": {"title": "x"}},  # a form, not JSON
    {"json": {**GOOD, "title": "", "body": "太短", "kind": "吐槽", "region": "nowhere"}},  # refused by the service
    {"json": GOOD, "headers": {"idempotency-key": "k" * 201}},  # key too long
]


@pytest.mark.parametrize("request_", BAD_REQUESTS)
def test_bad_requests_are_422_with_the_problems(api: httpx.Client, deployed: Platform, request_: dict[str, Any]) -> None:
    r = api.post("/api/v1/messages", **request_)
    assert r.status_code == 422 and "errors" in r.json(), r.text
    assert _count(deployed, Message) == 0


def test_the_services_problems_are_named_by_field(api: httpx.Client) -> None:
    r = api.post("/api/v1/messages", json={**GOOD, "title": "", "body": "太短", "kind": "吐槽", "region": "nowhere"})
    assert set(r.json()["errors"]) == {"title", "body", "kind", "region"}
    assert r.json()["errors"]["body"] == "请把问题写清楚，内容至少 10 个字"


def test_rate_limit(settings: Settings, deployed: Platform) -> None:
    deployed.submit_limiter.limit = 1
    with serving(create_app(deployed)) as base, httpx.Client(base_url=base, timeout=10) as client:
        assert client.post("/api/v1/messages", json=GOOD).status_code == 201
        r = client.post("/api/v1/messages", json=GOOD)
        assert r.status_code == 429 and "retry-after" in r.headers
    assert _count(deployed, Message) == 1


def test_wrong_method_and_the_api_docs(api: httpx.Client) -> None:
    assert api.put("/api/v1/messages", json=GOOD).status_code == 405
    spec = api.get("/api/openapi.json").json()
    op = spec["paths"]["/api/v1/messages"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MessageCreate")
    assert op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Submitted")
    assert "The secret is shown only in this response" in op["description"]
    assert any(p["name"] == "idempotency-key" and p["in"] == "header" for p in op["parameters"])
    assert "get" in spec["paths"]["/api/v1/messages"]


def test_stored_rows(deployed: Platform) -> None:
    with deployed.write() as s:
        results = [intake.check_submit(s, deployed.cipher, _input(f"第{i}件"), T0) for i in range(3)]
        assert results[0].message.title == "第0件"  # loadable inside the transaction
    for i, r in enumerate(results):
        assert (r.status, r.status_label, r.office, r.replayed) == ("assigned", "待签收", "测试市住房和城乡建设局", False)
        with deployed.read() as s:
            m = s.get(Message, r.id)
            assert m is not None and m.title == f"第{i}件" and m.office is not None
            assert m.created_at == m.updated_at == T0 and m.due_at is not None and m.due_at.tzinfo is not None
            assert (m.oppose_count, m.support_count, m.is_public, m.escalated, m.source) == (0, 0, True, False, "web")
            events = s.scalars(select(MessageEvent).where(MessageEvent.message_id == r.id)).all()
            assert [(e.type, e.from_status, e.to_status, e.office_id, e.note, e.data, e.created_at) for e in events] == [
                ("submitted", None, "received", None, None, {"source": "web"}, T0),
                ("routed", "received", "assigned", m.office_id, m.office.name, {"office_code": "cs-jsj"}, T0),
            ]
            assert m.search_pending and s.get(MessageSearch, r.id) is None  # indexed by the worker


def test_an_unrouted_message_has_only_the_submitted_event(deployed: Platform) -> None:
    with deployed.write() as s:
        r = intake.check_submit(s, deployed.cipher, _input("无处可派", region="", category=""), T0)
    assert (r.status, r.office) == ("received", None)
    with deployed.read() as s:
        events = s.scalars(select(MessageEvent).where(MessageEvent.message_id == r.id)).all()
        assert [(e.type, e.from_status, e.to_status) for e in events] == [("submitted", None, "received")]


def test_a_bad_submission_stores_nothing_and_the_next_ones_go_on(deployed: Platform) -> None:
    with pytest.raises(ValidationFailed) as err, deployed.write() as s:
        intake.check_submit(s, deployed.cipher, _input("", body="太短"), T0)
    assert set(err.value.errors) == {"title", "body"}
    with deployed.write() as s:
        intake.check_submit(s, deployed.cipher, _input("好的"), T0)
    assert (_count(deployed, Message), _count(deployed, MessageEvent), _pending(deployed)) == (1, 2, 1)


def test_a_database_error_leaves_nothing_half_written(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    real = events_module.write_events

    def failing(session: Session, rows: list[dict[str, Any]]) -> None:
        real(session, rows)  # the message and its events are in, the transaction not committed yet
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "write_events", failing)
    with pytest.raises(RuntimeError, match="disk full"), deployed.write() as s:
        intake.check_submit(s, deployed.cipher, _input("故障注入"), T0)
    monkeypatch.setattr(intake, "write_events", real)
    with deployed.write() as s:
        intake.check_submit(s, deployed.cipher, _input("好的"), T0)
    with deployed.read() as s:
        assert list(s.scalars(select(Message.title))) == ["好的"]
    assert (_count(deployed, MessageEvent), _count(deployed, MessageSearch), _pending(deployed)) == (2, 0, 1)


def test_a_taken_tracking_code_fails_the_submission_whole(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    with deployed.write() as s:
        taken = intake.check_submit(s, deployed.cipher, _input("已有的"), T0).tracking_code
    monkeypatch.setattr(intake, "new_tracking_code", lambda: taken)
    with pytest.raises(IntegrityError), deployed.write() as s:
        intake.check_submit(s, deployed.cipher, _input("撞号"), T0)
    assert (_count(deployed, Message), _count(deployed, MessageEvent)) == (1, 2)


def test_results_do_not_hold_a_session(deployed: Platform) -> None:
    result = intake.Submitted(1, "ML22222222", "S", "received", None)
    assert result.status_label == "待派单"
    with pytest.raises(RuntimeError):
        _ = result.message
