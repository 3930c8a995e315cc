"""A unified issue reply reaches only the member cases the owner office holds or that are unassigned; a case
another office holds is not replied (its office gets a notice), and the owner sees which before publishing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from massline.models import Message, MessageEvent, Office, Reply
from massline.platform import Platform
from tests.conftest import PASSWORD, token_for
from tests.services.issues.test_issue_desk import REPLY, make_issue
from tests.web_helpers import Browser, login


@pytest.fixture
def issue(deployed: Platform) -> Iterator[tuple[int, dict[str, int], str]]:
    """An issue owned by dc.a's office: one member it holds, one held by 人社局 (reopened), one unassigned."""
    issue_id = make_issue(deployed, "阳光社区楼道杂物", "cs-dc-hp-yg", owner="dc.a", messages=3)
    with deployed.write() as s:
        own, other, loose = s.scalars(select(Message).where(Message.issue_id == issue_id).order_by(Message.id))
        rsj = s.scalar(select(Office).where(Office.code == "cs-rsj"))
        assert rsj is not None and own.office_id is not None and own.office_id != rsj.id
        other.office_id, other.status, other.reopen_count = rsj.id, "reopened", 1
        loose.office_id, loose.status = None, "received"
        ids = {"own": own.id, "other": other.id, "loose": loose.id}
        name = rsj.name
    yield issue_id, ids, name


def test_the_owner_sees_before_publishing_which_cases_the_reply_reaches(url: str, issue: tuple) -> None:
    issue_id, _ids, other_office = issue
    with Browser(url) as browser:
        login(browser, "dc.a", PASSWORD)
        page = browser.get(f"/staff/issues/{issue_id}").text
    assert "本答复将答复 <strong>2</strong> 条留言" in page
    assert f"由 {other_office} 承办 · 1 条，本次答复不予答复" in page


def test_a_case_held_by_another_office_is_not_replied(api: httpx.Client, deployed: Platform, issue: tuple) -> None:
    issue_id, ids, other_office = issue
    h = token_for(api, "dc.a")
    base = f"/api/v1/staff/issues/{issue_id}"
    assert api.post(f"{base}/draft_reply", json={"body": REPLY}, headers=h).status_code == 200
    r = api.post(f"{base}/publish_reply", json={}, headers=h)
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["messages"] == 2 and result["not_answered"] == {other_office: 1}
    assert r.json()["replies"][0]["messages"] == 2

    own = api.get(f"/api/v1/messages/{ids['own']}").json()
    assert own["status"] == "replied" and own["reply"]["body"] == REPLY
    assert api.get(f"/api/v1/messages/{ids['loose']}").json()["reply"]["body"] == REPLY
    other = api.get(f"/api/v1/messages/{ids['other']}").json()
    assert other["status"] == "reopened" and other["reply"] is None
    with deployed.read() as s:
        assert s.scalars(select(Reply).where(Reply.message_id == ids["other"])).all() == []
        notice = s.scalars(select(MessageEvent).where(MessageEvent.message_id == ids["other"],
                                                       MessageEvent.type == "issue_reply_notice")).one()
        assert not notice.is_public and "未纳入该答复" in (notice.note or "")
    # the owner office still cannot open that case; its own office sees the notice in the history
    assert api.get(f"/api/v1/cases/{ids['other']}", headers=h).status_code == 404
    history = api.get(f"/api/v1/cases/{ids['other']}", headers=token_for(api, "rsj.a")).json()["history"]
    assert history[-1]["type"] == "issue_reply_notice" and history[-1]["label"] == "所属问题已统一答复（本件未纳入）"
