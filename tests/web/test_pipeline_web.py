"""What officials see of the analysis, through real HTTP: evidence on the case page,
urgent badges in the inbox, near-duplicate links only to cases the reader may read."""

from __future__ import annotations

import re

from sqlalchemy import select

from massline.models import Message
from massline.platform import Platform
from massline.services.intake.submit import MessageInput, check_submit
from massline.worker import Worker
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login, serve

GAS = "阳光社区三栋楼道里有很浓的煤气味，请马上派人来处理，谢谢。"


def _submit(platform: Platform, office: str) -> int:
    with platform.write() as s:
        data = MessageInput(title="楼道煤气味", body=GAS, kind="投诉", addressee_office=office)
        return check_submit(s, platform.cipher, data, platform.now()).id


def test_case_page_shows_the_evidence_and_only_readable_duplicates(deployed: Platform) -> None:
    mine = _submit(deployed, "cs-jsj")
    theirs = _submit(deployed, "cs-rsj")  # a repost sent to another office
    with serve(deployed) as url, Browser(url) as official, Browser(url) as dispatcher:
        login(official, "jsj.a", PASSWORD)
        before = official.get(f"/staff/cases/{mine}").text
        assert "尚未分析" in before

        Worker(deployed).run_once()
        page = official.get(f"/staff/cases/{mine}").text
        assert "智能研判" in page and 'id="urgency-level">紧急<' in page
        assert "<strong>燃气泄漏</strong>：<mark>煤气味</mark>" in page
        assert "很浓的<mark>煤气味</mark>，请马上" in page  # highlighted in the body itself
        assert "阳光社区" in page and "依据文中：阳光社区" in page
        assert "未启用分类模型" in page and "duplicates minhash-v1" in page
        assert f"/staff/cases/{theirs}" not in page  # another office's case is not even hinted at
        inbox = official.get("/staff").text
        assert re.search(rf'href="/staff/cases/{mine}">.*?</a>.*?>紧急</span>', inbox, re.S)

        login(dispatcher, "disp", PASSWORD)
        seen_by_dispatcher = dispatcher.get(f"/staff/cases/{theirs}").text
        assert f'href="/staff/cases/{mine}"' in seen_by_dispatcher and "最早一件" in seen_by_dispatcher
    with deployed.read() as s:
        assert s.scalar(select(Message.status).where(Message.id == mine)) == "assigned"


def test_case_page_shows_the_learned_models_evidence(deployed: Platform) -> None:
    with deployed.write() as s:
        data = MessageInput(title="举报某公司无证经营", body="该公司长期无证经营，非法排放污水，请查处。", kind="投诉",
                            addressee_office="cs-jsj")  # fmt: skip
        mid = check_submit(s, deployed.cipher, data, deployed.now()).id
    Worker(deployed).run_once()
    with serve(deployed) as url, Browser(url) as official:
        login(official, "jsj.a", PASSWORD)
        page = official.get(f"/staff/cases/{mid}").text
    kind = re.search(r"<dt>类型判断</dt><dd>(.*?)</dd>", page, re.S)
    assert kind is not None and "举报" in kind.group(1)
    assert "模型判断，置信度" in kind.group(1) and "依据文中：“" in kind.group(1)
    assert "<dt>紧急程度</dt>" in page


def test_case_page_shows_the_place_the_message_is_about(deployed: Platform) -> None:
    with deployed.write() as s:
        body = "东城区和平街道锦绣家园小区3栋电梯本月已经困人三次，请督促物业尽快更换。"
        data = MessageInput(title="锦绣家园小区电梯经常困人", body=body, kind="投诉", addressee_office="cs-jsj")
        mid = check_submit(s, deployed.cipher, data, deployed.now()).id
    Worker(deployed).run_once()
    with serve(deployed) as url, Browser(url) as official:
        login(official, "jsj.a", PASSWORD)
        page = official.get(f"/staff/cases/{mid}").text
    about = re.search(r'id="place-about">(.*?)</dd>', page, re.S)
    assert about is not None
    assert "锦绣家园小区" in about.group(1) and "（小区）" in about.group(1)
    assert "行政区：和平街道" in about.group(1) and "在标题中" in about.group(1)
