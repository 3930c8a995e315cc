"""The reply desk in the workbench (services.replies), through real HTTP: the live review of a draft,
the demands beside the message and the marks "outside our remit", the review stored with each reply
version, and the office head's approval a low score asks for (``replies.min_score``)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from massline.models import AuditLog, DemandReferral, ReplyReview, SiteSetting
from massline.platform import Platform
from massline.services.policy import RepliesPolicy
from tests.conftest import PASSWORD, token_for
from tests.web.approval_helpers import act, history
from tests.web_helpers import Browser, login

CASE = {
    "title": "幸福小区加装电梯审批慢",
    "body": "解放街道幸福小区申请加装电梯已经半年，审批手续一直没有进展。请问审批还要多久？"
            "希望住建部门尽快给个说法。另外小区门口的路灯坏了能否修一下？",
    "kind": "投诉", "region": "cs-xc-jf", "category": "城乡建设",
}  # fmt: skip
GOOD = ("您好，经核实，幸福小区加装电梯的审批材料已于11月补齐。审批还要约10个工作日。"
        "住建部门将尽快给您说法，审批科于12月20日前出具审批意见，联系人王科长，电话0731-1234567。")  # fmt: skip
UNRELATED = "您好，关于您反映的农贸市场摊位费收取问题，市场监管部门已进行调查，摊位费标准符合规定。"


def _case(api: httpx.Client) -> int:
    mid = int(api.post("/api/v1/messages", json=CASE).json()["id"])
    r = api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=token_for(api, "jsj.a"))
    assert r.status_code == 200, r.text
    return mid


def _review(api: httpx.Client, who: str, mid: int, text: str) -> httpx.Response:
    return api.post(f"/api/v1/replies/{mid}/review", json={"text": text}, headers=token_for(api, who))


def _set_min_score(platform: Platform, value: float | None) -> None:
    with platform.write() as s:
        row = s.get(SiteSetting, "replies_policy") or SiteSetting(key="replies_policy", value="")
        row.value = RepliesPolicy(min_score=value).model_dump_json()
        s.add(row)


def _streetlight(review: dict[str, Any]) -> dict[str, Any]:
    return next(d for d in review["demands"] if "路灯" in d["text"])


def test_the_live_review_scores_each_criterion_and_shows_which_demand_is_answered(api: httpx.Client) -> None:
    mid = _case(api)
    r = _review(api, "jsj.a", mid, GOOD)
    assert r.status_code == 200, r.text
    good = r.json()
    assert [c["label"] for c in good["criteria"]] == ["相关性", "完整性", "可解释性", "及时性", "具体性", "平实度"]
    assert all(0 <= c["score"] <= 1 for c in good["criteria"]) and 0 <= good["total"] <= 1
    assert "相关性 0.20×" in good["composition"]  # the composition is shown with the weights
    assert len(good["demands"]) >= 2 and good["sentences"]
    light = _streetlight(good)
    assert not light["answered"] and good["unanswered"] >= 1  # the streetlight is not answered
    completeness = next(c for c in good["criteria"] if c["key"] == "completeness")
    assert "未见答复" in completeness["suggestion"] or completeness["suggestion"]
    answered = [d for d in good["demands"] if d["answered"]]
    assert answered and all(good["sentences"][i]["demands"] for d in answered for i in d["sentences"])
    unrelated = _review(api, "jsj.a", mid, UNRELATED).json()
    assert good["total"] > unrelated["total"]
    relevance = {r["key"]: r["score"] for r in unrelated["criteria"]}["relevance"]
    assert relevance < {r["key"]: r["score"] for r in good["criteria"]}["relevance"]


def test_only_the_handling_office_reviews_drafts_and_nothing_is_stored(api: httpx.Client, deployed: Platform) -> None:
    mid = _case(api)
    assert _review(api, "rsj.a", mid, GOOD).status_code == 404  # another office does not see the case
    assert _review(api, "disp", mid, GOOD).status_code == 403  # the centre reads it but does not answer
    too_long = _review(api, "jsj.a", mid, "答" * 5001)
    assert too_long.status_code == 422 and "答复内容" in too_long.text
    assert _review(api, "jsj.head", mid, GOOD).status_code == 200
    with deployed.read() as s:
        assert s.scalars(select(ReplyReview)).all() == []


def test_the_page_endpoint_reviews_with_the_forms_csrf_token(api: httpx.Client) -> None:
    mid = _case(api)
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = browser.get(f"/staff/cases/{mid}")
    assert "群众诉求" in page.text and 'class="demand"' in page.text and "data-review-url" in page.text
    assert "/static/js/reply-desk.js" in page.text
    r = browser.post_form(f"/staff/desk/{mid}/review", {"text": GOOD}, form_page=f"/staff/cases/{mid}")
    assert r.status_code == 200 and r.json()["criteria"][0]["key"] == "relevance"
    assert browser.post(f"/staff/desk/{mid}/review", data={"text": GOOD}).status_code == 403  # no CSRF token


def test_each_saved_version_and_the_published_reply_keep_their_review(api: httpx.Client, deployed: Platform) -> None:
    mid = _case(api)
    assert act(api, "jsj.a", mid, "reply", body=UNRELATED).status_code == 200
    assert act(api, "jsj.a", mid, "reply", body=GOOD).status_code == 200
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = browser.get(f"/staff/cases/{mid}").text
    assert "答复评分" in page and "总分" in page and "已保存的草稿" in page  # shown without any script
    assert act(api, "jsj.a", mid, "publish").status_code == 200
    with deployed.read() as s:
        rows = s.scalars(select(ReplyReview).where(ReplyReview.message_id == mid).order_by(ReplyReview.id)).all()
        assert [(r.version, r.stage) for r in rows] == [(1, "draft"), (2, "draft"), (3, "published")]
        assert rows[0].total < rows[1].total and rows[2].scores["criteria"][0]["key"] == "relevance"
        assert {c["key"] for c in rows[2].scores["criteria"]} >= {"timeliness", "plainness"}


def test_a_reply_below_the_minimum_score_needs_the_heads_approval(api: httpx.Client, deployed: Platform) -> None:
    _set_min_score(deployed, 0.99)
    mid = _case(api)
    assert act(api, "jsj.a", mid, "reply", body=UNRELATED).status_code == 200
    case = api.get(f"/api/v1/cases/{mid}", headers=token_for(api, "jsj.a")).json()
    assert "submit_reply" in case["actions"] and "publish" not in case["actions"]
    refused = act(api, "jsj.a", mid, "publish")
    assert refused.status_code == 409 and "评分" in refused.json()["detail"]
    event = next(e for e in history(api, "jsj.a", mid) if e["type"] == "reply_approval_required")
    assert "0.99" in event["note"]
    public = api.get(f"/api/v1/messages/{mid}").json()["history"]
    assert "reply_approval_required" not in [e["type"] for e in public]  # internal
    assert act(api, "jsj.a", mid, "submit_reply").status_code == 200
    head = Browser(str(api.base_url))
    login(head, "jsj.head", PASSWORD)
    page = head.get(f"/staff/cases/{mid}").text
    assert "答复评分（提交时）" in page and "低于最低分" in page  # the head sees the scores before approving
    assert act(api, "jsj.head", mid, "approve_reply").status_code == 200
    # a good enough reply (the floor lowered) publishes directly, the flag cleared when saved again
    _set_min_score(deployed, 0.05)
    mid2 = _case(api)
    act(api, "jsj.a", mid2, "reply", body=UNRELATED)
    assert act(api, "jsj.a", mid2, "publish").status_code == 200


def test_without_a_minimum_the_review_never_asks_for_approval(api: httpx.Client) -> None:
    mid = _case(api)
    act(api, "jsj.a", mid, "reply", body=UNRELATED)
    assert act(api, "jsj.a", mid, "publish").status_code == 200
    assert "reply_approval_required" not in [e["type"] for e in history(api, "jsj.a", mid)]


def test_a_demand_outside_the_remit_counts_as_answered(api: httpx.Client, deployed: Platform) -> None:
    mid = _case(api)
    before = _review(api, "jsj.a", mid, GOOD).json()
    light = _streetlight(before)
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = f"/staff/cases/{mid}"
    assert "不属本单位职责？" in browser.get(page).text
    own = browser.post_form(f"/staff/desk/{mid}/referrals", {"demand": light["index"], "office": "cs-jsj"},
                            form_page=page)  # fmt: skip
    assert own.status_code == 303 and "主管单位不能是本单位" in browser.get(page).text
    bad = browser.post_form(f"/staff/desk/{mid}/referrals", {"demand": 99, "office": "cs-dc-gov"}, form_page=page)
    assert bad.status_code == 303 and "该诉求不存在" in browser.get(page).text
    ok = browser.post_form(f"/staff/desk/{mid}/referrals",
                           {"demand": light["index"], "office": "cs-dc-gov", "note": "路灯由区城管维护"},
                           form_page=page)  # fmt: skip
    assert ok.status_code == 303
    assert "由 <strong>东城区" in browser.get(page).text
    after = _review(api, "jsj.a", mid, GOOD).json()
    assert _streetlight(after)["referred_to"].startswith("东城区") and after["unanswered"] == before["unanswered"] - 1
    other = Browser(str(api.base_url))
    login(other, "rsj.a", PASSWORD)
    assert other.post_form(f"/staff/desk/{mid}/referrals", {"demand": 0, "office": "cs-dc-gov"},
                           form_page="/staff").status_code == 404  # fmt: skip
    with deployed.read() as s:
        row = s.scalars(select(DemandReferral).where(DemandReferral.message_id == mid)).one()
        assert "路灯" in row.demand_text and row.note == "路灯由区城管维护"
        assert s.scalars(select(AuditLog).where(AuditLog.action == "demand_referred")).one().object_id == mid
    assert "demand_referred" in [e["type"] for e in history(api, "jsj.a", mid)]
    removed = browser.post_form(f"/staff/desk/{mid}/referrals/{row.id}/delete", {}, form_page=page)
    assert removed.status_code == 303
    assert _streetlight(_review(api, "jsj.a", mid, GOOD).json())["referred_to"] is None
    assert "demand_referral_removed" in [e["type"] for e in history(api, "jsj.a", mid)]


def test_api_clients_mark_a_demand_outside_the_remit(api: httpx.Client, deployed: Platform) -> None:
    mid = _case(api)
    light = _streetlight(_review(api, "jsj.a", mid, GOOD).json())
    url = f"/api/v1/replies/{mid}/referrals"
    bad = api.post(url, json={"demand": light["index"], "office": "nowhere"}, headers=token_for(api, "jsj.a"))
    assert bad.status_code == 422 and "主管单位" in bad.text
    assert api.post(url, json={"demand": 0, "office": "cs-dc-gov"}, headers=token_for(api, "disp")).status_code == 403
    r = api.post(url, json={"demand": light["index"], "office": "cs-dc-gov"}, headers=token_for(api, "jsj.a"))
    assert r.status_code == 200, r.text
    assert "路灯" in r.json()["demand_text"] and r.json()["office"].startswith("东城区")
    again = api.post(url, json={"demand": light["index"], "office": "cs-dc-gov"}, headers=token_for(api, "jsj.a"))
    assert again.status_code == 409
    assert _streetlight(_review(api, "jsj.a", mid, GOOD).json())["referred_to"].startswith("东城区")
