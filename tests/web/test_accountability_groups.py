"""Accountability per 领域, 类型, district and leader: each case counted in its groups with the same
definitions as the office ranking, leaders' areas overlapping (the city's leader sees every case of
the city), groups under the minimum shown without rates, and the officials' page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from massline.models import Message, Region, User
from massline.platform import Platform
from massline.services.accountability import group_figures
from tests.conftest import PASSWORD
from tests.web.test_accountability_pages import load_history
from tests.web_helpers import Browser, login


@pytest.fixture
def history(deployed: Platform) -> Iterator[Platform]:
    """400 synthetic cases; even ones in 东城区's 阳光社区, odd ones in 西城区's 解放街道."""
    load_history(deployed)
    with deployed.write() as s:
        regions = {code: rid for code, rid in s.execute(select(Region.code, Region.id))}
        for n, m in enumerate(s.scalars(select(Message).order_by(Message.id))):
            m.region_id = regions["cs-dc-hp-yg" if n % 2 == 0 else "cs-xc-jf"]
    yield deployed


def _view(platform: Platform, by: str, period: str = "", username: str = "sup"):  # noqa: ANN202
    with platform.read() as s:
        user = s.scalar(select(User).where(User.username == username))
        return group_figures(s, user, platform.settings.timezone, platform.now(), by, period)


def test_every_case_counts_once_per_grouping_and_rates_follow_the_definitions(history: Platform) -> None:
    offices = _view(history, "category")
    total_cases = sum(r.cases for r in offices.rows)
    assert total_cases == 400 and len(offices.rows) >= 2
    for by in ("kind", "region"):
        rows = _view(history, by).rows
        assert sum(r.cases for r in rows) == 400
        assert sum(r.followups for r in rows) == sum(r.followups for r in offices.rows)
    for r in offices.rows:
        if r.score is not None:
            assert r.followups >= offices.params.min_followups
            p = offices.params
            expected = p.weight_response * r.response + p.weight_resolution * r.resolution + p.weight_satisfaction * r.satisfaction
            assert r.score == pytest.approx(expected)
            assert len(r.followup_cases) <= r.followups and r.followup_cases == sorted(r.followup_cases)


def test_regions_and_leaders(history: Platform) -> None:
    regions = {r.name: r for r in _view(history, "region").rows}
    assert set(regions) == {"东城区", "西城区"}
    assert regions["东城区"].cases == regions["西城区"].cases == 200
    leaders = {r.name: r for r in _view(history, "leader").rows}
    assert set(leaders) == {"市领导（测试市）", "东城区领导（东城区）"}
    assert leaders["市领导（测试市）"].cases == 400  # the city's leader answers for every case of the city
    assert leaders["东城区领导（东城区）"].cases == 200
    assert leaders["东城区领导（东城区）"].followups == regions["东城区"].followups


def test_a_period_and_the_minimum(history: Platform) -> None:
    view = _view(history, "kind")
    assert view.periods and view.period == ""
    month = _view(history, "kind", view.periods[0])
    assert month.period == view.periods[0]
    assert sum(r.followups for r in month.rows) <= sum(r.followups for r in view.rows)
    small = [r for r in view.rows if r.followups < view.params.min_followups]
    assert all(r.response is None and r.score is None for r in small)
    assert _view(history, "nonsense").by == "category"  # an unknown grouping falls back


def test_the_officials_page(history: Platform, url: str) -> None:
    with Browser(url) as b:
        assert b.get("/staff/accountability/groups").status_code == 303  # login first
        login(b, "jsj.a", PASSWORD)
        page = b.get("/staff/accountability/groups?by=leader")
        assert page.status_code == 200
        assert "分组考评：按领导" in page.text and "市领导（测试市）" in page.text and "案件编号" in page.text
        assert "按领域、类型、区域或领导查看" in b.get("/staff/accountability").text


def test_the_public_leaders_page_names_no_case(history: Platform, url: str) -> None:
    with Browser(url) as b:
        page = b.get("/accountability/leaders")
        assert page.status_code == 200
        assert "市领导（测试市）" in page.text and "东城区领导（东城区）" in page.text
        assert "案件编号" not in page.text and "C0000" not in page.text  # counts and rates only
        assert 'href="/accountability/leaders"' in b.get("/accountability").text
