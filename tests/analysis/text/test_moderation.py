"""The checks a moderator sees: abuse, threats, private names, personal data, door addresses (general Chinese)."""

from __future__ import annotations

import pytest

from massline.analysis.text import review_findings
from massline.analysis.text.moderation import private_names


def _kinds(body: str, title: str = "") -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in review_findings(title, body)]


@pytest.mark.parametrize(
    "body, word",
    [
        ("你们这些狗官整天不干正事", "狗官"),
        ("物业经理就是个王八蛋，收钱不办事", "王八蛋"),
        ("办事员态度差，简直是脑残", "脑残"),
    ],
)
def test_abuse_is_found(body: str, word: str) -> None:
    assert ("abuse", word) in _kinds(body)


@pytest.mark.parametrize(
    "body, phrase",
    [
        ("再不给我解决，我就弄死你们那个包工头，弄死你", "弄死你"),
        ("逼急了我就去报复社会", "报复社会"),
        ("工资再拖下去我只能跳楼了", "跳楼"),
        ("大不了跟他们同归于尽", "同归于尽"),
    ],
)
def test_threats_are_found(body: str, phrase: str) -> None:
    assert ("threat", phrase) in _kinds(body)


@pytest.mark.parametrize(
    "body",
    [
        "小区垃圾分类做得不好，废物回收站很臭",  # garbage and waste are things, not insults
        "商场跳楼价促销，人太多堵了路",  # a fixed phrase that only looks like a threat
        "小区里杀虫消毒没有通知居民",  # a bare verb is no threat
        "我妈的医保报销一直办不下来",
    ],
)
def test_ordinary_complaints_raise_nothing(body: str) -> None:
    assert _kinds(body) == []


def test_private_persons_names_after_a_word_for_a_private_person() -> None:
    assert private_names("楼上邻居王建国家天天半夜装修") == ["王建国"]
    assert private_names("我家楼下住户孙丽每天晚上唱歌") == ["孙丽"]
    assert private_names("房东刘德福不退押金") == ["刘德福"]


@pytest.mark.parametrize(
    "body",
    [
        "王局长答应的事到现在也没办",  # an official named by title is public
        "街道办李主任说下周来看",
        "隔壁张师傅人很好，帮我修过水管",  # a form of address names nobody
        "对门陈某某家的狗整夜叫",  # already anonymised
        "张建国同志的答复很及时",  # a name without a word for a private person is not looked for
    ],
)
def test_names_are_looked_for_conservatively(body: str) -> None:
    assert [k for k, _ in _kinds(body) if k == "name"] == []


def test_personal_data_is_what_the_public_pages_redact_shown_masked() -> None:
    findings = review_findings("", "他的电话13907311234，身份证430102199003074574，银行卡号6222021234567890123")
    pii = [(f.kind, f.detail, f.text) for f in findings if f.kind == "pii"]
    assert ("pii", "手机号", "139****1234") in pii
    assert any(detail == "身份证号" and text.endswith("4574") and "*" in text for _, detail, text in pii)
    assert ("pii", "银行卡号", "****0123") in pii
    assert all("13907311234" not in f.text for f in findings)  # never the number itself


def test_addresses_down_to_the_door() -> None:
    assert ("address", "6栋2单元502室") in _kinds("我家住6栋2单元502室，楼上天天漏水")
    assert ("address", "12弄5号") in _kinds("住在幸福路12弄5号")
    assert [k for k, _ in _kinds("小区5栋门口的路灯坏了") if k == "address"] == []  # a building, not a door


def test_findings_say_which_field_and_carry_a_chinese_label() -> None:
    (finding,) = review_findings("狗官不作为", "路灯坏了三个月没人修")
    assert (finding.field, finding.label) == ("title", "辱骂")
    assert finding.as_json() == {"kind": "abuse", "field": "title", "text": "狗官", "detail": ""}
