"""The demand splitter's rules (its fallback without the learned model) follow the labelling
rules; reply sentences are matched to demands; the boundary evaluation counts what it says.
The learned splitter is tested in test_replies_splitter.py."""

import pytest

from massline.analysis.replies import (
    evaluate_boundaries,
    match_demands,
    match_spans,
    overlap,
    rule_demands,
    split_demands,
    split_reply,
)


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    demands = rule_demands(text)
    assert all(text[d.start : d.end] == d.text for d in demands)
    return [(d.kind, d.text) for d in demands]


def test_separate_questions_are_separate_demands_without_greetings_or_background():
    text = (
        "咨询公租房\n领导您好！我是一名回到家乡工作的大学生，一直在租房。我想请问，经开区的公租房什么时候对外开放？"
        "是否还有房源？谢谢！"
    )
    assert kinds_and_texts(text) == [
        ("question", "我想请问，经开区的公租房什么时候对外开放？"),
        ("question", "是否还有房源？"),
    ]


def test_a_short_question_that_narrows_the_one_before_stays_in_its_span():
    assert kinds_and_texts("毁绿建设\n这块绿地上的临建是谁批准的？公示了吗？") == [
        ("question", "这块绿地上的临建是谁批准的？公示了吗？")
    ]


def test_rhetorical_questions_stay_in_the_complaint():
    text = (
        "变电站\n星沙文化公园要建大型变电站，已经动工，毁坏了大片的树林。没有征求附近居民的同意，怎么就敢开工？"
        "难道就是一句空话？"
    )
    ((kind, span),) = kinds_and_texts(text)
    assert kind == "complaint"
    assert span.startswith("星沙文化公园") and span.endswith("难道就是一句空话？")


def test_a_closing_joins_the_complaint_and_a_named_request_is_its_own():
    text = (
        "游乐场\n游乐场对不同的人收费不同，商家隐瞒优惠。希望有关部门核实！"
        "另外，游乐场私自占用消防通道。请依法拆除占用消防通道的围挡。"
    )
    assert kinds_and_texts(text) == [
        ("complaint", "游乐场对不同的人收费不同，商家隐瞒优惠。希望有关部门核实！"),
        ("complaint", "另外，游乐场私自占用消防通道。"),
        ("action", "请依法拆除占用消防通道的围挡。"),
    ]


def test_a_sentence_continuing_a_request_stays_in_its_span():
    ((kind, span),) = kinds_and_texts("修路\n建议县政府将此条公路列入改造计划，方便村民出行，确保通行安全。")
    assert kind == "action" and span.endswith("确保通行安全。")


def test_a_question_form_suggestion_is_a_request():
    ((kind, _),) = kinds_and_texts("地铁\n能不能把地铁延伸到A6区？")
    assert kind == "action"


def test_the_title_is_a_demand_only_when_the_body_holds_none():
    text = "请问C市何时发放单独二胎生育证\n尊敬的领导您好！谢谢！"
    assert kinds_and_texts(text) == [("question", "请问C市何时发放单独二胎生育证")]
    assert rule_demands("感谢\n感谢你们！辛苦了！") == []
    assert split_demands("感谢\n感谢你们！辛苦了！") == []


def test_reply_sentences_are_matched_to_the_demand_they_answer_and_referral_counts():
    demands = split_demands("路灯和垃圾\n小区门口路灯坏了一个月。另外小区垃圾站三天没清运，希望尽快清运。")
    reply = (
        "您好！您的留言已收悉。经查，小区门口的路灯已于5月6日修复。"
        "垃圾站清运不属于我局职责，已转交区环卫所办理。感谢您的支持！"
    )
    sentences = [s for _, _, s in split_reply(reply)]
    lamp, rubbish = match_demands(demands, reply)
    assert [sentences[i] for i in lamp.sentences] == ["经查，小区门口的路灯已于5月6日修复。"]
    assert not lamp.referred
    assert rubbish.answered and rubbish.referred
    assert not any(m.answered for m in match_demands(demands, "您好！您的留言已收悉。感谢您的支持！"))


def test_a_contact_offer_is_not_a_referral():
    demands = split_demands("路灯和垃圾\n小区门口路灯坏了一个月。另外小区垃圾站三天没清运，希望尽快清运。")
    lamp, rubbish = match_demands(demands, "小区门口的路灯已于5月6日修复。如您还有疑问，可向街道办咨询。")
    assert lamp.answered and not rubbish.answered


def test_boundary_evaluation_matches_one_to_one_by_overlap():
    assert overlap((0, 10, "q"), (5, 15, "q")) == pytest.approx(5 / 15)
    assert overlap((0, 10, "q"), (10, 20, "q")) == 0.0
    gold = [(0, 10, "question"), (20, 40, "complaint")]
    predicted = [(0, 9, "question"), (0, 10, "action"), (30, 40, "complaint")]
    assert match_spans(predicted, gold) == [(1, 0), (2, 1)]
    score = evaluate_boundaries([(predicted, gold), ([], [(0, 5, "action")])])
    assert (score.predicted, score.gold, score.matched) == (3, 3, 2)
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
    assert score.kind_agreement == pytest.approx(1 / 2)
    assert score.by_kind["action"] == [1, 1, 1, 0]
