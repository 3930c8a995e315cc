"""Text from outside, through real HTTP: cleaned, validated, redacted and searched the same
way (``analysis.text.clean``): personal data however written never reaches a public page or
the search index, and no input text answers 500."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from massline.models import Message, Reply
from massline.platform import Platform
from massline.worker import Worker
from tests.conftest import token_for
from tests.web_helpers import Browser, serve, submit

TITLE = "楼道杂物堆放 138/1234/5678"
BODY = (
    "阳光社区3栋楼道长期堆放杂物，存在消防隐患，请尽快处理。"
    "我的电话138.1234.5678，备用１３８\u200b１２３４\u200b５６７８，也可打138—1234—5678，"
    "座机0731-8888 6666，身份证110101 19900307 4578，卡号6222 0212 3456 7890 128，"
    "邮箱ｚｈａｎｇｓａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ，微信：wxid_abc123，QQ：987654321。"
)
# What must never be on a public page, as it reads with separators, spaces and invisible
# characters taken out (and full-width folded).
SECRETS = ("13812345678", "073188886666", "110101199003074578", "6222021234567890128", "zhangsan", "wxidabc123",
           "987654321")  # fmt: skip
QUERIES = ("13812345678", "138.1234.5678", "138 1234 5678", "１３８１２３４５６７８", "138\u200b1234\u200b5678",
           "110101199003074578", "110101 19900307 4578", "073188886666", "0731-8888 6666", "6222021234567890128",
           "987654321", "zhangsan")  # fmt: skip
MESSAGE = {"title": TITLE, "body": BODY, "kind": "投诉", "region": "cs-dc-hp-yg", "category": "城乡建设"}


def _flat(page: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", html.unescape(page)))


def _assert_no_secret(page: str) -> None:
    flat = _flat(page)
    for secret in SECRETS:
        assert secret not in flat, secret


def _post_json(api: httpx.Client, path: str, data: dict, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST ``data`` as JSON with every non-ASCII character escaped (so a lone surrogate travels
    as ``\\ud800``, as a browser's or a script's JSON would send it)."""
    body = json.dumps(data, ensure_ascii=True)
    return api.post(path, content=body, headers={"content-type": "application/json", **(headers or {})})


def _public_api_pages(api: httpx.Client, mid: int) -> list[str]:
    return [api.get(url).text for url in ("/api/v1/messages", f"/api/v1/messages/{mid}", "/api/v1/messages?q=楼道杂物")]


def test_personal_data_however_written_stays_off_the_public_api(api: httpx.Client, deployed: Platform) -> None:
    r = _post_json(api, "/api/v1/messages", MESSAGE)
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    for indexed in (False, True):
        if indexed:
            assert Worker(deployed).run_once(max_messages=0).indexed == 1
        pages = _public_api_pages(api, mid)
        assert "消防隐患" in pages[1] and api.get("/api/v1/messages?q=楼道杂物").json()["total"] == 1
        for page in pages:
            _assert_no_secret(page)
        for q in QUERIES:  # no oracle: a number finds nothing, however it is written
            assert api.get("/api/v1/messages", params={"q": q}).json()["total"] == 0, (q, indexed)
        # with words, the number in a query is ignored: the answer is the same for any number
        for q in ("杂物 13812345678", "杂物 13999999999"):
            assert api.get("/api/v1/messages", params={"q": q}).json()["total"] == 1, (q, indexed)
    # the handling office sees the citizen's wording (only invisible characters are gone)
    official = token_for(api, "dc.a")
    body = api.get(f"/api/v1/cases/{mid}", headers=official).json()["body"]
    assert "138.1234.5678" in body and "１３８１２３４５６７８" in body and "\u200b" not in body


@pytest.fixture
def browser(deployed: Platform) -> Iterator[Browser]:
    with serve(deployed) as url, Browser(url) as b:
        yield b


def test_personal_data_however_written_stays_off_the_public_pages(browser: Browser, deployed: Platform) -> None:
    submit(browser, title=TITLE, body=BODY, region="cs-dc-hp", kind="投诉")
    match = re.search(r'href="/messages/(\d+)">', browser.get("/messages").text)
    assert match
    mid = match.group(1)
    Worker(deployed).run_once(max_messages=0)
    pages = [browser.get(path).text for path in ("/", "/messages", f"/messages/{mid}")]
    assert "消防隐患" in pages[2]
    for page in [*pages, browser.get("/messages", params={"q": "楼道杂物"}).text]:
        _assert_no_secret(page)
    for q in QUERIES:
        assert f'href="/messages/{mid}"' not in browser.get("/messages", params={"q": q}).text, q


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "楼道\ud800杂物"),  # a lone surrogate (UnicodeEncodeError before)
        ("body", "阳光社区楼道堆放杂物\udfff\ud800，请尽快处理。"),  # (reversed: two lone ones, not a pair)
        ("title", "楼道\x00杂物"),  # NUL (DataError on PostgreSQL before)
        ("body", "阳光社区楼道堆放杂物\x00，请尽快处理。"),
        ("author_name", "张\x00三\ud800"),
    ],
)
def test_unstorable_characters_are_removed_not_a_500(api: httpx.Client, deployed: Platform, field: str,
                                                     value: str) -> None:  # fmt: skip
    r = _post_json(api, "/api/v1/messages", {**MESSAGE, "body": "阳光社区楼道堆放杂物，请尽快处理。", field: value})
    assert r.status_code == 201, r.text
    with deployed.read() as s:
        message = s.get(Message, r.json()["id"])
        assert message is not None
        stored = getattr(message, field)
    assert stored == value.replace("\x00", "").replace("\ud800", "").replace("\udfff", "")


@pytest.mark.parametrize("title", ["\u200b\u200b\u200b", "\ufeff \u2060", "\u3164\u3164", "\x00", "\u202e\u202c"])
def test_a_title_of_invisible_characters_is_refused_in_chinese(api: httpx.Client, title: str) -> None:
    r = _post_json(api, "/api/v1/messages", {**MESSAGE, "title": title})
    assert r.status_code == 422, r.text
    assert set(r.json()["errors"]) == {"title"} and "标题" in r.json()["errors"]["title"]
    r = _post_json(api, "/api/v1/messages", {**MESSAGE, "body": "\u200b" * 20 + "太短"})
    assert r.status_code == 422 and "body" in r.json()["errors"]


def test_portal_form_refuses_an_invisible_title_and_cleans_nul(browser: Browser, deployed: Platform) -> None:
    data = {"title": "\u200b\u200b", "body": "这是一条用于测试的留言内容，内容足够长。", "kind": "咨询"}
    r = browser.post_form("/submit", data, form_page="/submit")
    assert r.status_code == 422 and "标题" in r.text
    code, _, _ = submit(browser, title="路灯\x00损坏", body="路灯坏了一个月\x00，请尽快修理。")
    with deployed.read() as s:
        message = s.scalar(select(Message).where(Message.tracking_code == code))
        assert message is not None and message.title == "路灯损坏" and "\x00" not in message.body


def test_an_officials_reply_and_reasons_with_unstorable_characters(api: httpx.Client, deployed: Platform) -> None:
    r = _post_json(api, "/api/v1/messages", MESSAGE)
    mid = r.json()["id"]
    official = token_for(api, "dc.a")
    assert _post_json(api, f"/api/v1/cases/{mid}/accept", {}, official).status_code == 200
    reply = "您好，\ud800社区已于今日\x00清理楼道杂物，感谢监督。\u200b"
    r = _post_json(api, f"/api/v1/cases/{mid}/reply", {"body": reply}, official)
    assert r.status_code == 200, r.text
    with deployed.read() as s:
        stored = s.scalar(select(Reply.body).where(Reply.message_id == mid))
    assert stored == "您好，社区已于今日清理楼道杂物，感谢监督。"
    r = _post_json(api, f"/api/v1/cases/{mid}/reply", {"body": "\u200b" * 30}, official)
    assert r.status_code == 422 and "body" in r.json()["errors"]
    r = _post_json(api, "/api/v1/messages", MESSAGE)
    mid = r.json()["id"]
    r = _post_json(api, f"/api/v1/cases/{mid}/reject", {"reason": "\x00\ud800不属于本单位\u202e职责"}, official)
    assert r.status_code == 200, r.text
    with deployed.read() as s:
        message = s.get(Message, mid)
        assert message is not None and message.reject_reason == "不属于本单位职责"
    r = _post_json(api, f"/api/v1/cases/{mid}/transfer", {"office": "cs-jsj\x00", "reason": "转给住建局处理"}, official)
    assert r.status_code != 500, r.text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/api/v1/auth/token", {"username": "dc.a\x00", "password": "x"}),
        ("/api/v1/auth/token", {"username": "dc.a\ud800", "password": "x\x00"}),
        ("/api/v1/auth/token", {"username": "dc.a", "password": "\ud800"}),
        ("/api/v1/track", {"tracking_code": "ML\x00ABCDEFGH", "secret": "\ud800"}),
        ("/api/v1/messages/1/support", {"client_token": "device-\x00\ud800-aaaa"}),
    ],
)
def test_lookups_with_unstorable_characters_are_not_a_500(api: httpx.Client, path: str, data: dict) -> None:
    r = _post_json(api, path, data)
    assert r.status_code in (401, 404, 422), r.text


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"q": "噪音\x00"}, {"region": "\x00"}, {"category": "城乡\x00"},
                                    {"kind": "投诉\x00"}, {"status": "\x00"}])  # fmt: skip
def test_board_filters_with_nul_are_not_a_500(api: httpx.Client, params: dict[str, str]) -> None:
    assert api.get("/api/v1/messages", params=params).status_code in (200, 422)


def test_a_full_width_contact_phone_is_stored_in_ascii(api: httpx.Client) -> None:
    r = _post_json(api, "/api/v1/messages", {**MESSAGE, "contact_phone": "１３８ １２３４ ５６７８"})
    assert r.status_code == 201, r.text
    official = token_for(api, "dc.a")
    contact = api.get(f"/api/v1/cases/{r.json()['id']}/contact", headers=official).json()
    assert contact == {"contact_phone": "13812345678"}
    r = _post_json(api, "/api/v1/messages", {**MESSAGE, "contact_phone": "١٣٨١٢٣٤٥٦٧٨"})  # other digits: refused
    assert r.status_code == 422 and "contact_phone" in r.json()["errors"]
