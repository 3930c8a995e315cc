"""Error answers: a Chinese page in the site's layout for browsers (404, 405, 403, 422, 429, 500; the status
unchanged), JSON under /api/ and for clients that ask for JSON; every validation message in Chinese, naming
the field; an unhandled exception is logged and answered without any detail."""

from __future__ import annotations

import html
import logging
import re
from datetime import date
from enum import Enum
from typing import Literal

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from massline.platform import Platform
from massline.services import casework
from massline.services.ratelimit import RateLimiter
from massline.web.validation import chinese_message, field_errors
from tests.conftest import token_for
from tests.web_helpers import Browser

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# ASCII words an error may hold: formats, tokens and names of the standards it refers to
ALLOWED_WORDS = {"YYYY", "MM", "DD", "HH", "SS", "JSON", "NUL", "true", "false", "Idempotency", "Key"}
ERROR_PANEL = re.compile(r'<section class="panel error-panel".*?</section>', re.S)


def english_words(text: str) -> list[str]:
    """The ASCII words of ``text`` (two letters or more) an error message should not hold; the values
    a field takes (listed after 以下之一：) are what the client sends, not words."""
    text = re.sub(r"以下之一：[\w、-]+", "", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED_WORDS]


def panel_text(page: str) -> str:
    """The visible text of the error panel of ``page``."""
    match = ERROR_PANEL.search(page)
    assert match, page[:500]
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))


@pytest.fixture
def browser(url: str) -> Browser:
    b = Browser(url)
    b.headers.update(HTML)
    return b


def test_an_unknown_page_is_a_chinese_404_page_and_json_under_the_api(url: str, browser: Browser) -> None:
    page = browser.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "页面不存在" in page.text and 'href="/"' in page.text and "返回首页" in page.text
    assert "Not Found" not in page.text
    staff = browser.get("/staff/no-such-page")
    assert staff.status_code == 404 and "返回工作台" in staff.text

    with httpx.Client(base_url=url, timeout=20) as client:
        for headers in (HTML, {"Accept": "application/json"}, {}):
            r = client.get("/api/v1/no-such-thing", headers=headers)
            assert r.status_code == 404 and r.headers["content-type"] == "application/json", headers
            assert r.json() == {"detail": "请求的地址不存在"}
        # a page asked for by a client that wants JSON only
        r = client.get("/no-such-page", headers={"Accept": "application/json"})
        assert r.status_code == 404 and r.json() == {"detail": "请求的地址不存在"}
        r = client.get("/messages/999999", headers={"Accept": "application/json"})
        assert r.status_code == 404 and r.json() == {"detail": "未找到该记录"}


def test_other_errors_are_chinese_pages_with_their_status(url: str, browser: Browser, deployed: Platform) -> None:
    missing = browser.get("/messages/999999")
    assert missing.status_code == 404 and "未找到该记录" in missing.text
    method = browser.get("/track/forget")  # a form's POST-only address
    assert method.status_code == 405 and "不支持该请求方式" in method.text and "Method Not Allowed" not in method.text
    assert method.headers.get("allow") == "POST"
    forged = browser.post("/track/forget", data={})  # no CSRF token
    assert forged.status_code == 403 and "页面已过期" in forged.text and "无权操作" in forged.text
    invalid = browser.get("/messages", params={"page": "abc"})
    assert invalid.status_code == 422 and "页码须为整数" in invalid.text
    deployed.track_limiter = RateLimiter("track", 1, 600)
    for _ in range(2):
        limited = browser.post_form("/track", {"tracking_code": "ABCDEFGHJK", "secret": "X" * 10})
    assert limited.status_code == 429 and "操作过于频繁" in limited.text
    with httpx.Client(base_url=url, timeout=20) as client:
        r = client.get("/api/v1/track")
        assert r.status_code == 405 and r.json() == {"detail": "不支持该请求方式"}


def test_an_unhandled_exception_is_logged_and_answered_without_details(
    url: str, browser: Browser, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret-internal-detail")

    monkeypatch.setattr(casework, "public_board", broken)
    with caplog.at_level(logging.ERROR, logger="massline.web.errors"):
        page = browser.get("/")
        api = httpx.get(url + "/api/v1/messages", timeout=20)
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "服务器出错了" in page.text and "返回首页" in page.text and 'class="site-header"' in page.text
    assert api.status_code == 500 and api.json() == {"detail": "服务器处理请求时出错，已记录此问题，请稍后再试"}
    for text in (page.text, api.text):
        assert "secret-internal-detail" not in text and "Traceback" not in text and "RuntimeError" not in text
    logged = [r for r in caplog.records if r.name == "massline.web.errors"]
    assert len(logged) == 2 and all(r.exc_info and "secret-internal-detail" in str(r.exc_info[1]) for r in logged)
    assert "GET /" in logged[0].getMessage()


def test_api_validation_messages_are_chinese_and_name_the_field(api: httpx.Client) -> None:
    staff = token_for(api, "admin")
    good = {"title": "路灯不亮", "body": "解放街道幸福小区门口的路灯已经坏了两周，晚上出行很不方便。", "kind": "投诉"}
    cases = [
        ("POST", "/api/v1/messages", {"json": {}}, {"title": "请填写标题", "body": "请填写内容", "kind": "请填写类型"}),
        ("POST", "/api/v1/messages", {"json": {**good, "title": 5}}, {"title": "标题须为文本"}),
        ("POST", "/api/v1/messages", {"json": {**good, "is_public": "maybe"}}, {"is_public": "是否公开须为 true 或 false"}),
        ("POST", "/api/v1/messages", {"json": [good]}, {"body": "请求体须为 JSON 对象"}),
        ("POST", "/api/v1/messages", {"content": b'{"title": ', "headers": {"Content-Type": "application/json"}},
         {"body": "请求体不是有效的 JSON"}),
        ("GET", "/api/v1/messages", {"params": {"page": "abc"}}, {"page": "页码须为整数"}),
        ("GET", "/api/v1/messages", {"params": {"page": "0"}}, {"page": "页码不能小于 1"}),
        ("GET", "/api/v1/staff/issues", {"params": {"order": "oldest"}, "headers": staff},
         {"order": "排序须为以下之一：heat、new、recent"}),
        ("GET", "/api/v1/staff/issues", {"params": {"page_size": "501"}, "headers": staff}, {"page_size": "每页条数不能大于 200"}),
        ("POST", "/api/v1/track", {"json": {"tracking_code": "A" * 300, "secret": "X"}}, {"tracking_code": "查询码不能超过 200 个字"}),
        ("POST", "/api/v1/messages/abc/support", {"json": {"client_token": "x" * 10}}, {"message_id": "编号须为整数"}),
    ]  # fmt: skip
    for method, path, kwargs, expected in cases:
        r = api.request(method, path, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 422, (path, kwargs, r.text)
        body = r.json()
        assert set(body) == {"detail", "errors"} and body["detail"].startswith("请求格式不正确："), body
        assert {k: body["errors"][k] for k in expected} == expected, body
        assert not english_words(body["detail"]) and not any(english_words(m) for m in body["errors"].values()), body
        assert "Input should" not in r.text and "Field required" not in r.text


def test_form_validation_messages_are_chinese(browser: Browser) -> None:
    long_code = browser.post_form("/track", {"tracking_code": "A" * 300, "secret": "X" * 10})
    assert long_code.status_code == 422 and "查询码不能超过 200 个字" in panel_text(long_code.text)
    bad_id = browser.get("/issues/abc")
    assert bad_id.status_code == 422 and "编号须为整数" in panel_text(bad_id.text)


def test_no_english_on_a_citizen_error_page(url: str, browser: Browser) -> None:
    """Every error a citizen can meet on the portal speaks Chinese only."""
    requests = [
        ("GET", "/no-such-page", None), ("GET", "/messages/999999", None), ("GET", "/messages/abc", None),
        ("GET", "/messages/0", None), ("GET", "/messages?page=abc", None), ("GET", "/messages?page=0", None),
        ("GET", "/messages?q=%00", None), ("GET", "/issues/abc", None), ("GET", "/issues/999999", None),
        ("GET", "/track/forget", None), ("POST", "/track/forget", {}), ("POST", "/submit", {}),
        ("POST", "/messages/1/support", {}), ("GET", "/static/no-such-file.css", None),
    ]  # fmt: skip
    for method, path, data in requests:
        r = browser.request(method, path, data=data)
        assert r.status_code >= 400, (path, r.status_code)
        if path.startswith("/static/"):
            continue  # a missing asset: no page of ours
        text = panel_text(r.text)
        assert CJK.search(text) and not english_words(text), (path, r.status_code, text)


class Colour(Enum):
    RED = "红"
    GREEN = "绿"


class Sample(BaseModel):
    """One field per kind of pydantic error."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=2, max_length=5)
    score: int = Field(gt=0, lt=6)
    days: int = Field(ge=1, le=30, title="延期天数")
    kind: Literal["投诉", "求助"]
    colour: Colour
    due_date: date
    items: list[int] = Field(min_length=1, max_length=2)
    ratio: float
    is_public: bool
    note: str

    @field_validator("note")
    @classmethod
    def _visible(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("说明须包含文字")
        return value


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({}, "title", "请填写标题"),
        ({"title": 5}, "title", "标题须为文本"),
        ({"title": "一"}, "title", "标题至少 2 个字"),
        ({"title": "一二三四五六"}, "title", "标题不能超过 5 个字"),
        ({"score": "x"}, "score", "评分须为整数"),
        ({"score": 1.5}, "score", "评分须为整数"),
        ({"score": 0}, "score", "评分须大于 0"),
        ({"score": 6}, "score", "评分须小于 6"),
        ({"days": 0}, "days", "延期天数不能小于 1"),
        ({"days": 31}, "days", "延期天数不能大于 30"),
        ({"kind": "表扬"}, "kind", "类型须为以下之一：投诉、求助"),
        ({"colour": "蓝"}, "colour", "此项须为以下之一：红、绿"),
        ({"due_date": "2024-13-01"}, "due_date", "完成期限格式应为 YYYY-MM-DD"),
        ({"items": []}, "items", "此项至少需要 1 项"),
        ({"items": [1, 2, 3]}, "items", "此项不能超过 2 项"),
        ({"items": "x"}, "items", "此项须为列表"),
        ({"ratio": "x"}, "ratio", "此项须为数字"),
        ({"is_public": "maybe"}, "is_public", "是否公开须为 true 或 false"),
        ({"note": "  "}, "note", "说明须包含文字"),
        ({"zzz": 1}, "zzz", "本操作不接受此项"),
    ],
)
def test_each_pydantic_error_type_in_chinese(data: dict[str, object], field: str, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate(data)
    errors = field_errors(caught.value.errors(), Sample)
    assert errors[field] == expected
    assert all(CJK.search(m) and not english_words(m) for m in errors.values()), errors


def test_an_unknown_error_type_still_names_the_field() -> None:
    assert chinese_message({"type": "something_new", "msg": "Input is odd"}, "标题") == "标题格式不正确"
    assert chinese_message({"type": "value_error", "msg": "Value error, bad thing"}, "标题") == "标题格式不正确"
    assert chinese_message({"type": "missing"}) == "缺少此项"
