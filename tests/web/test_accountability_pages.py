"""The accountability pages: the public ranking with the "why" of every rank, a public page per office
with the minimum-count rule, and the officials' view with the funnel and the flags their role may see."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from massline.platform import Platform
from massline.services.accountability import check_import_history
from massline.services.intake import deployment_timezone
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "accountability"))
from synthetic import generate  # noqa: E402

NAMES = {"单位01": "测试市住房和城乡建设局", "单位02": "测试市人力资源和社会保障局", "单位03": "东城区人民政府",
         "单位04": "测试市教育局"}  # fmt: skip


def load_history(platform: Platform, cases: int = 400) -> None:
    """A synthetic month of four offices' cases (东城区人民政府 downgrades complaints: 降级)."""
    events, _ = generate(cases, offices=4, seed=3, plant=True)
    events = [replace(e, office=NAMES.get(e.office, e.office)) for e in events]
    with platform.write() as s:
        check_import_history(s, events, deployment_timezone(s, platform.settings.timezone), platform.now())


@pytest.fixture
def browser(deployed: Platform, url: str) -> Iterator[Browser]:
    load_history(deployed)
    with Browser(url) as b:
        yield b


def test_public_ranking_explains_every_rank(browser: Browser) -> None:
    page = browser.get("/accountability")
    assert page.status_code == 200 and 'href="/accountability" aria-current="page"' in page.text
    text = page.text
    whys = re.findall(r'<details class="why".*?</details>', text, flags=re.S)
    assert len(whys) == 4  # every office has enough 回访 to be ranked
    for why in whys:
        assert "为什么" in why and "预计解决率" in why and "实际" in why
        assert re.search(r'class="why-interval">\d+–\d+</strong>', why)
        assert re.search(r'class="why-count">\d+</strong> 次有效回访', why)
    assert "第 1 名" in text and "?period=2026-03" in text
    assert "降级" not in text and "C0000" not in text  # flags name cases: not on the public page
    month = browser.get("/accountability?period=2026-03")
    assert month.status_code == 200 and "各单位办理情况（2026-03）" in month.text

    page = browser.get("/accountability/offices/cs-dc-gov")
    assert page.status_code == 200 and "东城区人民政府" in page.text
    assert re.search(r'<th scope="row">2026-03</th><td>\d+</td>\s*<td>\d+\.\d%</td>', page.text)
    assert browser.get("/accountability/offices/cs-12345").status_code == 404  # the dispatch centre is not ranked
    assert browser.get("/accountability/offices/nope").status_code == 404


def test_public_office_page_hides_rates_under_the_minimum(deployed: Platform, url: str) -> None:
    load_history(deployed, cases=40)
    with Browser(url) as b:
        page = b.get("/accountability/offices/cs-dc-gov").text
        ranking = b.get("/accountability").text
    assert "样本不足" in page and not re.search(r"<td>\d+\.\d%</td>", page)
    assert "第 1 名" not in ranking and "回访少于 30 次，不公布比率、不排名" in ranking


def test_staff_view_shows_the_funnel_and_the_flags_of_the_users_scope(browser: Browser, url: str) -> None:
    assert browser.get("/staff/accountability").status_code == 303  # login first
    for username, sees_flag in (("dc.a", True), ("jsj.a", False), ("sup", True), ("mayor", True)):
        with Browser(url) as b:
            login(b, username, PASSWORD)
            page = b.get("/staff/accountability")
        assert page.status_code == 200
        assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-funnel"' in page.text
        assert "解决率漏斗图（按案件构成标准化）" in page.text
        assert re.search(r'<caption>各单位办理过程（全部时间）：签收时限 24 小时</caption>', page.text)
        assert re.search(r"<td>\d+\.\d%</td><td>\d+\.\d%</td><td>\d+\.\d%</td>\s*<td>\d+\.\d 天</td>", page.text)
        flag = re.search(r'<th scope="row">东城区人民政府</th><td>降级</td>', page.text)
        assert bool(flag) == sees_flag, username
        if sees_flag:
            assert "件被本单位改为咨询/建言" in page.text and re.search(r'<p class="codes">ML[0-9A-Z]{8}', page.text)


def test_the_api_gives_the_ranking_of_the_page(browser: Browser) -> None:
    body = browser.get("/api/v1/accountability").json()
    assert body["period"] == "" and "2026-03" in body["periods"] and body["min_followups"] == 30
    ranks = sorted(o["rank"] for o in body["offices"])
    assert ranks == [1, 2, 3, 4]
    for o in body["offices"]:
        assert o["rank_low"] <= o["rank"] <= o["rank_high"] and 0 <= o["resolution_rate"] <= 1
        assert o["funnel"] in ("高于预期", "正常", "低于预期")
    page = browser.get("/accountability").text
    first = next(o for o in body["offices"] if o["rank"] == 1)
    assert f"<td>{first['resolution_rate'] * 100:.1f}%</td>" in page
    assert browser.get("/api/v1/accountability?period=2026-03").json()["period"] == "2026-03"
