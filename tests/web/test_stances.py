"""Support and opposition cannot be stuffed: signed browser tokens and per-address limits."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from massline.models import Message, Support
from massline.platform import Platform
from massline.services import casework as feedback
from massline.services.errors import ValidationFailed
from massline.web.app import create_app
from tests.server import serving
from tests.web_helpers import Browser, serve, submit


@pytest.fixture
def limited(deployed: Platform) -> Platform:
    deployed.stance_limits.per_message.limit = 3
    deployed.stance_limits.per_hour.limit = 5
    return deployed


@pytest.fixture
def client(limited: Platform) -> Iterator[httpx.Client]:
    with serving(create_app(limited)) as base, httpx.Client(base_url=base, timeout=10) as c:
        yield c


def _message(client: httpx.Client, title: str = "路灯不亮") -> int:
    body = {"title": title, "body": "解放街道路口的路灯坏了一个多星期，晚上很黑。", "kind": "投诉", "region": "cs-xc-jf"}
    r = client.post("/api/v1/messages", json=body)
    assert r.status_code == 201
    return int(r.json()["id"])


def _counts(platform: Platform, message_id: int) -> tuple[int, int, int]:
    with platform.read() as s:
        m = s.get(Message, message_id)
        assert m is not None
        rows = s.scalar(select(func.count()).select_from(Support).where(Support.message_id == message_id))
        return m.support_count, m.oppose_count, int(rows or 0)


def test_thirty_tokens_from_one_address_count_as_the_limit(client: httpx.Client, limited: Platform) -> None:
    message_id = _message(client)
    codes = []
    for _ in range(30):
        token = client.post("/api/v1/supporter-token").json()["client_token"]
        codes.append(client.post(f"/api/v1/messages/{message_id}/support", json={"client_token": token}).status_code)
    assert codes.count(200) == 3 and codes.count(429) == 27
    assert _counts(limited, message_id) == (3, 0, 3)  # the heat index sums support_count: accepted stances only
    token = client.post("/api/v1/supporter-token").json()["client_token"]
    assert client.post(f"/api/v1/messages/{message_id}/oppose", json={"client_token": token}).status_code == 429


def test_an_address_has_an_hourly_limit_over_all_messages(client: httpx.Client, limited: Platform) -> None:
    ids = [_message(client, f"路灯不亮{i}") for i in range(4)]
    accepted = 0
    for message_id in ids:
        for _ in range(2):
            token = client.post("/api/v1/supporter-token").json()["client_token"]
            r = client.post(f"/api/v1/messages/{message_id}/support", json={"client_token": token})
            accepted += r.status_code == 200
    assert accepted == 5


def test_a_token_the_server_did_not_sign_is_refused(client: httpx.Client, limited: Platform) -> None:
    message_id = _message(client)
    real = client.post("/api/v1/supporter-token").json()["client_token"]
    forged = real.rsplit(".", 1)[0] + ".AAAAAAAAAAAAAAAAAAAAAAAAAAA"
    for token in ("device-aaaa", real.rsplit(".", 1)[0], forged):
        r = client.post(f"/api/v1/messages/{message_id}/support", json={"client_token": token})
        assert r.status_code == 422 and "client_token" in r.json()["errors"]
    assert _counts(limited, message_id) == (0, 0, 0)
    with pytest.raises(ValidationFailed):
        feedback.supporter_key("device-aaaa", limited.secret_key)


def test_fresh_browsers_from_one_address_are_limited_on_the_portal(limited: Platform) -> None:
    with serve(limited) as url:
        with Browser(url) as author:
            submit(author, title="小区路灯不亮")
        with limited.read() as s:
            message_id = s.scalar(select(Message.id))
        for i in range(6):  # each a new browser (a new cookie, a new token): only 3 count
            with Browser(url) as b:
                r = b.follow(b.post_form(f"/messages/{message_id}/support", {}, form_page=f"/messages/{message_id}"))
                assert ("感谢您的支持" in r.text) == (i < 3)
                assert ("操作过于频繁" in r.text) == (i >= 3)
    assert _counts(limited, message_id) == (3, 0, 3)
