"""Each criterion of the reply review moves the right way on crafted replies, and the phrase book holds."""

from datetime import UTC, datetime

import pytest

from massline.analysis.replies import (
    CRITERIA,
    WEIGHTS,
    CaseText,
    find_officialese,
    findings,
    phrasebook,
    review_reply,
)

CASE = CaseText(
    "A小区门口路灯不亮和垃圾站未清运",
    "小区门口路灯坏了一个月，晚上很黑。请问何时修复？另外小区垃圾站三天没清运，臭气熏天，希望尽快清运。",
    datetime(2020, 5, 1, 9, tzinfo=UTC),
    15,
)
LAMP = "经现场查看，A小区门口的3盏路灯因线路老化损坏，区城管局已于5月6日更换线路，路灯已恢复照明。"
BINS = "小区垃圾站因清运车辆故障停运三天，区环卫所已于5月5日清运完毕，今后每天清运一次。"
CONTACT = "如有问题请联系环卫所王站长，电话0731-12345678。"
FULL = LAMP + BINS + CONTACT
HALF = LAMP + "区城管局同时检查了小区其余路灯，另有2盏灯罩破损，已于5月7日更换。" + CONTACT
OTHER = (
    "经核查，B县第二中学今年秋季学期收取的住宿费每人每学期600元，符合《B县中小学收费管理办法》第八条的规定，"
    "县教育局已于9月3日在学校公示收费标准，如有疑问请联系县教育局财务股，电话0739-7654321。"
)
OFFICIALESE = (
    "您反映的问题我们高度重视，相关部门正在积极协调，进一步加强管理，切实解决群众关心的问题，"
    "尽快予以处理，持续跟踪落实，确保落到实处。"
)
ON_TIME = datetime(2020, 5, 8, tzinfo=UTC)


def review(reply: str, when: datetime = ON_TIME):
    return review_reply(CASE, reply, replied_at=when)


def test_every_criterion_in_bounds_with_the_documented_composition():
    r = review(FULL)
    assert [c.key for c in r.criteria] == list(CRITERIA)
    assert all(0.0 <= c.score <= 1.0 for c in r.criteria)
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    mean = sum(WEIGHTS[c.key] * c.score for c in r.criteria)
    assert r.total == pytest.approx(mean * (0.5 + 0.5 * r.score("relevance")), abs=1e-3)
    assert r.total > 0.6


def test_a_reply_to_another_message_scores_lower_relevance_and_total():
    good, other = review(FULL), review(OTHER)
    assert other.score("relevance") < good.score("relevance") - 0.3
    assert other.total < good.total
    relevance = next(c for c in other.criteria if c.key == "relevance")
    assert relevance.suggestion and "A小区" in relevance.suggestion


def test_a_half_answered_two_demand_message_scores_lower_completeness():
    full, half = review(FULL), review(HALF)
    # the lamp (a complaint and a question about it) and the rubbish (a request)
    assert [m.demand.kind for m in full.matches] == ["complaint", "question", "action"]
    assert all(m.answered for m in full.matches) and full.score("completeness") == 1.0
    assert [m.answered for m in half.matches] == [True, True, False]
    assert half.score("completeness") == pytest.approx(2 / 3, abs=1e-3)
    completeness = next(c for c in half.criteria if c.key == "completeness")
    assert "垃圾" in completeness.suggestion  # names the demand left unanswered
    assert "完整性" in findings(half)


def test_a_reply_on_a_neighbouring_matter_answers_nothing_through_common_words():
    # the same place words (小区门口, 晚上, 一个月) but another object: not the lamp, not the rubbish
    neighbour = (
        "经核查，小区门口的停车位划线问题属实，物业已于晚上安排人员值守，一个月来小区门口车辆乱停现象已明显减少。"
    )
    r = review(neighbour)
    assert [m.answered for m in r.matches] == [False, False, False] and r.score("completeness") == 0.0
    # the sentence about the lamp itself still answers the lamp
    assert [m.answered for m in review(LAMP + neighbour).matches] == [True, True, False]


def test_a_referral_in_a_reply_about_another_matter_refers_nothing_of_this_one():
    other = "经核查，B县第二中学住宿费每人每学期600元，符合收费标准。如对收费标准有异议，请向县发改局价格科反映。" * 2
    assert review(other).score("completeness") == 0.0
    only_referral = "您好，您反映的问题不属于我局职责，请向区城管局咨询，电话0731-1234567。"
    assert all(m.referred for m in review(only_referral).matches)


def test_a_demand_referred_elsewhere_counts_as_answered():
    referred = LAMP + "小区垃圾站的清运不属于我局职责，已转交区环卫所办理，电话0731-12345678。"
    r = review(referred)
    assert r.score("completeness") == 1.0
    assert [m.referred for m in r.matches] == [False, False, True]


def test_a_demand_the_office_marked_outside_its_remit_counts_as_answered():
    half = review(HALF)
    rubbish = half.matches[2].demand
    marked = review_reply(CASE, HALF, replied_at=ON_TIME, outside_remit=[(rubbish.start, rubbish.end)])
    assert marked.score("completeness") == 1.0 > half.score("completeness")
    assert marked.matches[2].referred and marked.matches[2].answered


def test_officialese_lowers_plainness_with_a_suggestion_from_the_phrase_book():
    plain, formulaic = review(FULL), review(OFFICIALESE)
    assert plain.score("plainness") > 0.9
    assert formulaic.score("plainness") < 0.3
    plainness = next(c for c in formulaic.criteria if c.key == "plainness")
    assert "「高度重视」→" in plainness.suggestion and plainness.evidence
    assert formulaic.total < plain.total


def test_officialese_of_the_same_length_scores_lower():
    swapped = OFFICIALESE + OFFICIALESE[: max(0, len(FULL) - len(OFFICIALESE))]
    assert abs(len(swapped) - len(FULL)) < 5
    assert review(swapped).total < review(FULL).total - 0.3


def test_a_missing_basis_lowers_interpretability():
    with_basis = review(FULL + "依据《城市市容和环境卫生管理条例》第二十八条，生活垃圾应当日产日清。")
    without = review("A小区门口路灯和垃圾站的问题已处理好了。")
    assert with_basis.score("interpretability") >= 0.75
    assert without.score("interpretability") < 0.3
    criterion = next(c for c in without.criteria if c.key == "interpretability")
    assert "规定" in criterion.suggestion


def test_a_refusal_without_a_reason_is_penalised():
    bare = review("经现场查看，您的申请不予办理。")
    reasoned = review("经现场查看，您的申请不予办理，因为该路段不在改造范围内。")
    assert bare.score("interpretability") < reasoned.score("interpretability")


def test_specificity_counts_who_what_when_figures_and_contact():
    vague = review("相关部门将尽快处理A小区的路灯和垃圾站问题。")
    assert review(FULL).score("specificity") == 1.0
    assert vague.score("specificity") < 0.5
    criterion = next(c for c in vague.criteria if c.key == "specificity")
    assert "日期或期限" in criterion.suggestion and "「尽快」" in criterion.suggestion


def test_timeliness_against_the_deadline():
    assert review(FULL).score("timeliness") == 1.0
    late = review(FULL, datetime(2020, 5, 31, 9, tzinfo=UTC))  # 30 days against 15
    assert late.score("timeliness") == pytest.approx(0.0)
    unknown = review_reply(CASE, FULL, replied_at=None)
    assert unknown.score("timeliness") == 0.5


def test_an_acknowledgement_alone_answers_nothing():
    r = review("网友您好！您的留言已收悉。感谢您对我们工作的支持！2020年5月8日")
    assert r.score("completeness") == 0.0 and r.score("relevance") == 0.0
    assert r.total < 0.3


def test_the_phrase_book_has_150_patterns_with_alternatives():
    book = phrasebook()
    assert len(book) >= 150
    assert all(p.pattern and p.plain and p.note and p.kind for p in book)
    assert len({p.pattern for p in book}) == len(book)
    hits = find_officialese("我们高度重视，将进一步加强管理。")
    assert [h.text for h in hits] == ["高度重视", "进一步加强"]
