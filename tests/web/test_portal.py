"""The citizen portal through real HTTP: forms, privacy, tracking, support, errors."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from massline.models import Message, Support, User
from massline.platform import Platform
from massline.services import casework as cases
from massline.services.intake import MessageInput, check_submit
from massline.services.ratelimit import RateLimiter
from massline.web.templating import templates
from tests.web_helpers import Browser, freeze_mid_window, serve, submit

PHONE, ID_NUMBER, CONTACT = "13812345678", "11010519491231002X", "13900001111"


@pytest.fixture
def browser(deployed: Platform) -> Iterator[Browser]:
    """A citizen's browser against a live server of the mini deployment."""
    with serve(deployed) as url, Browser(url) as b:
        yield b


def _message_id(browser: Browser, title: str) -> int:
    page = browser.get("/messages").text
    match = re.search(r'href="/messages/(\d+)">' + re.escape(title) + "<", page)
    assert match, "message not on the board"
    return int(match.group(1))


def _id_by_code(platform: Platform, code: str) -> int:
    with platform.read() as s:
        message_id = s.scalar(select(Message.id).where(Message.tracking_code == code))
    assert message_id is not None
    return message_id


def _reply(platform: Platform, message_id: int) -> None:
    """An official of the city's housing bureau accepts and answers (through the service)."""
    with platform.write() as s:
        official = s.scalar(select(User).where(User.username == "jsj.a"))
        assert official is not None
        now = platform.now()
        cases.act(s, official, message_id, cases.AcceptRequest(), now)
        cases.act(s, official, message_id, cases.ReplyRequest(body="已安排维修人员到现场处理，问题已解决。"), now)
        cases.act(s, official, message_id, cases.PublishRequest(), now)


def test_home_board_and_security_headers(browser: Browser) -> None:
    home = browser.get("/")
    assert home.status_code == 200
    assert '<html lang="zh-CN">' in home.text and "我要留言" in home.text and "测试市网络问政平台" in home.text
    csp = home.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "<style" not in home.text and 'style="' not in home.text and "<script>" not in home.text
    assert browser.get("/static/css/site.css").status_code == 200
    board = browser.get("/messages", params={"region": "no-such-region"})
    assert board.status_code == 422 and "所选区域不存在" in board.text


def test_submit_errors_in_chinese_keep_the_input(browser: Browser) -> None:
    r = browser.post_form("/submit", {"title": "路灯坏了", "body": "太短", "kind": "", "region": "cs-dc-hp",
                                      "author_name": "王小明", "contact_phone": "123", "is_public": "0"},
                          form_page="/submit")
    assert r.status_code == 422
    for message in ("请把问题写清楚", "请选择留言类型", "联系电话格式不正确"):
        assert message in r.text
    assert 'value="路灯坏了"' in r.text and ">太短</textarea>" in r.text and 'value="王小明"' in r.text
    assert 'value="cs-dc-hp" selected' in r.text
    assert re.search(r'value="0" checked', r.text)
    assert 'aria-invalid="true"' in r.text


def test_forms_reject_a_missing_csrf_token(browser: Browser) -> None:
    r = browser.post("/submit", data={"title": "标题", "body": "这是一条足够长的留言内容。", "kind": "咨询"})
    assert r.status_code == 403 and "页面已过期" in r.text
    assert browser.post("/track", data={"tracking_code": "X", "secret": "Y"}).status_code == 403
    assert browser.get("/messages").text.count("测试标题") == 0


def test_submission_shows_the_secret_once_and_public_pages_hide_pii(browser: Browser) -> None:
    body = f"我家楼下路灯坏了一个月，请尽快修理。我的电话 {PHONE}，身份证 {ID_NUMBER}。"
    code, secret, r = submit(browser, title="和平街道路灯损坏", body=body, region="cs-dc-hp", kind="投诉",
                             addressee="office:cs-jsj", author_name="张三丰", contact_phone=CONTACT)
    assert r.headers["cache-control"] == "no-store"
    assert "测试市住房和城乡建设局" in r.text and code.startswith("ML") and len(secret) == 10
    message_id = _message_id(browser, "和平街道路灯损坏")
    pages = [browser.get("/").text, browser.get("/messages").text, browser.get(f"/messages/{message_id}").text,
             browser.get("/messages", params={"q": "路灯"}).text]
    assert "和平街道路灯损坏" in pages[3]
    for page in pages:
        for secret_text in (PHONE, ID_NUMBER, CONTACT, "张三丰", secret):
            assert secret_text not in page
    detail = pages[2]
    assert "张*丰" in detail
    assert "请尽快修理" in detail and "群众提交留言" in detail


def test_support_counts_once_per_browser(browser: Browser) -> None:
    submit(browser, title="建议增设公交站")
    message_id = _message_id(browser, "建议增设公交站")
    first = browser.follow(browser.post_form(f"/messages/{message_id}/support", {}))
    assert "感谢您的支持" in first.text and "支持（1）" in first.text
    second = browser.follow(browser.post_form(f"/messages/{message_id}/support", {}))
    assert "您已经支持过" in second.text and "支持（1）" in second.text
    # one stance per citizen: having supported, the same browser cannot also oppose
    third = browser.follow(browser.post_form(f"/messages/{message_id}/oppose", {}))
    assert "您已经支持过" in third.text and "反对（0）" in third.text


def test_oppose_counts_once_per_browser(browser: Browser, deployed: Platform) -> None:
    submit(browser, title="建议在公园里建设广场舞场地")
    message_id = _message_id(browser, "建议在公园里建设广场舞场地")
    first = browser.follow(browser.post_form(f"/messages/{message_id}/oppose", {}))
    assert "已记录您的反对意见" in first.text and "反对（1）" in first.text and "支持（0）" in first.text
    again = browser.follow(browser.post_form(f"/messages/{message_id}/support", {}))
    assert "您已经反对过" in again.text and "支持（0）" in again.text
    assert "反对 1" in browser.get("/messages").text  # the board shows it too
    with deployed.read() as s:
        message = s.get(Message, message_id)
        assert message is not None and (message.oppose_count, message.support_count) == (1, 0)
        assert s.scalar(select(func.count()).select_from(Support).where(Support.message_id == message_id)) == 1


def test_track_private_case_rate_and_reopen(browser: Browser, deployed: Platform) -> None:
    code, secret, _ = submit(browser, title="小区电梯故障", addressee="office:cs-jsj", is_public="0",
                             body="小区三号楼电梯经常停运，老人上下楼很困难。")
    assert "小区电梯故障" not in browser.get("/messages").text
    wrong = browser.post_form("/track", {"tracking_code": code, "secret": "WRONGWRONG"})
    assert wrong.status_code == 404 and "查询码或密码不正确" in wrong.text
    assert f'value="{code}"' in wrong.text
    assert browser.get("/track/case").status_code == 303  # nothing remembered yet

    found = browser.post_form("/track", {"tracking_code": code.lower(), "secret": secret})
    assert found.headers["location"] == "/track/case"
    cookie = browser.cookies["massline_session"]
    assert secret not in base64.urlsafe_b64decode(cookie.split(".")[0] + "==").decode("utf-8", "replace")
    page = browser.get("/track/case")
    assert page.status_code == 200 and "小区电梯故障" in page.text and "不公开" in page.text
    assert "评价答复" not in page.text  # nothing to rate before a reply

    _reply(deployed, _id_by_code(deployed, code))
    page = browser.get("/track/case").text
    assert "已安排维修人员" in page and "评价答复" in page

    missing = browser.post_form("/track/rate", {"comment": "还是经常停"})
    assert missing.status_code == 422 and "请选择 1 到 5 星" in missing.text and "还是经常停</textarea>" in missing.text
    rated = browser.follow(browser.post_form("/track/rate", {"score": "1", "comment": "还是经常停"}))
    assert "感谢您的评价" in rated.text and "1 星" in rated.text and 'action="/track/rate"' not in rated.text

    short = browser.post_form("/track/reopen", {"reason": "不行"})
    assert short.status_code == 422 and "至少 4 个字" in short.text
    reopened = browser.follow(browser.post_form("/track/reopen", {"reason": "电梯今天又坏了，问题没有解决"}))
    assert "重新办理" in reopened.text and "群众要求重新办理" in reopened.text

    forgotten = browser.follow(browser.post_form("/track/forget", {}))
    assert "已退出查询" in forgotten.text
    assert browser.get("/track/case").status_code == 303


def test_submissions_are_rate_limited(browser: Browser, deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    deployed.submit_limiter = RateLimiter("submit", 1, 600)
    freeze_mid_window(deployed, monkeypatch, 600)
    submit(browser, title="第一条留言")
    r = browser.post_form("/submit", {"title": "第二条留言", "body": "第二条留言的内容足够长了。", "kind": "建言"},
                          form_page="/submit")
    assert r.status_code == 429 and "操作过于频繁" in r.text and 'value="第二条留言"' in r.text


def test_error_pages_are_chinese(browser: Browser) -> None:
    r = browser.get("/messages/999999")
    assert r.status_code == 404 and "页面不存在" in r.text and "返回首页" in r.text
    assert browser.get("/messages/abc").status_code == 422


def test_localtime_filter_shows_china_time() -> None:
    out = templates.env.from_string("{{ t|localtime }}").render(
        t=datetime(2024, 1, 1, 16, 30, tzinfo=UTC), tz=ZoneInfo("Asia/Shanghai"))
    assert out == "2024-01-02 00:30"


def test_board_pages_keep_the_filters(browser: Browser, deployed: Platform) -> None:
    from massline.services.intake import submit as intake

    with deployed.write() as s:
        for i in range(21):
            intake.check_submit(s, deployed.cipher, intake.MessageInput(
                title=f"建议第{i}号", body="建议在解放街道增设一处公交站点，方便居民出行。", kind="建言", region="cs-xc-jf",
            ), deployed.now())
        intake.check_submit(s, deployed.cipher, intake.MessageInput(
            title="其他类型留言", body="这是一条咨询类型的留言，用来检验筛选条件。", kind="咨询"), deployed.now())
    first = browser.get("/messages", params={"kind": "建言", "region": "cs-xc"})
    assert "共 21 条留言" in first.text and "其他类型留言" not in first.text
    next_link = re.search(r'href="(/messages\?[^"]*page=2[^"]*)" rel="next"', first.text)
    assert next_link and "kind=%E5%BB%BA%E8%A8%80" in next_link.group(1) and "region=cs-xc" in next_link.group(1)
    second = browser.get(next_link.group(1).replace("&amp;", "&"))
    assert "第 2 / 2 页" in second.text and second.text.count('class="item"') == 1


def _as_read_over_the_phone(code: str) -> list[str]:
    """``code`` as citizens type it: lower case, in groups with spaces or dashes, in full-width letters."""
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    return [code.lower(), f"{code[:2]} {code[2:6]} {code[6:]}".lower(), f"{code[:2]}-{code[2:6]}-{code[6:]}",
            f" {code[:6].lower()} - {code[6:]} ", full_width]


def test_tracking_code_may_be_typed_in_lower_case_with_spaces_or_dashes(browser: Browser) -> None:
    code, secret, _ = submit(browser, title="街道垃圾清运不及时", is_public="0")
    for typed in _as_read_over_the_phone(code):
        found = browser.post_form("/track", {"tracking_code": typed, "secret": secret})
        assert found.status_code == 303 and found.headers["location"] == "/track/case", typed
        assert "街道垃圾清运不及时" in browser.get("/track/case").text
        browser.post_form("/track/forget", {})
    # the secret stays exact: a wrong or lower-cased secret finds nothing, whatever the code looks like
    for wrong in {"WRONGWRONG", secret.lower(), secret[:-1]} - {secret}:
        r = browser.post_form("/track", {"tracking_code": code.lower(), "secret": wrong})
        assert r.status_code == 404 and "查询码或密码不正确" in r.text
    assert "不区分大小写" in browser.get("/track").text


def test_the_name_hint_shows_the_masking_of_public_pages(browser: Browser) -> None:
    from massline.web.portal import AUTHOR_EXAMPLES

    form = browser.get("/submit").text
    hint = re.search(r'<p class="hint" id="author_name-hint">([^<]*)</p>', form)
    assert hint, "no hint under the name field"
    for i, name in enumerate(AUTHOR_EXAMPLES):
        submit(browser, title=f"称呼示例{i}", author_name=name)
        page = browser.get(f"/messages/{_message_id(browser, f'称呼示例{i}')}").text
        shown = re.search(r"<dt>留言人</dt><dd>([^<]*)</dd>", page)
        assert shown and name not in page
        assert f"“{name}”显示为“{shown.group(1)}”" in hint.group(1)


def test_the_form_offers_every_kind_the_platform_accepts(browser: Browser, deployed: Platform) -> None:
    from massline.services.intake import KINDS

    form = browser.get("/submit").text
    offered = re.findall(r'<input type="radio" id="kind-[^"]+" name="kind" value="([^"]+)"', form)
    assert offered == list(KINDS) == browser.get("/api/v1/meta").json()["kinds"]
    assert "举报" in offered and "反映公职人员违纪违法" in form and "举报人的联系方式不会公开" in form
    code, _, _ = submit(browser, title="举报某所工作人员吃拿卡要", kind="举报", contact_phone=CONTACT,
                        body="某所工作人员办理证件时索要好处费，不给就拖着不办。")
    with deployed.read() as s:
        assert s.scalar(select(Message.kind).where(Message.tracking_code == code)) == "举报"
    assert "<option>举报</option>" in browser.get("/messages").text  # the board filters by every kind too


def test_the_public_page_shows_the_deadline_while_the_case_is_open(browser: Browser, deployed: Platform) -> None:
    data = MessageInput(title="楼道灯坏了", body="解放街道一个小区楼道的灯坏了一个月，晚上很黑，请尽快修理。", kind="投诉",
                        region="cs-xc-jf", category="城乡建设")  # fmt: skip
    with deployed.write() as s:
        message_id = check_submit(s, deployed.cipher, data, deployed.now()).message.id  # routed: a deadline
    with deployed.read() as s:
        message = s.get(Message, message_id)
        assert message is not None and message.due_at is not None and message.office is not None
        due = message.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")
        office = message.office.name
    page = browser.get(f"/messages/{message_id}").text
    assert "办理期限：<time" in page and f">{due}</time>（{office}须在此前答复）" in page
    assert browser.get(f"/api/v1/messages/{message_id}").json()["due_at"] is not None
    _reply(deployed, message_id)
    assert "办理期限" not in browser.get(f"/messages/{message_id}").text  # answered: no deadline any more
    assert browser.get(f"/api/v1/messages/{message_id}").json()["due_at"] is None
