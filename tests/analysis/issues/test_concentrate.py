from __future__ import annotations

from datetime import timedelta

import pytest

from massline.analysis.issues.concentrate import IssueClusterer, IssueDoc, IssueIndex
from massline.analysis.issues.describe import describe_issue, shared_subject
from massline.analysis.issues.ranking import hot_issues
from massline.analysis.issues.vocab import PlaceAliases
from massline.analysis.places.keys import PlaceMention, compatible, extract_places
from tests.analysis.issues.fixtures import CONTEST, START, alias_docs, synthetic_docs


@pytest.fixture(scope="module")
def fitted() -> tuple[IssueClusterer, list[IssueDoc], dict[str, list[str]]]:
    docs, groups = synthetic_docs()
    return IssueClusterer(language=CONTEST).fit(docs), docs, groups


def _label_of(fitted: tuple[IssueClusterer, list[IssueDoc], dict[str, list[str]]]) -> dict[str, int]:
    clusterer, docs, _ = fitted
    return {str(d.key): int(label) for d, label in zip(docs, clusterer.labels_, strict=True)}


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("A市A2区丽发新城小区附近搅拌站噪音扰民", ["丽发新城"]),
        ("A5区劳动东路魅力之城小区一楼的夜宵摊", ["劳动东路", "魅力之城"]),
        ("投诉A市伊景园滨河苑捆绑销售车位", ["伊景园滨河苑"]),
        ("A市暮云街道丽发新城社区搅拌站灰尘", ["暮云街道", "丽发新城"]),
        ("A市58车贷老板跑路美国", ["58车贷"]),
        ("反映A7县春华镇金鼎村水泥路的问题", ["春华镇", "金鼎村"]),
        # roads named by direction and number or ring; not 公交线/高压线
        ("请问A市南北横线何时能完工", ["南北横线"]),
        ("建议加大A7县东六线榔梨段拆迁力度", ["东六线"]),  # A7县 is a district, not a section of 加大
        ("A7县东八线电力公园什么时候能建好", ["东八线", "电力公园"]),
        ("投诉A市公交线路和高压线", []),
        # a case by its platform; a company by its name (not 房地产开发有限公司)
        ("恳请A市经侦公正办理58车贷案件", ["58车贷"]),
        ("办理车贷被骗", []),
        ("西地省展星投资有限公司涉嫌诈骗", ["展星投资"]),
        ("西地省鑫源房地产开发有限公司", ["鑫源房地产开发"]),
        ("房地产开发有限公司违规", []),
        # a section code after a compound name
        ("五矿万境K9县房屋质量问题", ["五矿万境"]),
    ],
)
def test_extract_places(text: str, keys: list[str]) -> None:
    assert [m.key for m in extract_places(text, sections=True, language=CONTEST)] == keys


def test_compatible_places_contain_each_other() -> None:
    assert compatible("魅力之城", "万科魅力之城")
    assert not compatible("阳光花园", "翠竹苑")


def test_same_place_same_problem_together(fitted) -> None:  # type: ignore[no-untyped-def]
    labels = _label_of(fitted)
    for name in ("parking_a", "noise_a", "parking_b"):
        members = fitted[2][name]
        assert len({labels[k] for k in members}) == 1, name


def test_different_place_or_problem_apart(fitted) -> None:  # type: ignore[no-untyped-def]
    labels = _label_of(fitted)
    groups = fitted[2]
    parking_a, noise_a, parking_b = (labels[groups[g][0]] for g in ("parking_a", "noise_a", "parking_b"))
    assert len({parking_a, noise_a, parking_b}) == 3
    singles = [labels[k] for k in groups if k.startswith("single-")]
    assert len(set(singles)) == 3 and not set(singles) & {parking_a, noise_a, parking_b}


def test_sklearn_contract() -> None:
    clusterer = IssueClusterer(threshold=0.3, random_state=7, language=CONTEST)
    assert clusterer.get_params()["threshold"] == 0.3
    assert not hasattr(clusterer, "labels_")
    docs, _ = synthetic_docs()
    assert clusterer.fit(docs) is clusterer
    assert len(clusterer.labels_) == len(docs)


def test_batch_is_deterministic_and_order_free_in_labels() -> None:
    docs, _ = synthetic_docs()
    a = IssueClusterer(language=CONTEST).fit(docs).labels_
    b = IssueClusterer(language=CONTEST).fit(list(reversed(docs))).labels_[::-1]
    # same partition whatever the input order (docs are added in time order)
    pairs_a = {(i, j) for i in range(len(docs)) for j in range(len(docs)) if a[i] == a[j]}
    pairs_b = {(i, j) for i in range(len(docs)) for j in range(len(docs)) if b[i] == b[j]}
    assert pairs_a == pairs_b


def test_incremental_add_joins_existing_or_creates(fitted) -> None:  # type: ignore[no-untyped-def]
    clusterer, docs, groups = fitted
    index: IssueIndex = clusterer.index_
    parking_b = index.label(groups["parking_b"][0])
    new = IssueDoc(
        "new-1", "翠竹苑捆绑销售车位还没解决", "翠竹苑开发商仍然捆绑销售车位。", START + timedelta(days=60), "x"
    )
    assert index.add(new) == parking_b
    other = IssueDoc("new-2", "幸福家园小区电梯经常故障", "幸福家园小区电梯三天两头坏，困人。", START, "y")
    cid = index.add(other)
    assert cid not in {index.label(k) for g in groups.values() for k in g}
    # the same complaint about a third compound is a new issue, not parking A or B
    third = IssueDoc("new-3", "金桂苑开发商捆绑销售车位", "金桂苑开发商要求买房必须购买车位。", START, "z")
    assert index.add(third) not in {parking_b, index.label(groups["parking_a"][0])}


def test_describe_issue(fitted) -> None:  # type: ignore[no-untyped-def]
    clusterer, docs, groups = fitted
    index = clusterer.index_
    cluster = index.clusters[index.label(groups["parking_a"][0])]
    members = [i for i, d in enumerate(docs) if d.key in set(cluster.members)]
    issue = describe_issue(cluster, [docs[i] for i in members], [clusterer.features_[i] for i in members], CONTEST)
    assert "阳光花园" in issue.place
    assert "车位" in issue.problem and "阳光花园" not in issue.problem
    assert issue.title.startswith(issue.place)
    assert "车位" in issue.keywords or "捆绑" in issue.keywords
    assert issue.messages == 10 and issue.people == 8  # two reposts by the first author
    assert issue.support == 40
    assert issue.first == START and issue.summary
    assert issue.representatives[0] in cluster.members


def test_hot_issues_ranking_and_min_messages() -> None:
    docs, groups = synthetic_docs()
    ranked = hot_issues(docs, top=10, min_messages=2, language=CONTEST)
    assert len(ranked) == 3  # singletons are not issues
    assert "阳光花园" in ranked[0].issue.place and "车位" in ranked[0].issue.problem
    assert [r.heat.score for r in ranked] == sorted((r.heat.score for r in ranked), reverse=True)
    assert hot_issues(docs, top=1, language=CONTEST)[0].issue.members == ranked[0].issue.members


def _m(key: str, kind: str = "compound") -> PlaceMention:
    return PlaceMention(key, key, kind, 0)


def test_place_aliases_need_enough_shared_messages() -> None:
    aliases = PlaceAliases(min_count=3, min_share=0.3)
    for _ in range(3):  # the group named with the compound three times
        aliases.observe([_m("金桂苑")], [_m("金桥集团", "institution")])
    aliases.observe([_m("金桥集团", "institution")], [])
    for _ in range(2):  # a neighbour named twice only
        aliases.observe([_m("金桂苑")], [_m("银杏苑")])
    aliases.observe([_m("金桂苑"), _m("劳动路", "road")], [])
    aliases.fit()
    assert aliases.of("金桥集团") == {"金桂苑"}
    assert aliases.named("金桂苑") == {"金桥集团"}
    assert aliases.of("金桂苑") == set()  # a compound is no alias of a less specific group
    assert aliases.of("银杏苑") == set() and aliases.of("劳动路") == set()


def test_aliases_join_the_same_problem_only() -> None:
    docs, groups = alias_docs()
    labels = dict(zip((d.key for d in docs), IssueClusterer(language=CONTEST).fit(docs).labels_.tolist(), strict=True))
    assert len({labels[k] for k in groups["aliased"]}) == 1  # by compound, group and district
    assert labels[groups["other"][0]] != labels[groups["aliased"][0]]  # the group's unpaid wages
    assert len({labels[k] for k in groups["case"]}) == 1  # by platform and company
    assert labels[groups["case"][0]] != labels[groups["aliased"][0]]
    plain = dict(
        zip(
            (d.key for d in docs),
            IssueClusterer(alias_min_count=0, language=CONTEST).fit(docs).labels_.tolist(),
            strict=True,
        )
    )
    assert len({plain[k] for k in groups["aliased"]}) > 1  # without aliases the group's messages stay apart


def test_alias_issue_is_named_by_its_place() -> None:
    docs, _ = alias_docs()
    ranked = hot_issues(docs, top=2, language=CONTEST)
    assert {r.issue.place for r in ranked} == {"金桂苑", "A市88车贷"}


def test_concentrate_reexports_the_split_modules() -> None:
    from massline.analysis.issues import assign as issue_assign
    from massline.analysis.issues import cluster as issue_cluster
    from massline.analysis.issues import concentrate
    from massline.analysis.issues import features as issue_features

    assert concentrate.IssueIndex is issue_assign.IssueIndex
    assert concentrate.IssueClusterer is issue_cluster.IssueClusterer
    assert concentrate.IssueDoc is issue_features.IssueDoc


@pytest.mark.parametrize(
    ("titles", "subject"),
    [
        # a training school named without a place suffix, in most titles
        (
            ["A市温斯顿英语退费难", "投诉温斯顿英语培训机构", "温斯顿英语何时退款", "梅溪湖温斯顿恶意拖欠退款"],
            "温斯顿英语",
        ),
        # an unknown compound name (the segmenter cuts it into single characters)
        (["A市万润滨江天著忽悠业主", "万润滨江天著精装修明细何时公示", "请问万润滨江天著核价"], "万润滨江天著"),
        # shared words that describe the problem are no subject
        (["出租车燃油补贴什么时候发放", "燃油补贴什么时候发放", "请问燃油补贴什么时候发"], ""),
        # a name in fewer than 60% of the titles is no subject
        (["温斯顿英语退费难", "培训机构退费难", "驾校退费难", "健身房退费难"], ""),
        # too few titles
        (["温斯顿英语退费难", "温斯顿英语何时退款"], ""),
    ],
)
def test_shared_subject(titles: list[str], subject: str) -> None:
    assert shared_subject(titles, language=CONTEST) == subject


def test_issue_without_place_is_named_by_its_shared_subject() -> None:
    bodies = "本人给小孩报名学习英语，预交了学费，老师换了三个，申请退费至今没有退。"
    titles = [
        "A市温斯顿英语恶意拖欠退款",
        "投诉A市温斯顿英语培训机构拖延退费",
        "A市温斯顿英语何时退费",
        "温斯顿英语退费难",
    ]
    docs = [IssueDoc(i, t, bodies, START + timedelta(days=i), f"u{i}") for i, t in enumerate(titles)]
    fitted = IssueClusterer(random_state=0, language=CONTEST).fit(docs)
    assert len(set(fitted.labels_)) == 1
    index = fitted.index_
    cluster = next(iter(index.clusters.values()))
    summary = describe_issue(cluster, docs, fitted.features_, CONTEST)
    assert summary.place == "A市温斯顿英语"  # not the group "A市老师" of the bodies
    assert summary.title.startswith("A市") and summary.title.count("温斯顿英语") == 1


def test_a_place_few_members_name_is_no_label() -> None:
    body = "请问灵活就业人员养老保险每年怎么缴费，缴费基数怎么选，在哪里办理？"
    docs = [
        IssueDoc(0, "咨询灵活就业养老保险缴费", "我是高桥村村民，" + body, START, "a"),
        IssueDoc(1, "咨询灵活就业养老保险缴费", body, START + timedelta(days=1), "b"),
        IssueDoc(2, "咨询灵活就业养老保险缴费问题", body, START + timedelta(days=2), "c"),
        IssueDoc(3, "灵活就业养老保险怎么缴费", body, START + timedelta(days=3), "d"),
    ]
    fitted = IssueClusterer(random_state=0, language=CONTEST).fit(docs)
    assert len(set(fitted.labels_)) == 1
    cluster = next(iter(fitted.index_.clusters.values()))
    assert cluster.place == "高桥村"  # one body names the village ...
    summary = describe_issue(cluster, docs, fitted.features_, CONTEST)
    assert "高桥" not in summary.place and "高桥" not in summary.title  # ... which is not what the issue is about
