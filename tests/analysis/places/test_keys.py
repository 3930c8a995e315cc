"""Place boundaries of issue discovery on the shipped demo messages (江州市)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from massline.analysis.issues.concentrate import IssueClusterer, IssueDoc
from massline.analysis.issues.describe import describe_issue
from massline.analysis.places.keys import compatible, extract_places
from massline.analysis.places.regions import regions_of
from tests.analysis.issues.fixtures import CONTEST


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("感谢临川区人民医院的医生", ["临川区人民医院"]),
        ("青山县人民医院医生态度差", ["青山县人民医院"]),
        ("县人民医院晚上没有儿科", []),  # a generic name without its district is no key
        ("人民医院看病难", []),
        ("表扬市中心医院的医护人员", ["市中心医院"]),
        ("表扬石门中学的老师", ["石门中学"]),
        ("感谢北站小学的班主任", ["北站小学"]),
        ("为15路公交司机点赞", ["15路"]),
        ("我老家在隔壁省软件园", ["软件园"]),
        ("锦绣华庭开发商强制业主购买车位才给交房", ["锦绣华庭"]),
        ("A2区丽发新城小区附近搅拌站噪音污染严重", ["丽发新城"]),
        # a construction site described, not named, takes the road in front
        ("投诉滨江路商业综合体工地夜间施工扰民", ["滨江路商业综合体"]),
        ("请问晚上十点以后工地能不能施工", []),
        # a company named by its trade only, or by words that are no name, is no key
        ("讨薪：红星路一家物流公司欠我们工钱", ["红星路"]),
        ("问就说公司经营困难", []),
        # a company is keyed as people call it; an industrial park is an area, less specific
        ("我在金桥工业园江州恒达电子科技有限公司做贴片工", ["金桥工业园", "恒达电子"]),
        # a one-character cue inside a word does not cut a name (临 of 临川, not of 临街)
        ("关于临川老街夜市发展的建议", ["临川老街"]),
        ("祥英春天住宅小区底层住改商", ["祥英春天"]),
        ("在住宅小区里开麻将馆", []),
        # a phrase is no name: 物业总说是因为小区, 今年进行小学, 孩就读砂子塘…
        ("物业总说是因为小区进水管没水进来，今年进行小学入学面审，全可以参照泰禹砂子塘小学", ["泰禹砂子塘小学"]),
        ("安排万境水岸小孩就读砂子塘万境水岸小学", ["砂子塘万境水岸小学"]),
        ("A市富绿物业丽发新城强行断业主家水", ["丽发新城"]),
        ("我是高桥村村民，请求对红星机械厂宿舍进行改造", ["高桥村", "红星机械厂宿舍"]),  # the property company is no part of the name
        ("A市A2区丽发新城道路坑坑洼洼", ["丽发新城"]),  # the compound; 道路 is its road, not a road name
    ],
)
def test_place_keys_start_at_a_word(text: str, keys: list[str]) -> None:
    language = CONTEST if "A市" in text or "A2区" in text else None  # written as on the contest board
    assert [m.key for m in extract_places(text, sections=True, language=language)] == keys


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("感谢临川区人民医院的医生", ["临川区"]),
        ("表扬江北区政务服务中心社保窗口工作人员", ["江北区"]),
        ("我老家在隔壁省，准备回老家买房", []),
        ("请求云溪县医院开设夜间儿科急诊", ["云溪县"]),
        ("恳请市里重视", []),
        ("很多城市都有", []),
        ("没有固定区域", []),
        ("A市经开区泉星公园", ["A市", "经开区"]),
        ("A7县星沙四区凉塘路", ["A7县", "星沙四区"]),
        ("也可以考虑划出一块儿童游乐区", []),  # a dictionary word, not a district
        ("先保证云溪、青山两个县县级医院夜间儿科", []),
    ],
)
def test_regions_start_at_a_word(text: str, regions: list[str]) -> None:
    language = CONTEST if "A市" in text or "A7县" in text else None  # written as on the contest board
    assert regions_of(text, language) == regions


@pytest.fixture(scope="module")
def demo() -> tuple[list[dict[str, object]], IssueClusterer, list[IssueDoc]]:
    lines = resources.files("massline").joinpath("data/demo/messages.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    now = datetime(2025, 6, 1, tzinfo=UTC)
    docs = [
        IssueDoc(i, str(r["title"]), str(r["body"]), now - timedelta(days=int(r["days_ago"])), str(r.get("author") or ""))
        for i, r in enumerate(rows)
    ]
    return rows, IssueClusterer().fit(docs), docs


def test_demo_parking_purchase_is_one_issue(demo) -> None:  # type: ignore[no-untyped-def]
    rows, clusterer, _ = demo
    members = [i for i, r in enumerate(rows) if "锦绣华庭" in r["title"] + r["body"] and "车位" in r["title"] + r["body"]]
    assert len(members) == 8
    assert len({int(clusterer.labels_[i]) for i in members}) == 1


def test_demo_hospitals_apart_and_keys_clean(demo) -> None:  # type: ignore[no-untyped-def]
    rows, clusterer, docs = demo
    labels = clusterer.labels_
    linchuan = {int(labels[i]) for i, r in enumerate(rows) if "临川区人民医院" in r["title"]}
    qingshan = {int(labels[i]) for i, r in enumerate(rows) if "青山县人民医院" in r["title"]}
    assert linchuan and qingshan and not linchuan & qingshan
    keys = {f.place.key for f in clusterer.features_ if f.place is not None}
    assert "人民医院" not in keys and "临川区人民医院" in keys
    assert not [k for k in keys if k[0] in "谢扬在"]
    index = clusterer.index_
    for cluster_id in {int(labels[i]) for i, r in enumerate(rows) if "表扬江北区" in r["title"]}:
        members = [i for i in range(len(docs)) if int(labels[i]) == cluster_id]
        cluster = index.clusters[index.label(docs[members[0]].key)]
        issue = describe_issue(cluster, [docs[i] for i in members], [clusterer.features_[i] for i in members])
        assert issue.place == "江北区"  # not 扬江北区
        assert issue.problem == "表扬政务服务中心社保窗口工作人员"  # not cut inside 表扬


def test_demo_company_and_construction_site_are_one_issue_each(demo) -> None:  # type: ignore[no-untyped-def]
    rows, clusterer, _ = demo
    labels = clusterer.labels_
    hengda = [i for i, r in enumerate(rows) if "恒达电子" in r["title"] and ("欠薪" in r["title"] or "拖欠" in r["title"])]
    assert len(hengda) >= 4  # the company named in the title without 公司, in the body with it
    assert len({int(labels[i]) for i in hengda}) == 1
    night = [i for i, r in enumerate(rows) if "滨江路" in r["title"] and "夜间施工" in r["title"]]
    assert len(night) == 2
    assert len({int(labels[i]) for i in night}) == 1  # 滨江路工地 and 滨江路商业综合体工地
    keys = {f.place.key for f in clusterer.features_ if f.place is not None}
    assert not keys & {"物流公司", "商业综合体", "住宅", "晚上十点以后"}


def test_a_developers_brand_followed_by_a_project_is_the_project() -> None:
    """碧桂园南城首府 and 碧桂园星城首府 are two projects in two counties, not one place 碧桂园."""
    south = extract_places("投诉A5区碧桂园南城首府二期房子漏水")
    star = extract_places("A7县碧桂园星城首府精装变惊装")
    assert [m.name for m in south] == ["A5区碧桂园南城首府"] and [m.name for m in star] == ["A7县碧桂园星城首府"]
    assert not compatible(south[0].key, star[0].key)
    assert [m.key for m in extract_places("投诉碧桂园开发商不按合同交房")] == ["碧桂园"]  # the brand alone stays
