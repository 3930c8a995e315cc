"""Help to write in the reply box (services.replies.examples): well-rated past replies to similar public
messages as examples linking to them, and the skeletons for the message's kind, insertable into the box."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from massline.services.replies import examples, load_skeletons, skeletons_for
from tests.conftest import PASSWORD, token_for
from tests.web.approval_helpers import act
from tests.web_helpers import Browser, login

LIFT = {"kind": "投诉", "region": "cs-xc-jf", "category": "城乡建设"}
SKELETONS = """
投诉:
  - title: 核实并整改
    text: "您好！您反映的【问题】，我们已于【日期】到现场核实：【核实情况】。"
  - {title: 没有正文}
咨询:
  - {title: 政策解答, text: "您好！关于【事项】，依据【政策名称】……"}
"""


def _replied(api: httpx.Client, title: str, body: str, reply: str, stars: int | None, public: bool = True) -> int:
    made = api.post("/api/v1/messages", json={**LIFT, "title": title, "body": body, "is_public": public}).json()
    mid = int(made["id"])
    api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=token_for(api, "jsj.a"))
    assert act(api, "jsj.a", mid, "reply", body=reply).status_code == 200
    assert act(api, "jsj.a", mid, "publish").status_code == 200
    if stars is not None:
        r = api.post("/api/v1/track/rate", json={"tracking_code": made["tracking_code"], "secret": made["secret"],
                                                 "score": stars})  # fmt: skip
        assert r.status_code == 200, r.text
    return mid


def test_similar_well_rated_public_replies_are_shown_as_examples(api: httpx.Client) -> None:
    good = _replied(api, "幸福小区加装电梯审批太慢", "幸福小区加装电梯审批手续半年没有进展，请尽快审批。",
                    "您好，加装电梯审批已于本周办结，电话0731-1234567。", 5)  # fmt: skip
    poor = _replied(api, "阳光小区加装电梯审批进展慢", "阳光小区加装电梯审批手续拖了很久，请加快审批。",
                    "您好，已转相关部门研究处理，谢谢关注。", 2)  # fmt: skip
    private = _replied(api, "和平小区加装电梯审批慢", "和平小区加装电梯审批没有进展，请尽快审批。",
                       "您好，和平小区加装电梯审批本月完成。", 5, public=False)  # fmt: skip
    unrelated = _replied(api, "农贸市场摊位费太贵", "农贸市场摊位费涨价，摊主负担重。", "您好，摊位费标准已公示。", 5)
    case = api.post("/api/v1/messages", json={**LIFT, "title": "锦绣小区加装电梯审批慢",
                                              "body": "锦绣小区加装电梯审批手续一直没有进展，希望尽快审批。"}).json()  # fmt: skip
    api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=token_for(api, "jsj.a"))
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = browser.get(f"/staff/cases/{case['id']}").text
    assert "参考答复" in page and f'href="/messages/{good}"' in page and "加装电梯审批已于本周办结" in page
    for other in (poor, private, unrelated):  # rated badly, not public, not similar
        assert f'href="/messages/{other}"' not in page
    assert "群众评价 5 星" in page


def test_skeletons_of_the_messages_kind_are_offered(api: httpx.Client, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    file = tmp_path / "skeletons.yaml"
    file.write_text(SKELETONS, encoding="utf-8")
    monkeypatch.setattr(examples, "skeletons_file", lambda: file)
    case = api.post(
        "/api/v1/messages", json={**LIFT, "title": "小区电梯坏了", "body": "小区电梯坏了一周没人修。"}
    ).json()
    api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=token_for(api, "jsj.a"))
    browser = Browser(str(api.base_url))
    login(browser, "jsj.a", PASSWORD)
    page = browser.get(f"/staff/cases/{case['id']}").text
    assert "答复模板" in page and "核实并整改" in page and "data-skeleton=" in page
    assert "政策解答" not in page and "没有正文" not in page  # another kind's; an entry without text


def test_the_skeleton_loader_takes_what_it_can(tmp_path: Path) -> None:
    assert load_skeletons(tmp_path / "missing.yaml") == {}
    file = tmp_path / "s.yaml"
    file.write_text(SKELETONS, encoding="utf-8")
    assert [k.title for k in skeletons_for("投诉", file)] == ["核实并整改"]
    assert skeletons_for("表扬", file) == []
    file.write_text("- not a mapping\n", encoding="utf-8")
    assert load_skeletons(file) == {}


def test_the_shipped_skeletons_cover_every_kind_of_message() -> None:
    """The shipped file is a list of skeletons, each naming its kind."""
    shipped = load_skeletons()
    assert set(shipped) >= {"投诉", "求助", "咨询", "建言", "表扬", "举报"}
    assert all(s.text and "【联系电话】" in s.text for s in skeletons_for("投诉"))
