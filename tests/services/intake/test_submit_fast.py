"""The lean submission path (``JSONBodyRoute``, ``SubmissionWriter.stored``, ``services.dbapi``)
answers exactly as FastAPI's generic path does, and stores what the ORM would."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select

from massline.config import Settings
from massline.models import Message, MessageEvent, MessageSearch
from massline.platform import Platform
from massline.services.intake.submit import MessageInput
from massline.web import api as api_module
from massline.web import schemas
from massline.web.app import create_app
from massline.web.json_route import JSONBodyRoute
from tests.server import serving

GOOD = {"title": "电梯坏了", "body": "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。", "kind": "投诉",
        "region": "cs-xc-jf", "category": "城乡建设"}  # fmt: skip
GENERIC = "/api/v1/messages-generic"


@pytest.fixture
def both(deployed: Platform) -> Iterator[httpx.Client]:
    """The app, plus the same endpoint at GENERIC as a plain ``APIRoute`` (FastAPI's own handling)."""
    app = create_app(deployed)
    app.router.add_api_route(
        GENERIC, api_module.submit_message, methods=["POST"], status_code=201, response_model=schemas.Submitted
    )
    with serving(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


def _same(client: httpx.Client, **request: object) -> httpx.Response:
    lean = client.post("/api/v1/messages", **request)  # type: ignore[arg-type]
    generic = client.post(GENERIC, **request)  # type: ignore[arg-type]
    assert (lean.status_code, lean.text) == (generic.status_code, generic.text)
    drop = {"date", "content-length"}
    assert [h for h in lean.headers.items() if h[0] not in drop] == [
        h for h in generic.headers.items() if h[0] not in drop
    ]
    return lean


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
    {"content": b"{}", "headers": {"content-type": "text/plain"}},
    {"json": {**GOOD, "title": "", "body": "太短", "kind": "吐槽", "region": "nowhere"}},  # refused by the service
]


@pytest.mark.parametrize("request_", BAD_REQUESTS)
def test_errors_are_the_same_as_fastapis(both: httpx.Client, request_: dict[str, object]) -> None:
    r = _same(both, **request_)
    assert r.status_code == 422 and "errors" in r.json()


def test_a_submission_is_answered_as_fastapi_would(both: httpx.Client, deployed: Platform) -> None:
    lean = both.post("/api/v1/messages", json=GOOD)
    generic = both.post(GENERIC, json=GOOD)
    assert lean.status_code == generic.status_code == 201
    assert lean.headers["content-type"] == generic.headers["content-type"] == "application/json"
    assert lean.headers["content-security-policy"] == generic.headers["content-security-policy"]
    a, b = lean.json(), generic.json()
    assert list(a) == list(b) == ["id", "tracking_code", "secret", "status", "status_label", "office"]
    assert (a["status"], a["status_label"], a["office"]) == (b["status"], b["status_label"], b["office"])
    # the same bytes as FastAPI's serialization of the same object
    assert lean.content == schemas.Submitted(**a).model_dump_json().encode()
    with_charset = both.post(
        "/api/v1/messages",
        content=httpx.Request("POST", "/", json=GOOD).content,
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert with_charset.status_code == 201
    # JSON that pydantic refuses but json.loads takes (a UTF-8 BOM) goes the generic way, as before
    with_bom = both.post(
        "/api/v1/messages",
        content=b"\xef\xbb\xbf" + httpx.Request("POST", "/", json=GOOD).content,
        headers={"content-type": "application/json"},
    )
    assert with_bom.status_code == 201
    with deployed.read() as s:
        assert len(s.scalars(select(Message)).all()) == 4


def test_rate_limit_answers_the_same(settings: Settings, deployed: Platform) -> None:
    deployed.submit_limiter.limit = 1
    app = create_app(deployed)
    app.router.add_api_route(
        GENERIC, api_module.submit_message, methods=["POST"], status_code=201, response_model=schemas.Submitted
    )
    with serving(app) as base, httpx.Client(base_url=base, timeout=10) as client:
        assert client.post("/api/v1/messages", json=GOOD).status_code == 201
        r = _same(client, json=GOOD)
        assert r.status_code == 429 and "retry-after" in r.headers


def test_wrong_method_and_the_api_docs(api: httpx.Client) -> None:
    assert api.put("/api/v1/messages", json=GOOD).status_code == 405
    spec = api.get("/api/openapi.json").json()
    op = spec["paths"]["/api/v1/messages"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MessageCreate")
    assert op["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/Submitted")
    assert "The secret is shown only in this response" in op["description"]
    assert "get" in spec["paths"]["/api/v1/messages"]


def test_the_route_refuses_endpoints_it_cannot_serve() -> None:
    async def with_query(data: schemas.MessageCreate, page: int) -> schemas.Submitted:
        raise AssertionError

    with pytest.raises(TypeError):
        JSONBodyRoute("/x", with_query, methods=["POST"], response_model=schemas.Submitted)
    route = JSONBodyRoute("/y", api_module.submit_message, methods=["POST"], response_model=schemas.Submitted)
    assert isinstance(route, APIRoute) and route.body_name == "data" and route.request_name == "request"


def test_stored_rows_are_what_the_orm_would_store(deployed: Platform) -> None:
    now = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)

    async def submit_all() -> list[int]:
        results = await asyncio.gather(
            *(deployed.submissions.stored(MessageInput(**{**GOOD, "title": f"第{i}件"}), now) for i in range(6))  # type: ignore[arg-type]
        )
        return [r.id for r in results]

    ids = asyncio.run(submit_all())
    assert len(set(ids)) == 6
    with deployed.read() as s:
        for i, mid in enumerate(ids):
            m = s.get(Message, mid)
            assert m is not None and m.title == f"第{i}件"
            assert m.created_at == m.updated_at == now and m.due_at is not None and m.due_at.tzinfo is not None
            assert (m.oppose_count, m.support_count, m.is_public, m.escalated) == (0, 0, True, False)
            events = s.scalars(select(MessageEvent).where(MessageEvent.message_id == mid)).all()
            assert [(e.type, e.data, e.created_at) for e in events] == [("submitted", {}, now), ("routed", {}, now)]
            assert m.search_pending and s.get(MessageSearch, mid) is None  # indexed by the worker


def test_a_cancelled_waiter_does_not_stop_the_others(deployed: Platform) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    async def main() -> list[int]:
        gone = asyncio.ensure_future(deployed.submissions.stored(MessageInput(**GOOD), now))  # type: ignore[arg-type]
        await asyncio.sleep(0)
        gone.cancel()
        kept = await asyncio.gather(
            *(deployed.submissions.stored(MessageInput(**GOOD), now) for _ in range(3))  # type: ignore[arg-type]
        )
        return [k.id for k in kept]

    assert len(set(asyncio.run(main()))) == 3
