"""Reply quality on the dashboard (services.replies.quality), through real HTTP: the published replies'
reviews by office and by month, the best and the weakest replies linking to their cases, scoped to the
messages the viewer may read."""

from __future__ import annotations

import httpx

from massline.platform import Platform
from tests.conftest import PASSWORD, token_for
from tests.web.approval_helpers import act
from tests.web.test_reply_desk import CASE, GOOD, UNRELATED
from tests.web_helpers import Browser, login


def _published(api: httpx.Client, reply: str) -> int:
    mid = int(api.post("/api/v1/messages", json=CASE).json()["id"])
    api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=token_for(api, "jsj.a"))
    act(api, "jsj.a", mid, "reply", body=reply)
    assert act(api, "jsj.a", mid, "publish").status_code == 200
    return mid


def test_quality_by_office_and_month_with_the_best_and_weakest(api: httpx.Client, deployed: Platform) -> None:
    good, weak = _published(api, GOOD), _published(api, UNRELATED)
    act(api, "jsj.a", _published_draft_only(api), "reply", body=GOOD)  # a draft only: not counted
    q = api.get("/api/v1/replies/quality", headers=token_for(api, "jsj.head")).json()
    assert [o["label"] for o in q["offices"]] == ["测试市住房和城乡建设局"] and q["offices"][0]["count"] == 2
    office = q["offices"][0]
    assert set(office["criteria"]) == set(q["criteria"]) and 0 < office["total"] < 1
    assert len(q["months"]) == 1 and q["months"][0]["count"] == 2
    assert q["best"][0]["message_id"] == good and q["weakest"][0]["message_id"] == weak
    assert q["best"][0]["total"] > q["weakest"][0]["total"] and q["weakest"][0]["weakest"] in q["criteria"].values()
    # another office's staff see nothing of it; the centre sees it all
    assert api.get("/api/v1/replies/quality", headers=token_for(api, "rsj.a")).json()["offices"] == []
    assert api.get("/api/v1/replies/quality", headers=token_for(api, "disp")).json()["offices"][0]["count"] == 2
    browser = Browser(str(api.base_url))
    login(browser, "jsj.head", PASSWORD)
    assert "/staff/dashboard/replies" in browser.get("/staff/dashboard").text
    page = browser.get("/staff/dashboard/replies").text
    assert "按单位（2 份答复）" in page and f'href="/staff/cases/{good}"' in page and "最弱项" in page
    other = Browser(str(api.base_url))
    login(other, "rsj.a", PASSWORD)
    assert "暂无已评分的公开答复" in other.get("/staff/dashboard/replies").text


def _published_draft_only(api: httpx.Client) -> int:
    mid = int(api.post("/api/v1/messages", json=CASE).json()["id"])
    api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=token_for(api, "jsj.a"))
    return mid
