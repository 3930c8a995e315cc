"""Deadline supervision and the 回访 queue over HTTP: the centre's lists (API and pages), recording a
callback, who may do it, the inbox's marks; and ``massline casework sweep``."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from massline.cli import main
from massline.config import Settings, get_settings
from massline.models import Message, User
from massline.platform import Platform
from massline.services import casework as cases
from massline.services.casework import actions as casework
from massline.services.intake.submit import MessageInput, check_submit
from tests.conftest import PASSWORD, token_for
from tests.web_helpers import Browser, login

BODY = "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。"


def _case(p: Platform, title: str, days_ago: float, *, replied: bool = False) -> int:
    """A 城乡建设 case (20 days to answer) received ``days_ago``, accepted by jsj.a; replied at once if asked."""
    at = p.now() - timedelta(days=days_ago)
    data = MessageInput(title=title, body=BODY, kind="投诉", region="cs-xc-jf", category="城乡建设")
    with p.write() as s:
        m = check_submit(s, p.cipher, data, at).message
        clerk = s.scalar(select(User).where(User.username == "jsj.a"))
        casework.do_accept(s, clerk, m, at)
        if replied:
            casework.check_draft_reply(s, clerk, m, "已安排维保单位维修，电梯已恢复运行。", at)
            casework.do_publish_reply(s, clerk, m, at)
        return m.id


def _sweep(p: Platform) -> None:
    with p.write() as s:
        cases.sweep(s, p.now())


def test_callback_queue_and_recording_over_the_api(deployed: Platform, api: httpx.Client) -> None:
    mid = _case(deployed, "四天前答复的电梯问题", 4, replied=True)
    _case(deployed, "昨天答复的电梯问题", 1, replied=True)
    disp, clerk = token_for(api, "disp"), token_for(api, "jsj.a")
    queue = api.get("/api/v1/callbacks", headers=disp).json()
    assert [(i["id"], i["tries"]) for i in queue["items"]] == [(mid, 0)] and queue["total"] == 1
    assert api.get("/api/v1/callbacks", headers=token_for(api, "sup")).status_code == 200
    assert api.get("/api/v1/callbacks", headers=clerk).status_code == 403

    answers = {"reached": True, "resolved": "部分解决", "satisfied": "基本满意", "note": "群众说还有噪音"}
    assert api.post(f"/api/v1/cases/{mid}/callback", json=answers, headers=clerk).status_code == 403
    r = api.post(f"/api/v1/cases/{mid}/callback", json={"reached": True, "satisfied": "满意"}, headers=disp)
    assert r.status_code == 422 and r.json()["errors"]["resolved"] == "请选择群众反映的问题是否解决"
    r = api.post(f"/api/v1/cases/{mid}/callback", json={**answers, "resolved": "解决了"}, headers=disp)
    assert r.status_code == 422 and "问题是否解决须为以下之一" in r.json()["errors"]["resolved"]
    r = api.post(f"/api/v1/cases/{mid}/callback", json=answers, headers=disp)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["result"]["tries"] == 0
    assert api.get("/api/v1/callbacks", headers=disp).json()["total"] == 0
    history = api.get(f"/api/v1/cases/{mid}", headers=disp).json()["history"]
    assert [e["type"] for e in history][-2:] == ["callback", "closed"]


def test_escalated_cases_reach_the_centre_and_the_inbox(deployed: Platform, api: httpx.Client) -> None:
    late = _case(deployed, "超期三天的电梯问题", 23)  # due 3 days ago: head and centre
    soon = _case(deployed, "明天到期的电梯问题", 19.5)  # due in 12 hours: reminded
    _sweep(deployed)
    disp = token_for(api, "disp")
    items = api.get("/api/v1/escalated", headers=disp).json()["items"]
    assert [(i["id"], i["escalation_level"]) for i in items] == [(late, "centre")]
    assert api.get("/api/v1/escalated", headers=token_for(api, "jsj.head")).status_code == 403
    inbox = api.get("/api/v1/inbox", headers=token_for(api, "jsj.head")).json()["items"]
    assert inbox[0]["id"] == late and inbox[0]["escalated"]

    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = browser.get("/staff").text
    assert "督办·派单中心" in page and "已提醒" in page
    assert page.index("超期三天的电梯问题") < page.index("明天到期的电梯问题")
    assert browser.get("/staff/escalated").status_code == 403
    assert soon


def test_recording_a_callback_on_the_page(deployed: Platform, api: httpx.Client) -> None:
    mid = _case(deployed, "五天前答复的路灯问题", 5, replied=True)
    browser = Browser(str(api.base_url))
    login(browser, "disp", PASSWORD)
    page = browser.get("/staff/callbacks")
    assert page.status_code == 200 and "五天前答复的路灯问题" in page.text and 'name="resolved"' in page.text
    form = {"reached": "false", "note": "无人接听", "return_to": "/staff/callbacks"}
    back = browser.post_form(f"/staff/cases/{mid}/callback", form, form_page="/staff/callbacks")
    assert "已回访未接通 1 次" in browser.follow(back).text
    form = {"reached": "true", "resolved": "已解决", "return_to": "/staff/callbacks"}
    back = browser.post_form(f"/staff/cases/{mid}/callback", form, form_page="/staff/callbacks")
    assert "请选择群众是否满意" in browser.follow(back).text
    form["satisfied"] = "满意"
    back = browser.post_form(f"/staff/cases/{mid}/callback", form, form_page="/staff/callbacks")
    assert "没有需要回访的留言" in browser.follow(back).text
    with deployed.read() as s:
        assert s.get(Message, mid).status == "closed"
    assert "记录回访" not in browser.get(f"/staff/cases/{mid}").text
    dashboard = browser.get("/staff/dashboard").text
    assert 'id="kpi-resolved">100%' in dashboard and 'id="kpi-callback-satisfied">100%' in dashboard
    assert "督办" in browser.get("/staff/escalated").text


def test_an_official_cannot_close_before_the_citizen_rates(deployed: Platform, api: httpx.Client) -> None:
    fresh = _case(deployed, "刚答复的电梯问题", 1, replied=True)
    old = _case(deployed, "八天前答复的电梯问题", 8, replied=True)
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    assert "暂不能办结：群众评价答复后才能办结" in browser.get(f"/staff/cases/{fresh}").text
    assert f'action="/staff/cases/{old}/close"' in browser.get(f"/staff/cases/{old}").text
    clerk = token_for(api, "jsj.a")
    r = api.post(f"/api/v1/cases/{fresh}/close", json={}, headers=clerk)
    assert r.status_code == 409 and "群众评价答复后才能办结" in r.text
    assert api.post(f"/api/v1/cases/{old}/close", json={}, headers=clerk).json()["status"] == "closed"


@pytest.fixture
def cli_env(deployed: Platform, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Platform:
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield deployed
    get_settings.cache_clear()


def test_sweep_command_is_idempotent(cli_env: Platform) -> None:
    late = _case(cli_env, "超期的电梯问题", 21)
    closing = _case(cli_env, "十天前答复的电梯问题", 10, replied=True)
    first = CliRunner().invoke(main, ["casework", "sweep"], catch_exceptions=False)
    assert first.exit_code == 0
    assert "0 reminded, 1 escalated to the office head, 0 escalated to the dispatch centre, 1 closed" in first.output
    second = CliRunner().invoke(main, ["casework", "sweep"], catch_exceptions=False)
    assert "0 reminded, 0 escalated to the office head, 0 escalated to the dispatch centre, 0 closed" in second.output
    with cli_env.read() as s:
        assert s.get(Message, late).escalation_level == "head"
        assert s.get(Message, closing).status == "closed"
