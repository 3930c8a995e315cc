"""The officials' dashboard: SVG charts, scoped message statistics, the issue and alert pages over HTTP."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from massline.models import Alert, Issue, Message, User
from massline.platform import Platform
from massline.services import alerts
from massline.services import casework as cases
from massline.services.casework.stats import StatsFilters, message_stats
from massline.services.errors import ValidationFailed
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.pipeline import analysis_context, run_pipeline
from massline.web.charts import Bar, Series, bar_chart, line_chart, sparkline, text_width, truncate
from massline.worker import Worker
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

SVG = "{http://www.w3.org/2000/svg}"
HOUSING = dict(kind="投诉", region="cs-dc-hp-yg", category="城乡建设", addressee_office="cs-jsj")
LABOUR = dict(kind="投诉", region="cs-xc-jf", category="劳动和社会保障")


# ---- helpers shared with test_public_issues -------------------------------------------------------


def add(platform: Platform, title: str, body: str, when: datetime, **fields: object) -> int:
    """Store a message as if submitted at ``when``; returns its id."""
    with platform.write() as s:
        data = MessageInput(title=title, body=body, **fields)  # type: ignore[arg-type]
        return check_submit(s, platform.cipher, data, when).id


def user(platform: Platform, username: str) -> User:
    with platform.read() as s:
        u = s.scalar(select(User).where(User.username == username))
        assert u is not None
        s.expunge(u)
    return u


def answer(platform: Platform, message_id: int, username: str, when: datetime) -> None:
    """Accept, draft and publish a reply at ``when`` as ``username``."""
    with platform.write() as s:
        actor = s.scalar(select(User).where(User.username == username))
        assert actor is not None
        cases.act(s, actor, message_id, cases.AcceptRequest(), when)
        cases.act(s, actor, message_id, cases.ReplyRequest(body="您好，已安排工作人员现场核实处理，感谢您的监督。"), when)
        cases.act(s, actor, message_id, cases.PublishRequest(), when)


def issue_of(platform: Platform, message_id: int) -> int:
    with platform.read() as s:
        issue_id = s.scalar(select(Message.issue_id).where(Message.id == message_id))
    assert issue_id is not None
    return issue_id


@pytest.fixture
def browser(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        yield b


# ---- charts ---------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    """Parse a chart we generated ourselves (trusted input)."""
    return ET.fromstring(svg)  # noqa: S314


def test_line_chart_is_valid_accessible_svg_with_a_point_per_value() -> None:
    labels = ["11/1", "11/2", "11/3", "11/4", "11/5"]
    svg = line_chart(labels, [Series("收到留言", [1, 4, 0, 7, 3]), Series("发布答复", [0, 1, 2, 2, 5])],
                     title="每天收到留言", desc="描述文字", chart_id="t1")
    root = parse(str(svg))
    assert root.tag == SVG + "svg" and root.get("role") == "img" and root.get("aria-labelledby") == "t1-t t1-d"
    assert root.find(SVG + "title").text == "每天收到留言" and root.find(SVG + "desc").text == "描述文字"
    series = root.findall(f".//{SVG}g[@class='series s1']") + root.findall(f".//{SVG}g[@class='series s2']")
    assert [len(g.findall(SVG + "circle")) for g in series] == [5, 5]
    assert len(root.findall(f".//{SVG}polyline")) == 2 and len(root.findall(f".//{SVG}polygon")) == 1
    xlabels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "xlabel"]
    assert xlabels == labels  # five labels fit
    ylabels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "ylabel"]
    assert ylabels[0] == "0" and int(ylabels[-1]) >= 7
    tips = [c.find(SVG + "title").text for c in series[0].findall(SVG + "circle")]
    assert tips[3] == "11/4：收到留言 7"
    assert "style=" not in str(svg)


def test_line_chart_thins_labels_and_keeps_the_last() -> None:
    labels = [f"d{i}" for i in range(90)]
    root = parse(str(line_chart(labels, [Series("a", list(range(90)))], title="t", desc="d", chart_id="t2",
                                        max_labels=8)))
    xlabels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "xlabel"]
    assert len(xlabels) <= 9 and xlabels[0] == "d0" and xlabels[-1] == "d89"
    assert len(root.findall(f".//{SVG}circle")) == 90


def test_bar_chart_labels_links_and_overflow() -> None:
    bars = [Bar("城乡建设", 12, "/staff/dashboard?category=城乡建设"), Bar("劳动和社会保障", 5), Bar("教育文体", 0)]
    root = parse(str(bar_chart(bars, title="按领域", desc="d", chart_id="b1", unit="件")))
    groups = root.findall(f".//{SVG}g[@class='bar']")
    assert len(groups) == 3
    labels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "bar-label"]
    values = [t.text for t in root.iter(SVG + "text") if t.get("class") == "bar-value"]
    assert labels == ["城乡建设", "劳动和社会保障", "教育文体"] and values == ["12件", "5件", "0件"]
    links = root.findall(f".//{SVG}a")
    assert len(links) == 1 and links[0].get("href") == "/staff/dashboard?category=城乡建设"
    fills = [float(r.get("width")) for r in root.iter(SVG + "rect") if r.get("class") == "bar-fill"]
    assert fills[0] > fills[1] > fills[2] == 0
    many = [Bar(f"区域{i}", 20 - i) for i in range(15)]
    root = parse(str(bar_chart(many, title="t", desc="d", chart_id="b2", max_bars=6)))
    labels = [t.text for t in root.iter(SVG + "text") if t.get("class") == "bar-label"]
    assert len(labels) == 6 and labels[-1] == "其他（10项）"
    empty = parse(str(bar_chart([], title="t", desc="d", chart_id="b3")))
    assert "暂无数据" in "".join(empty.itertext())


def test_cjk_width_truncation_escaping_and_sparkline() -> None:
    assert text_width("城乡", 10) == 20 and text_width("ab", 10) == 12
    cut = truncate("非常非常长的区域名称用于测试截断", 60, 12)
    assert cut.endswith("…") and text_width(cut, 12) <= 60
    root = parse(str(bar_chart([Bar("<b>&", 1)], title="a<b", desc="d", chart_id="b4")))
    assert root.find(SVG + "title").text == "a<b"
    spark = parse(str(sparkline([1, 3, 2], label="近7天")))
    assert spark.get("aria-label") == "近7天" and len(spark.findall(SVG + "polyline")) == 1


# ---- statistics -----------------------------------------------------------------------------------


def test_message_stats_count_days_breakdowns_answers_and_deadlines(deployed: Platform) -> None:
    now = deployed.now()
    day = timedelta(days=1)
    h1 = add(deployed, "阳光社区楼道堆放杂物", "阳光社区三栋楼道长期堆放杂物，存在消防隐患。", now - 2 * day, **HOUSING)
    add(deployed, "阳光社区电梯停运", "阳光社区五栋电梯停运一周了，老人上下楼困难。", now - 2 * day, **HOUSING)
    add(deployed, "解放街道工地欠薪", "解放街道某工地拖欠农民工工资三个月。", now - 1 * day, **LABOUR)
    add(deployed, "很久以前的咨询", "请问居住证办理需要哪些材料，谢谢。", now - 40 * day, kind="咨询", region="cs-xc-jf",
        addressee_office="cs-rsj")
    answer(deployed, h1, "jsj.a", now - 2 * day + timedelta(hours=10))

    with deployed.read() as s:
        admin = message_stats(s, user(deployed, "admin"), StatsFilters(days=7), now)
        jsj = message_stats(s, user(deployed, "jsj.a"), StatsFilters(days=7), now)
        leader = message_stats(s, user(deployed, "dc.leader"), StatsFilters(days=7), now)
        month = message_stats(s, user(deployed, "admin"), StatsFilters(days=90), now)
        west = message_stats(s, user(deployed, "admin"), StatsFilters(days=7, region="cs-xc"), now)
        with pytest.raises(ValidationFailed):
            message_stats(s, user(deployed, "admin"), StatsFilters(days=8), now)
        with pytest.raises(ValidationFailed):
            message_stats(s, user(deployed, "admin"), StatsFilters(region="nowhere"), now)

    assert admin.total == 3 and len(admin.series) == 7 and sum(b.received for b in admin.series) == 3
    assert [b.received for b in admin.series][-3:] == [2, 1, 0]
    assert admin.answered == 1 and admin.replied_total == 1 and admin.answer_rate == pytest.approx(100 / 3)
    assert admin.mean_reply_hours == pytest.approx(10)
    assert {s.label: s.count for s in admin.by_category} == {"城乡建设": 2, "劳动和社会保障": 1}
    assert {s.label: s.count for s in admin.by_region} == {"东城区": 2, "西城区": 1}
    assert {s.code for s in admin.by_region} == {"cs-dc", "cs-xc"}
    assert {s.code: s.count for s in admin.by_status} == {"replied": 1, "assigned": 2}
    # the 40-day-old consultation is outside the period but still open and overdue (5-day deadline)
    assert admin.open_now == 3 and admin.overdue_now == 1 and month.total == 4

    # an official sees only their office's messages; a district leader only their district
    assert jsj.total == 2 and {s.label for s in jsj.by_category} == {"城乡建设"} and jsj.overdue_now == 0
    assert leader.total == 2 and leader.region_root == "东城区"
    assert {s.label: s.count for s in leader.by_region} == {"和平街道": 2}
    # drill-down: the west district's streets, with the way back up
    assert west.total == 1 and {s.label for s in west.by_region} == {"解放街道"} and west.region_up == "cs"


# ---- pages ----------------------------------------------------------------------------------------


def _kpi(page: str, name: str) -> str:
    match = re.search(rf'id="kpi-{name}">([^<]*)<', page)
    assert match, name
    return match.group(1)


def test_dashboard_is_scoped_to_the_viewer(deployed: Platform, browser: Browser) -> None:
    now = deployed.now()
    add(deployed, "阳光社区楼道堆放杂物", "阳光社区三栋楼道长期堆放杂物，存在消防隐患。", now - timedelta(hours=5), **HOUSING)
    add(deployed, "解放街道工地欠薪", "解放街道某工地拖欠农民工工资三个月。", now - timedelta(hours=3), **LABOUR)
    assert browser.get("/staff/dashboard").status_code == 303  # login first
    login(browser, "rsj.a", PASSWORD)
    page = browser.get("/staff/dashboard").text
    assert _kpi(page, "total") == "1" and "劳动和社会保障" in page and "城乡建设" not in page.split("按领域")[1][:3000]
    assert page.count("<svg") >= 4 and "style=" not in page
    browser.post_form("/staff/logout", {}, form_page="/staff")
    login(browser, "mayor", PASSWORD)
    page = browser.get("/staff/dashboard", params={"days": 7}).text
    assert _kpi(page, "total") == "2"
    drilled = browser.get("/staff/dashboard", params={"region": "cs-dc"}).text
    assert _kpi(drilled, "total") == "1" and "和平街道" in drilled
    bad = browser.get("/staff/dashboard", params={"region": "nowhere"})
    assert bad.status_code == 422 and "所选区域不存在" in bad.text


def test_alerts_page_scoped_evidence_and_csrf(deployed: Platform, browser: Browser) -> None:
    now = deployed.now()
    with deployed.write() as s:
        jsj_office = s.scalar(select(User.office_id).where(User.username == "jsj.a"))
        rsj_office = s.scalar(select(User.office_id).where(User.username == "rsj.a"))
        evidence = {"current": 12, "baseline": 1.5, "ratio": 8.0, "p_value": 0.00001, "z_score": 8.6,
                    "counts": [1] * 28 + [12], "unit": "day",
                    "params": {"window": 1, "history": 28, "min_count": 5, "min_ratio": 3.0, "max_p": 0.001}}
        mine = alerts.trigger(s, "burst_category", "burst_category:test", now, title="领域“城乡建设”留言激增",
                              evidence=evidence, office_id=jsj_office).id
        other = alerts.trigger(s, "burst_category", "burst_category:other", now, title="领域“劳动”留言激增",
                               evidence=evidence, office_id=rsj_office).id
    login(browser, "jsj.a", PASSWORD)
    page = browser.get("/staff/alerts").text
    assert "城乡建设”留言激增" in page and "劳动”留言激增" not in page
    assert "收到 12 条" in page and "平时的 8 倍" in page and "p 值" in page
    assert browser.post(f"/staff/alerts/{mine}/acknowledge").status_code == 403  # no CSRF token
    r = browser.post_form(f"/staff/alerts/{mine}/acknowledge", {"return_to": "/staff/dashboard"}, form_page="/staff/alerts")
    assert r.headers["location"] == "/staff/dashboard" and "已知悉该预警" in browser.follow(r).text
    # another office's alert answers like a missing one
    missing = browser.post_form("/staff/alerts/999999/resolve", {}, form_page="/staff/alerts")
    hidden = browser.post_form(f"/staff/alerts/{other}/resolve", {}, form_page="/staff/alerts")
    assert missing.status_code == hidden.status_code == 404
    r = browser.post_form(f"/staff/alerts/{mine}/resolve", {"note": "已核实处理"}, form_page="/staff/alerts")
    assert "预警已解除" in browser.follow(r).text
    with deployed.read() as s:
        assert s.get(Alert, mine).status == "resolved" and s.get(Alert, other).status == "open"  # type: ignore[union-attr]


def test_issue_pages_scoped_with_heat_components_and_csrf(deployed: Platform, browser: Browser) -> None:
    now = deployed.now()
    first = add(deployed, "阳光社区楼道堆放杂物", "阳光社区三栋楼道长期堆放杂物，存在消防隐患，请处理。", now - timedelta(hours=6),
                author_name="张三", **HOUSING)
    add(deployed, "阳光社区楼道杂物堆放", "阳光社区三栋楼道堆放大量杂物，消防通道堵塞，存在消防隐患。", now - timedelta(hours=4),
        author_name="李四", **HOUSING)
    Worker(deployed).run_once()
    issue_id = issue_of(deployed, first)
    login(browser, "rsj.a", PASSWORD)  # another office: the issue looks missing
    assert browser.get(f"/staff/issues/{issue_id}").status_code == browser.get("/staff/issues/999999").status_code == 404
    assert f'href="/staff/issues/{issue_id}"' not in browser.get("/staff/issues").text
    browser.post_form("/staff/logout", {}, form_page="/staff")
    login(browser, "jsj.a", PASSWORD)
    listing = browser.get("/staff/issues").text
    assert f'href="/staff/issues/{issue_id}"' in listing and "热度" in listing
    page = browser.get(f"/staff/issues/{issue_id}").text
    assert "= 贡献" in page and "合计（热度）" in page
    assert f'href="/staff/cases/{first}"' in page and f'action="/staff/issues/{issue_id}/own"' in page
    assert page.count('name="csrf_token"') >= 3
    assert browser.post(f"/staff/issues/{issue_id}/own").status_code == 403  # no CSRF token
    dash = browser.get("/staff/dashboard").text
    assert f'href="/staff/issues/{issue_id}"' in dash  # in the hot list and among the new issues
    with deployed.read() as s:
        assert s.get(Issue, issue_id).owner_office_id is None  # type: ignore[union-attr]


def test_alerts_page_filters_by_region_subtree(deployed: Platform, browser: Browser) -> None:
    from massline.models import Region

    now = deployed.now()
    evidence = {"current": 9, "baseline": 1.0, "ratio": 9.0, "p_value": 0.0001, "z_score": 8.0,
                "counts": [1] * 28 + [9], "unit": "day",
                "params": {"window": 1, "history": 28, "min_count": 5, "min_ratio": 3.0, "max_p": 0.001}}
    with deployed.write() as s:
        street = s.scalar(select(Region.id).where(Region.code == "cs-dc-hp"))  # under 东城区
        west = s.scalar(select(Region.id).where(Region.code == "cs-xc"))  # 西城区
        for rid, title in ((street, "区域“和平街道”留言激增"), (west, "区域“西城区”留言激增")):
            alerts.trigger(s, "burst_region", f"burst_region:{rid}", now, title=title, evidence=evidence, region_id=rid)
    login(browser, "admin", PASSWORD)
    everything = browser.get("/staff/alerts").text
    assert "和平街道”留言激增" in everything and "西城区”留言激增" in everything
    east = browser.get("/staff/alerts", params={"region": "cs-dc"}).text  # the district keeps its street's alert
    assert "和平街道”留言激增" in east and "西城区”留言激增" not in east
    assert 'href="/staff/alerts?status=all&amp;region=cs-dc"' in east  # tabs keep the filter


def test_unknown_filters_are_reported_not_ignored(deployed: Platform, browser: Browser) -> None:
    login(browser, "admin", PASSWORD)
    assert browser.get("/staff/alerts", params={"region": "nowhere"}).status_code == 404
    assert browser.get("/staff/issues", params={"category": "不存在"}).status_code == 404
    dash = browser.get("/staff/dashboard", params={"region": "nowhere"})
    assert dash.status_code == 422 and "分析看板" in dash.text  # the form shows the error, figures for all


def test_admin_dashboard_shows_analysis_progress_while_a_backlog_remains(deployed: Platform, browser: Browser) -> None:
    now = deployed.now()
    ids = [add(deployed, "阳光社区楼道堆放杂物", "阳光社区三栋楼道长期堆放杂物，存在消防隐患。", now - timedelta(hours=hours),
               **HOUSING) for hours in (5, 4, 3)]  # fmt: skip
    login(browser, "mayor", PASSWORD)
    assert "分析进度" not in browser.get("/staff/dashboard").text  # for the platform's administrators only
    browser.post_form("/staff/logout", {}, form_page="/staff")
    login(browser, "admin", PASSWORD)
    page = browser.get("/staff/dashboard").text
    assert "分析进度" in page and '<progress max="3" value="0"' in page and "3 条留言尚待加入搜索索引" in page
    assert "预计还需" not in page  # nothing analysed yet: no pace, no time left
    with deployed.write() as s:  # one analysed just now: the pace (1 in the last ≥ 10 s) and the time left
        run_pipeline(s, analysis_context(s, model_path=None), deployed.plugins.steps(), message_ids=ids[:1])
    page = browser.get("/staff/dashboard").text
    assert '<progress max="3" value="1"' in page and "当前速度每秒 0.1 条，预计还需 不到 1 分钟" in page
    Worker(deployed).run_once()
    assert "分析进度" not in browser.get("/staff/dashboard").text  # nothing left: the panel goes away
