"""催办 and 督办 with 批示 by leaders (in their region), supervisors and the dispatch centre, through real HTTP:
who may, what the handling office and the citizen see."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from massline.platform import Platform
from tests.conftest import PASSWORD, token_for
from tests.web.approval_helpers import act, new_case
from tests.web_helpers import Browser, login

INSTRUCTION = "请住建局三日内拿出审批意见，并向群众当面说明"


def test_a_leader_urges_the_office_sees_it_internally(api: httpx.Client, deployed: Platform) -> None:
    mid = new_case(api)
    r = act(api, "mayor", mid, "urge", note="群众反映强烈，请加快办理")
    assert r.status_code == 200, r.text
    assert r.json()["actions"] == ["urge", "supervise"]  # and nothing more
    office = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert office["instructions"][0]["kind"] == "催办" and office["instructions"][0]["text"].startswith("群众反映强烈")
    urged = [e for e in office["history"] if e["type"] == "urged"]
    assert urged and urged[0]["public"] is False
    assert "urged" not in [e["type"] for e in api.get(f"/api/v1/messages/{mid}").json()["history"]]
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    assert '<span class="badge due-soon">催办</span>' in browser.get("/staff").text


def test_supervise_marks_the_case_with_a_private_instruction_and_a_new_deadline(
    api: httpx.Client, deployed: Platform
) -> None:
    mid = new_case(api)
    r = act(api, "sup", mid, "supervise", instruction=INSTRUCTION, days=3)
    assert r.status_code == 200, r.text
    assert r.json()["escalated"] is True and r.json()["result"]["escalated"] is True
    due = datetime.fromisoformat(r.json()["due_at"])
    assert abs(due - (deployed.now() + timedelta(days=3))) < timedelta(minutes=5)
    public = [e for e in api.get(f"/api/v1/messages/{mid}").json()["history"] if e["type"] == "supervised"]
    assert public and public[0]["label"] == "督办" and public[0]["note"] is None  # the text stays internal
    assert INSTRUCTION not in api.get(f"/api/v1/messages/{mid}").text
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = browser.get(f"/staff/cases/{mid}").text
    assert page.index("领导批示与督办") < page.index('id="case-title"') and INSTRUCTION in page
    inbox = browser.get("/staff").text
    assert 'id="count-reopened">1<' in inbox and inbox.index(f"/staff/cases/{mid}") > 0


def test_a_public_instruction_is_shown_to_the_citizen(api: httpx.Client, deployed: Platform) -> None:
    mid = new_case(api, accept_as=None)
    r = act(api, "disp", mid, "supervise", instruction=INSTRUCTION, public_instruction=True)
    assert r.status_code == 200, r.text
    public = [e for e in api.get(f"/api/v1/messages/{mid}").json()["history"] if e["type"] == "supervised"]
    assert public[0]["note"] == INSTRUCTION


@pytest.mark.parametrize("who,status", [("jsj.a", 403), ("jsj.head", 403), ("admin", 403), ("rsj.a", 404)])
def test_office_staff_and_admins_may_not_urge_or_supervise(api: httpx.Client, who: str, status: int) -> None:
    mid = new_case(api)
    assert act(api, who, mid, "urge", note="请尽快办理此件").status_code == status
    assert act(api, who, mid, "supervise", instruction=INSTRUCTION).status_code == status


def test_a_leader_acts_only_within_his_region_and_on_open_cases(api: httpx.Client, deployed: Platform) -> None:
    mid = new_case(api)  # 西城区 (cs-xc-jf), office of the city
    assert act(api, "dc.leader", mid, "supervise", instruction=INSTRUCTION).status_code == 404  # 东城区's leader
    assert act(api, "mayor", mid, "accept").status_code == 403  # still reads only, otherwise
    act(api, "jsj.a", mid, "reply", body="已安排专人办理，本周内答复您。")
    act(api, "jsj.a", mid, "publish")
    assert act(api, "mayor", mid, "urge", note="请尽快办理此件").status_code == 409  # replied: no longer open


def test_bad_input_is_refused_in_chinese_and_changes_nothing(api: httpx.Client) -> None:
    mid = new_case(api)
    short = act(api, "sup", mid, "supervise", instruction="快")
    assert short.status_code == 422 and "批示内容" in short.text
    bad_days = act(api, "sup", mid, "supervise", instruction=INSTRUCTION, days=0)
    assert bad_days.status_code == 422 and "新办理期限" in bad_days.text
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "sup")).json()
    assert case["escalated"] is False and not case["instructions"]


def test_the_workbench_form_supervises(url: str, deployed: Platform) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        mid = new_case(client)
    browser = Browser(url)
    login(browser, "mayor", PASSWORD)
    page = f"/staff/cases/{mid}"
    assert "督办（批示）" in browser.get(page).text
    done = browser.post_form(f"{page}/supervise", {"instruction": INSTRUCTION, "public_instruction": "true",
                                                   "days": ""}, form_page=page)
    assert done.status_code == 303
    assert "已督办" in browser.get(page).text
