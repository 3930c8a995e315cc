"""The board page and the API say when a search has more matches than it counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from massline.platform import Platform
from massline.services.casework import board
from massline.services.intake.submit import MessageInput, check_submit

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_the_api_and_the_board_page_say_when_there_are_more(
    api: httpx.Client, deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    with deployed.write() as s:
        for i in range(22):
            data = MessageInput(title=f"路灯不亮第{i}处", body="路灯坏了很久，晚上出行不便，请尽快修复。", kind="投诉",
                                region="cs-dc", category="城乡建设", is_public=True)  # fmt: skip
            check_submit(s, deployed.cipher, data, T0 + timedelta(minutes=i))
    body = api.get("/api/v1/messages", params={"q": "路灯"}).json()
    assert (body["total"], body["total_exact"], body["pages"]) == (22, True, 2)
    monkeypatch.setattr(board, "COUNT_CAP", 5)  # below a page: counted to the end of the page asked for
    body = api.get("/api/v1/messages", params={"q": "路灯"}).json()
    assert (body["total"], body["total_exact"], body["pages"], len(body["items"])) == (20, False, 1, 20)
    assert body["items"][0]["title"] == "路灯不亮第21处"  # the newest first
    html = api.get("/messages", params={"q": "路灯"}).text
    assert "共 20+ 条留言" in html and "第 1 / 1+ 页" in html and 'rel="next"' in html
    body = api.get("/api/v1/messages", params={"q": "路灯", "page": "2"}).json()
    assert (body["total"], body["total_exact"], body["pages"], len(body["items"])) == (22, True, 2, 2)
    html = api.get("/messages", params={"q": "路灯", "page": "2"}).text
    assert "共 22 条留言" in html and "第 2 / 2 页" in html and 'rel="next"' not in html
