"""Identical messages never end in different issues; a person's own near-duplicate (a typo in the
place fixed, a resend) joins their first message's issue; a like letter about another place by
someone else stays apart."""

from __future__ import annotations

from dataclasses import replace

from massline.analysis.issues.concentrate import ConcentrateParams, IssueDoc, IssueIndex
from tests.analysis.issues.fixtures import CONTEST, START

BODY = (
    "西地省{name}普惠投资有限公司以高息为诱饵，向社会公众非法吸收资金，涉嫌诈骗，受害人上千人，"
    "金额巨大，公司负责人已经失联，请公安机关立案侦查，追回受害人的血汗钱。"
)


def _doc(key: str, name: str, author: str) -> IssueDoc:
    return IssueDoc(key, f"西地省{name}普惠投资有限公司涉嫌诈骗巨额资金", BODY.format(name=name), START, author)


def test_the_same_authors_resend_with_a_typo_in_the_name_joins_the_first() -> None:
    index = IssueIndex(language=CONTEST)
    first = index.add(_doc("a", "聚利人", "A00025441"))
    assert index.add(_doc("b", "利聚人", "A00025441")) == first  # the same person, the name misspelt


def test_a_like_text_about_another_company_by_someone_else_stays_apart() -> None:
    index = IssueIndex(language=CONTEST)
    first = index.add(_doc("a", "聚利人", "A00025441"))
    assert index.add(_doc("b", "恒信达", "A00099999")) != first


def test_identical_messages_join_whatever_place_keys_say() -> None:
    index = IssueIndex(language=CONTEST)
    first = index.add(_doc("a", "聚利人", "A1"))
    assert index.add(_doc("b", "聚利人", "A2")) == first


def test_a_rewrite_by_the_same_author_joins_but_not_the_same_words_by_a_stranger() -> None:
    first = IssueDoc("a", "星沙违建之风盛行无人管", "星沙多个小区顶楼加建阳光房，私搭乱建成风，城管部门无人过问，请尽快拆除违建。", START, "A1")
    rewrite = IssueDoc("b", "违建之风盛行谁来管", "星沙多个小区顶楼加建阳光房，私搭乱建成风，城管部门无人过问，请拆除违建！", START, "A1")
    for author, joins in (("A1", True), ("A2", False)):
        index = IssueIndex(language=CONTEST, params=ConcentrateParams(threshold=0.99, threshold_unplaced=0.99, threshold_topic=0.99))
        cid = index.add(first)
        assert (index.add(replace(rewrite, author=author)) == cid) is joins
