"""更正类型 (改类): the handling office corrects a message's kind with a reason; the change is a
``kind_changed`` event by that office, exported as 改类 and seen by accountability's 降级 check;
other offices may not, bad input changes nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from massline.analysis.accountability import Params, all_case_facts, parse_rows
from massline.analysis.accountability.checks import CheckCounter
from massline.models import Message, MessageEvent
from massline.platform import Platform
from massline.services.accountability import history_rows
from massline.services.deployment import deployment_zone
from tests.conftest import PASSWORD, token_for
from tests.web.test_typed_actions import CASE
from tests.web_helpers import Browser, login


def _events(platform: Platform, message_id: int) -> list[MessageEvent]:
    with platform.read() as s:
        return list(s.scalars(select(MessageEvent).where(MessageEvent.message_id == message_id,
                                                         MessageEvent.type == "kind_changed")))  # fmt: skip


def test_the_handling_office_corrects_the_kind_and_accountability_sees_a_downgrade(
    api: httpx.Client, deployed: Platform
) -> None:
    case = api.post("/api/v1/messages", json=CASE).json()
    headers = token_for(api, "jsj.a")
    r = api.post(f"/api/v1/cases/{case['id']}/kind", json={"kind": "咨询", "reason": "留言实为政策咨询"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "咨询"
    [event] = _events(deployed, case["id"])
    assert (event.data["old"], event.data["new"], event.note, event.is_public) == ("投诉", "咨询", "留言实为政策咨询", False)
    with deployed.read() as s:
        assert s.get(Message, case["id"]).kind == "咨询"
        rows = list(history_rows(s, deployment_zone(s)))
        office = s.get(Message, case["id"]).office.name
    mine = [row for row in rows if row[0] == case["tracking_code"]]
    assert mine[0][2:] == ["提交", "", f"类型=投诉;领域={CASE['category']}"]  # submitted as a complaint
    assert [row[2:] for row in mine if row[2] == "改类"] == [["改类", office, "类型=咨询"]]
    counter = CheckCounter(Params())
    for facts in all_case_facts(parse_rows(mine)):
        counter.add(facts)
    assert counter.counts["降级"][office].cases == [case["tracking_code"]]


def test_other_offices_and_bad_input_change_nothing(api: httpx.Client, deployed: Platform) -> None:
    case = api.post("/api/v1/messages", json=CASE).json()
    url = f"/api/v1/cases/{case['id']}/kind"
    r = api.post(url, json={"kind": "咨询", "reason": "留言实为政策咨询"}, headers=token_for(api, "rsj.a"))
    assert r.status_code == 404  # another office cannot even see the case
    r = api.post(url, json={"kind": "咨询", "reason": "留言实为政策咨询"}, headers=token_for(api, "disp"))
    assert r.status_code == 403  # 改类 is the holding office's own act
    own = token_for(api, "jsj.a")
    for body, field, words in (({"kind": "闲聊", "reason": "留言实为政策咨询"}, "kind", "请选择类型"),
                               ({"kind": "投诉", "reason": "留言实为政策咨询"}, "kind", "无需更正"),
                               ({"kind": "咨询", "reason": "好"}, "reason", "理由")):  # fmt: skip
        r = api.post(url, json=body, headers=own)
        assert r.status_code == 422, r.text
        assert words in r.json()["errors"][field]
    assert _events(deployed, case["id"]) == []
    with deployed.read() as s:
        assert s.get(Message, case["id"]).kind == "投诉"


def test_the_case_page_offers_the_correction_to_the_office(url: str, api: httpx.Client, deployed: Platform) -> None:
    case = api.post("/api/v1/messages", json=CASE).json()
    with Browser(url) as browser:
        login(browser, "jsj.a", PASSWORD)
        page = browser.get(f"/staff/cases/{case['id']}")
        assert "更正类型" in page.text and f'action="/staff/cases/{case["id"]}/kind"' in page.text
        form = {"kind": "建言", "reason": "群众在提建议"}
        r = browser.post_form(f"/staff/cases/{case['id']}/kind", form, form_page=f"/staff/cases/{case['id']}")
        assert r.status_code == 303
        assert "类型已更正" in browser.follow(r).text
    [event] = _events(deployed, case["id"])
    assert event.data == {"old": "投诉", "new": "建言"}
