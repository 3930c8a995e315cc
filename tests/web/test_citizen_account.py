"""Citizens' ways back in over real HTTP and a real SMTP server: 忘记查询密码 (a new secret sent to
the case's own contact) and 我的留言 (a one-time code, then every message of that contact)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from massline.platform import Platform
from tests.smtp_inbox import Inbox, body, smtp_server
from tests.web_helpers import Browser, freeze_mid_window, submit

EMAIL = "zhang@example.com"
FORM = {"region": "cs-dc-hp-yg", "addressee": "office:cs-dc-gov", "notify": "1"}


@pytest.fixture
def inbox(deployed: Platform) -> Iterator[Inbox]:
    """A local SMTP server the deployed platform sends through."""
    with smtp_server() as server:
        deployed.settings.smtp_host, deployed.settings.smtp_port = "127.0.0.1", server.port
        yield server


def _track(browser: Browser, code: str, secret: str) -> int:
    return browser.post_form("/track", {"tracking_code": code, "secret": secret}).status_code


def test_a_forgotten_secret_is_sent_to_the_contact_and_the_old_one_stops(
    url: str, deployed: Platform, inbox: Inbox
) -> None:
    citizen = Browser(url)
    code, old, _ = submit(citizen, contact_email=EMAIL, **FORM)
    assert _track(citizen, code, old) == 303
    answer = citizen.post_form("/track/recover", {"tracking_code": code.lower()}, form_page="/track/recover")
    assert answer.status_code == 303 and "新的查询密码已发送" in citizen.follow(answer).text
    assert citizen.get("/track/case").status_code == 303  # the followed case's session ended with the old secret
    deployed.notifier().run_once()
    (mail,) = inbox.to(EMAIL)
    new = re.search(r"新查询密码是：([A-Z0-9]+)", body(mail))
    assert new and new.group(1) != old
    assert _track(citizen, code, old) == 404
    assert _track(citizen, code, new.group(1)) == 303


def test_recovery_says_the_same_whatever_the_code_and_sends_only_to_the_messages_contact(
    url: str, deployed: Platform, inbox: Inbox
) -> None:
    citizen = Browser(url)
    no_contact, secret, _ = submit(citizen, **FORM)
    answers = [
        citizen.post_form("/track/recover", {"tracking_code": c}, form_page="/track/recover")
        for c in (no_contact, "ML23456789")
    ]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert deployed.notifier().run_once().sent == 0 and inbox.mails == []
    assert _track(citizen, no_contact, secret) == 303  # nothing to send it to: the secret stays


def test_recovery_is_rate_limited(url: str, deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    deployed.settings.contact_code_rate_limit = 2
    deployed.contact_code_limiter.limit = 2
    freeze_mid_window(deployed, monkeypatch, deployed.settings.contact_code_rate_window_seconds)
    citizen = Browser(url)
    codes = [
        citizen.post_form("/track/recover", {"tracking_code": "ML2345678" + str(i)}, form_page="/track/recover")
        for i in range(3)
    ]
    assert [r.status_code for r in codes] == [303, 303, 429]


def test_my_messages_by_one_time_code(url: str, deployed: Platform, inbox: Inbox) -> None:
    citizen = Browser(url)
    first, _, _ = submit(citizen, contact_email=EMAIL, title="第一条留言", **FORM)
    second, _, _ = submit(citizen, contact_email="ＺＨＡＮＧ@example.com", title="第二条留言", **FORM)
    other, _, _ = submit(citizen, contact_email="li@example.com", title="别人的留言", **FORM)
    me = Browser(url)
    assert "获取验证码" in me.get("/me").text
    sent = me.post_form("/me/code", {"contact": "Zhang@Example.com"}, form_page="/me")
    assert sent.status_code == 200 and 'name="code"' in sent.text
    unknown = me.post_form("/me/code", {"contact": "nobody@example.com"}, form_page="/me")
    assert unknown.status_code == 200 and "验证码已发送" in unknown.text  # the same answer
    deployed.notifier().run_once()
    (mail,) = inbox.to(EMAIL)
    assert inbox.to("nobody@example.com") == []
    code = re.search(r"验证码是 (\d{6})", body(mail))
    assert code
    wrong = me.post_form("/me/login", {"contact": EMAIL, "code": "000000" if code.group(1) != "000000" else "111111"},
                         form_page="/me")  # fmt: skip
    assert wrong.status_code == 422 and "验证码不正确" in wrong.text
    ok = me.post_form("/me/login", {"contact": EMAIL, "code": code.group(1)}, form_page="/me")
    page = me.follow(ok).text
    assert first in page and second in page and other not in page
    assert me.post_form("/me/login", {"contact": EMAIL, "code": code.group(1)}, form_page="/me").status_code == 422
    mid = re.search(r'action="/me/open/(\d+)"', page)
    assert mid
    opened = me.post_form(f"/me/open/{mid.group(1)}", {}, form_page="/me")
    assert me.follow(opened).status_code == 200
    assert me.post_form("/me/open/999999", {}, form_page="/me").status_code == 404
    me.post_form("/me/logout", {}, form_page="/me")
    assert "获取验证码" in me.get("/me").text


def test_a_code_is_void_after_too_many_wrong_entries(url: str, deployed: Platform, inbox: Inbox) -> None:
    citizen = Browser(url)
    submit(citizen, contact_email=EMAIL, **FORM)
    citizen.post_form("/me/code", {"contact": EMAIL}, form_page="/me")
    deployed.notifier().run_once()
    code = re.search(r"验证码是 (\d{6})", body(inbox.to(EMAIL)[0]))
    assert code
    wrong = "000000" if code.group(1) != "000000" else "111111"
    for _ in range(deployed.settings.login_code_attempts):
        assert citizen.post_form("/me/login", {"contact": EMAIL, "code": wrong}, form_page="/me").status_code == 422
    assert citizen.post_form("/me/login", {"contact": EMAIL, "code": code.group(1)}, form_page="/me").status_code == 422


def test_login_codes_are_rate_limited_per_contact(url: str, deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    deployed.contact_code_limiter.limit = 2
    freeze_mid_window(deployed, monkeypatch, deployed.settings.contact_code_rate_window_seconds)
    asked = [Browser(url).post_form("/me/code", {"contact": "13812345678"}, form_page="/me").status_code
             for _ in range(3)]  # fmt: skip
    assert asked == [200, 200, 429]
    bad = Browser(url).post_form("/me/code", {"contact": "12345"}, form_page="/me")
    assert bad.status_code == 422 and "手机号" in bad.text


def test_the_api_recovers_a_secret_the_same_way(api: httpx.Client, deployed: Platform, inbox: Inbox) -> None:
    r = api.post("/api/v1/messages", json={"title": "楼道堆放杂物", "body": "阳光社区3栋楼道长期堆放杂物，存在消防隐患。",
                                           "kind": "投诉", "contact_email": EMAIL})  # fmt: skip
    sub = r.json()
    answers = [api.post("/api/v1/track/recover", json={"tracking_code": c}) for c in (sub["tracking_code"].lower(),
                                                                                      "ML23456789")]  # fmt: skip
    assert [a.status_code for a in answers] == [202, 202] and answers[0].json() == answers[1].json()
    assert api.post("/api/v1/track/recover", json={"tracking_code": " - "}).status_code == 422
    deployed.notifier().run_once()
    new = re.search(r"新查询密码是：([A-Z0-9]+)", body(inbox.to(EMAIL)[0]))
    assert new
    track = {"tracking_code": sub["tracking_code"]}
    assert api.post("/api/v1/track", json={**track, "secret": sub["secret"]}).status_code == 404
    assert api.post("/api/v1/track", json={**track, "secret": new.group(1)}).status_code == 200
