"""A repeated submission stores one message: the API's Idempotency-Key and the portal's form token."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from massline.models import Message, MessageEvent, SubmissionKey
from massline.platform import Platform
from massline.services.errors import Conflict
from massline.services.intake import keys
from massline.services.intake import submit as intake
from massline.services.intake.submit import MessageInput
from massline.web import api as api_module
from tests.web_helpers import Browser

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GOOD = {"title": "电梯坏了", "body": "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。", "kind": "投诉",
        "region": "cs-xc-jf", "category": "城乡建设"}  # fmt: skip


def _count(p: Platform, model: type = Message) -> int:
    with p.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _post(client: httpx.Client, key: str, **fields: object) -> httpx.Response:
    return client.post("/api/v1/messages", json=GOOD | fields, headers={"Idempotency-Key": key})


def test_the_same_key_twice_stores_one_message(api: httpx.Client, deployed: Platform) -> None:
    first = _post(api, "7f9c-0001")
    again = _post(api, "7f9c-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # same id, tracking code, secret (within the replay window)
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"
    assert (_count(deployed), _count(deployed, MessageEvent), _count(deployed, SubmissionKey)) == (1, 2, 1)
    assert _post(api, "7f9c-0002").json()["tracking_code"] != first.json()["tracking_code"]  # another key
    assert api.post("/api/v1/messages", json=GOOD).status_code == 201  # no key: no protection
    assert _count(deployed) == 3


def test_a_key_reused_for_another_message_is_refused(api: httpx.Client, deployed: Platform) -> None:
    assert _post(api, "k-1").status_code == 201
    r = _post(api, "k-1", title="另一件事")
    assert r.status_code == 409 and "Idempotency-Key" in r.json()["detail"]
    assert _count(deployed) == 1


def test_concurrent_requests_with_one_key_store_one_message(api: httpx.Client, deployed: Platform) -> None:
    out: list[httpx.Response] = []
    start = threading.Barrier(8)

    def post() -> None:
        with httpx.Client(base_url=str(api.base_url), timeout=20) as client:
            start.wait()
            out.append(_post(client, "same-key"))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in out] == [201] * 8
    assert len({r.json()["tracking_code"] for r in out}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in out) == 7
    assert (_count(deployed), _count(deployed, MessageEvent)) == (1, 2)


def test_a_twin_committing_first_is_found_after_the_conflict(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race itself: the lookup misses a twin that commits just before this one writes its key
    (on PostgreSQL the INSERT waits for the twin, then conflicts); only the savepoint is undone."""
    data = MessageInput(**GOOD)  # type: ignore[arg-type]
    with deployed.write() as s:
        twin = intake.check_submit(s, deployed.cipher, data, T0, key="raced")
    real_find = keys.find
    calls = []

    def late_find(*args: object) -> keys.Replay | None:
        calls.append(1)
        return None if len(calls) == 1 else real_find(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(keys, "find", late_find)
    with deployed.write() as s:
        again = intake.check_submit(s, deployed.cipher, data, T0, key="raced")
        other = intake.check_submit(s, deployed.cipher, MessageInput(**GOOD | {"title": "同一事务里的下一件"}), T0)  # type: ignore[arg-type]
    assert len(calls) == 2 and again.replayed
    assert (again.id, again.tracking_code, again.secret) == (twin.id, twin.tracking_code, twin.secret)
    assert other.id != twin.id and (_count(deployed), _count(deployed, MessageEvent)) == (2, 4)


def test_a_crash_between_commit_and_answer_then_a_retry_gives_the_same_message(
    api: httpx.Client, deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = api_module.schemas.Submitted
    crashes = []

    def crash_once(**fields: object) -> object:
        if not crashes:
            crashes.append(fields)
            raise SystemError("the process died after the commit")  # the answer is never sent
        return real(**fields)  # type: ignore[arg-type]

    monkeypatch.setattr(api_module.schemas, "Submitted", crash_once)
    lost = _post(api, "retry-me")
    assert lost.status_code == 500 and _count(deployed) == 1  # stored, but the client never heard
    with httpx.Client(base_url=str(api.base_url), timeout=10) as client:  # the client reconnects and retries
        retry = _post(client, "retry-me")
    assert retry.status_code == 201 and retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["tracking_code"] == crashes[0]["tracking_code"]
    assert retry.json()["secret"] == crashes[0]["secret"]
    assert _count(deployed) == 1


def test_after_the_replay_window_the_secret_is_forgotten(deployed: Platform) -> None:
    data = MessageInput(**GOOD)  # type: ignore[arg-type]
    with deployed.write() as s:
        first = intake.check_submit(s, deployed.cipher, data, T0, key="old")
    later = T0 + keys.REPLAY_WINDOW + timedelta(minutes=1)
    with deployed.write() as s:
        replay = intake.check_submit(s, deployed.cipher, data, later, key="old")
        assert replay.message.tracking_code == first.tracking_code  # the message is loadable in the transaction
    assert replay.replayed and replay.id == first.id and replay.secret is None
    with deployed.write() as s:  # the next keyed submission clears what is past the window
        intake.check_submit(s, deployed.cipher, MessageInput(**GOOD | {"title": "新的"}), later, key="new")  # type: ignore[arg-type]
    with deployed.read() as s:
        kept = {mid: secret for mid, secret in s.execute(select(SubmissionKey.message_id, SubmissionKey.secret_encrypted))}
    assert kept[first.id] is None and all(v is not None for k, v in kept.items() if k != first.id)
    assert _count(deployed) == 2


def test_keys_of_different_channels_do_not_meet(deployed: Platform) -> None:
    with deployed.write() as s:
        web = intake.check_submit(s, deployed.cipher, MessageInput(**GOOD, source="web"), T0, key="k")  # type: ignore[arg-type]
        api = intake.check_submit(s, deployed.cipher, MessageInput(**GOOD, source="api"), T0, key="k")  # type: ignore[arg-type]
        with pytest.raises(Conflict):
            intake.check_submit(s, deployed.cipher, MessageInput(**GOOD | {"body": "x" * 20}, source="api"), T0, key="k")  # type: ignore[arg-type]
    assert web.id != api.id and not web.replayed and not api.replayed


# ---- the portal form: one-time token, Post/Redirect/Get ------------------------------------------

FORM = {"title": "和平街道路灯坏了", "body": "东城区和平街道路灯坏了一个月，晚上出行很不安全。", "kind": "投诉",
        "region": "cs-dc-hp", "is_public": "1"}  # fmt: skip
CODE_RE = re.compile(r'id="tracking-code">([A-Z0-9]+)<')
SECRET_RE = re.compile(r'id="tracking-secret">([A-Z0-9]+)<')


def _confirmation(browser: Browser, response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 303 and response.headers["location"] == "/submit/done", response.text[:500]
    page = browser.follow(response)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    code, secret = CODE_RE.search(page.text), SECRET_RE.search(page.text)
    assert code and secret
    return code.group(1), secret.group(1)


def test_a_form_posted_twice_stores_one_message(url: str, deployed: Platform) -> None:
    with Browser(url) as browser:
        hidden = browser.hidden("/submit")
        assert len(hidden["form_token"]) >= 20
        first = _confirmation(browser, browser.post("/submit", data={**hidden, **FORM}))
        again = _confirmation(browser, browser.post("/submit", data={**hidden, **FORM}))  # refresh / double click
        assert again == first
        assert browser.get("/submit/done").text.count(first[0]) >= 1  # refreshing the confirmation stores nothing
        fresh = browser.hidden("/submit")  # a new form: a new token, a new message
        assert fresh["form_token"] != hidden["form_token"]
        assert _confirmation(browser, browser.post("/submit", data={**fresh, **FORM}))[0] != first[0]
    assert _count(deployed) == 2
    with deployed.read() as s:
        sources = set(s.scalars(select(Message.source)))
    assert sources == {"web"}


def test_a_form_with_problems_keeps_what_was_typed_and_its_token(url: str, deployed: Platform) -> None:
    with Browser(url) as browser:
        hidden = browser.hidden("/submit")
        bad = browser.post("/submit", data={**hidden, **FORM, "body": "太短"})
        assert bad.status_code == 422 and "请把问题写清楚，内容至少 10 个字" in bad.text
        assert FORM["title"] in bad.text and hidden["form_token"] in bad.text
        _confirmation(browser, browser.post("/submit", data={**hidden, **FORM}))
        again = browser.post("/submit", data={**hidden, **FORM, "title": "改了标题再发"})  # the used token, other text
        assert again.status_code == 409 and "这份表单已经提交过" in again.text and "改了标题再发" in again.text
        assert hidden["form_token"] not in again.text  # a fresh token to send it as a new message
    assert _count(deployed) == 1


def test_the_confirmation_page_without_a_submission_goes_to_tracking(url: str) -> None:
    with Browser(url) as browser:
        r = browser.get("/submit/done")
        assert r.status_code == 303 and r.headers["location"] == "/track"
