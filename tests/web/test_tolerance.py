"""The error-tolerance review (容错纠错) over HTTP: who may read and act, role by role; the flow from
opening to the appeal decided by another reviewer; pilot registrations shown on the review; every
read audited; figures without names."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from massline.models import AuditLog, Message, Reply, User
from massline.platform import Platform
from massline.services.casework import actions as casework
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.tolerance import decision_counts
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

NOW = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
USERS = ("disp", "jsj.a", "jsj.b", "jsj.head", "rsj.a", "dc.a", "mayor", "dc.leader", "sup", "admin")
FACTS = "在答复中把办理期限写错为三天，群众据此多次来电催促，造成误解。"


def _browser(url: str, username: str) -> Browser:
    browser = Browser(url)
    login(browser, username, PASSWORD)
    return browser


def _case_with_reply(p: Platform) -> tuple[int, int]:
    """A case answered by jsj.a: (message id, reply id)."""
    with p.write() as s:
        m = check_submit(s, p.cipher, MessageInput(title="电梯维修", body="幸福小区3栋电梯坏了一个月没人修。",
                                                   kind="投诉", region="cs-xc-jf", category="城乡建设"), NOW).message  # fmt: skip
        clerk = s.scalar(select(User).where(User.username == "jsj.a"))
        casework.do_accept(s, clerk, m, NOW)
        casework.check_draft_reply(s, clerk, m, "已安排维修，三天内完成。", NOW)
        casework.do_publish_reply(s, clerk, m, NOW)
        reply_id = s.scalar(select(Reply.id).where(Reply.message_id == m.id))
        assert reply_id is not None
        return m.id, reply_id


def _open(browser: Browser, **fields: str) -> str:
    r = browser.post_form("/staff/tolerance/reviews", {"official": "jsj.a", "facts": FACTS, **fields},
                          form_page="/staff/tolerance")  # fmt: skip
    assert r.status_code == 303, r.text[:800]
    return r.headers["location"]


@pytest.fixture
def review(deployed: Platform, url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(deployed, "now", lambda: NOW)
    message_id, reply_id = _case_with_reply(deployed)
    return _open(_browser(url, "sup"), message_id=str(message_id), reply_id=str(reply_id))


#: who reads the review about jsj.a and who may open reviews: the official concerned, supervisors, admins
ACCESS = {username: (200, 403) for username in USERS} | {"jsj.a": (200, 403), "sup": (200, 303), "admin": (200, 303)}
for _other in ("disp", "jsj.b", "jsj.head", "rsj.a", "dc.a", "mayor", "dc.leader"):
    ACCESS[_other] = (404, 403)


def test_access_rules_role_by_role(deployed: Platform, url: str, review: str) -> None:
    for username, (read, open_code) in ACCESS.items():
        browser = _browser(url, username)
        assert browser.get(review).status_code == read, username
        listing = browser.get("/staff/tolerance").text
        assert (review in listing) == (read == 200), username
        r = browser.post_form("/staff/tolerance/reviews", {"official": "jsj.b", "facts": FACTS},
                              form_page="/staff/tolerance")  # fmt: skip
        assert r.status_code == open_code, username
        for step in ("decide", "decide_appeal"):  # nobody but a reviewer decides
            r = browser.post_form(f"{review}/{step}", {"decision": "exempt", "reasons": "理由充分，予以免责。"},
                                  form_page="/staff/tolerance")  # fmt: skip
            assert r.status_code in ((303, 409, 403) if username in ("sup", "admin") else (403, 404)), (username, step)
    with deployed.read() as s:
        reads = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "tolerance_read"))
        actors = set(s.scalars(select(AuditLog.actor_id).where(AuditLog.action == "tolerance_read")))
        names = set(s.scalars(select(User.username).where(User.id.in_(actors))))
    assert reads == 3 and names == {"jsj.a", "sup", "admin"}  # every read audited; refused reads read nothing
    sup = _browser(url, "sup")
    r = sup.post_form("/staff/tolerance/reviews", {"official": "sup", "facts": FACTS}, form_page="/staff/tolerance")
    assert r.status_code == 422 and "不能审查本人的案件" in r.text


def test_account_decision_appeal_and_the_second_reviewer(deployed: Platform, url: str, review: str) -> None:
    official, sup, admin = _browser(url, "jsj.a"), _browser(url, "sup"), _browser(url, "admin")
    page = official.get(review).text
    assert "已安排维修，三天内完成。" in page and 'action="' + review + '/account"' in page
    assert 'action="' + review + '/decide"' not in page  # the official does not decide
    r = official.post_form(f"{review}/account", {"account": "系统默认期限显示有误，我照抄了，已主动更正。"}, form_page="/staff")
    assert r.status_code == 303
    assert official.post_form(f"{review}/decide", {"decision": "exempt", "reasons": "照顾情绪。"}, form_page="/staff").status_code == 403

    knowing = {"criterion_knowing_violation": "1", "criterion_corrected": "1", "note_corrected": "当天更正",
               "decision": "exempt", "reasons": "虽有更正，但明知期限规定。"}  # fmt: skip
    r = sup.post_form(f"{review}/decide", knowing, form_page="/staff")
    assert r.status_code == 422 and "不能容错免责" in r.text
    r = sup.post_form(f"{review}/decide", {**knowing, "decision": "sure"}, form_page="/staff")
    assert r.status_code == 422 and "请选择认定结论" in r.text
    good = {"criterion_inexperience": "1", "criterion_corrected": "1", "note_corrected": "当天更正并致歉",
            "decision": "mitigate", "reasons": "初次出现，及时纠正，未造成严重后果。"}  # fmt: skip
    assert sup.post_form(f"{review}/decide", good, form_page="/staff").status_code == 303
    page = official.get(review).text
    assert "从轻减轻" in page and "及时纠错，主动消除影响：当天更正并致歉" in page
    assert sup.post_form(f"{review}/decide", good, form_page="/staff").status_code == 403  # decided once

    assert sup.post_form(f"{review}/appeal", {"appeal": "我不是当事人。"}, form_page="/staff").status_code == 403
    r = official.post_form(f"{review}/appeal", {"appeal": "期限错误源于系统默认值，并非本人过失。"}, form_page="/staff")
    assert r.status_code == 303
    assert official.post_form(f"{review}/appeal", {"appeal": "再次申诉理由。"}, form_page="/staff").status_code == 403
    appeal = {"appeal_decision": "exempt", "appeal_reasons": "核实系统默认值有误，予以免责。"}
    assert sup.post_form(f"{review}/decide_appeal", appeal, form_page="/staff").status_code == 403  # not the first reviewer
    r = admin.post_form(f"{review}/decide_appeal", {**appeal, "appeal_reasons": "短"}, form_page="/staff")
    assert r.status_code == 422 and "复核理由" in r.text
    assert admin.post_form(f"{review}/decide_appeal", appeal, form_page="/staff").status_code == 303
    page = official.get(review).text
    assert "复核结论：容错免责" in page and 'id="review-status">申诉已复核<' in page
    with deployed.read() as s:
        assert decision_counts(s, UTC) == {2026: {"exempt": 1}}  # the decision in force, no names
    board = _browser(url, "jsj.b").get("/staff/dashboard").text  # every official sees the figures only
    assert 'id="tolerance-title"' in board and "<td>2026</td><td>1</td><td>0</td><td>0</td>" in board
    assert "住建经办甲" not in board


def test_pilot_registered_beforehand_is_shown_on_the_review(
    deployed: Platform, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [datetime(2026, 4, 1, 2, tzinfo=UTC)]
    monkeypatch.setattr(deployed, "now", lambda: clock[0])
    official = _browser(url, "jsj.a")
    pilot = {"title": "网上答复附办理进度照片", "reason": "让群众直观看到进度。", "risks": "照片可能拍到住户隐私",
             "starts_on": "2026-04-01", "ends_on": "2026-06-30"}  # fmt: skip
    r = official.post_form("/staff/tolerance/pilots", {**pilot, "ends_on": "2026-03-01"}, form_page="/staff/tolerance")
    assert r.status_code == 422 and "结束日期不能早于开始日期" in r.text
    assert official.post_form("/staff/tolerance/pilots", pilot, form_page="/staff/tolerance").status_code == 303
    assert "网上答复附办理进度照片" not in _browser(url, "jsj.b").get("/staff/tolerance").text  # only one's own
    clock[0] = NOW
    message_id, _ = _case_with_reply(deployed)
    review = _open(_browser(url, "sup"), message_id=str(message_id))
    page = _browser(url, "sup").get(review).text
    assert "网上答复附办理进度照片" in page and "照片可能拍到住户隐私" in page
    with deployed.read() as s:
        assert s.get(Message, message_id) is not None
    assert re.search(r"/staff/tolerance/reviews/\d+$", review)
