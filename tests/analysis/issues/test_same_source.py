"""Identical messages never end in different issues; a person's own near-duplicate (a typo in the
place fixed, a resend) joins their first message's issue; a like letter about another place by
someone else stays apart."""

from __future__ import annotations

from massline.analysis.issues.concentrate import IssueDoc, IssueIndex
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
