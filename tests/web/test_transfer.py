"""转办 by office staff, through real HTTP: the transfer is kept, the official gets its result, and the case
leaves their reach (the receiving office now holds it)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from massline.models import Message, MessageEvent
from massline.platform import Platform
from tests.conftest import PASSWORD, token_for
from tests.web.test_typed_actions import CASE
from tests.web_helpers import Browser, login

TRANSFER = {"office": "cs-rsj", "reason": "属于人社部门职责"}


def _office_of(platform: Platform, message_id: int) -> tuple[str | None, list[str]]:
    with platform.read() as s:
        m = s.get(Message, message_id)
        assert m is not None
        events = s.scalars(select(MessageEvent.type).where(MessageEvent.message_id == message_id)).all()
        return (m.office.code if m.office else None), list(events)


def test_api_transfer_by_an_office_official_answers_200_and_keeps_the_transfer(
    api: httpx.Client, deployed: Platform
) -> None:
    case = api.post("/api/v1/messages", json=CASE).json()
    headers = token_for(api, "jsj.a")
    r = api.post(f"/api/v1/cases/{case['id']}/transfer", json=TRANSFER, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["result"]["from_office"] and body["result"]["office"] == body["office"] != body["result"]["from_office"]
    assert body["result"]["status"] == "assigned" and body["readable"] is False and body["actions"] == []
    assert body["history"][-1]["type"] == "transferred" and body["history"][-1]["note"] == TRANSFER["reason"]
    office, events = _office_of(deployed, case["id"])
    assert office == "cs-rsj" and events[-1] == "transferred"
    # the case has left the transferring office: no longer readable, now the receiving office's
    assert api.get(f"/api/v1/cases/{case['id']}", headers=headers).status_code == 404
    receiver = token_for(api, "rsj.a")
    seen = api.get(f"/api/v1/cases/{case['id']}", headers=receiver).json()
    assert seen["office"] == body["office"] and "accept" in seen["actions"]


def test_api_action_that_keeps_the_case_still_answers_the_readable_case(api: httpx.Client) -> None:
    case = api.post("/api/v1/messages", json=CASE).json()
    r = api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=token_for(api, "jsj.a"))
    assert r.status_code == 200 and r.json()["readable"] is True and "transfer" in r.json()["actions"]


def test_workbench_transfer_by_an_office_official(url: str, deployed: Platform) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        case = client.post("/api/v1/messages", json=CASE).json()
    browser = Browser(url)
    login(browser, "jsj.a", PASSWORD)
    page = f"/staff/cases/{case['id']}"
    assert "转办" in browser.get(page).text
    done = browser.post_form(f"{page}/transfer", TRANSFER, form_page=page)
    assert done.status_code == 303 and done.headers["location"] == "/staff"
    assert "已转办" in browser.get("/staff").text
    assert _office_of(deployed, case["id"])[0] == "cs-rsj"
    assert browser.get(page).status_code == 404
