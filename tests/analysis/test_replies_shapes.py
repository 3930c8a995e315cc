"""The reply desk's shared shapes: demands carry their span, a review scores every criterion."""

from datetime import UTC, datetime

from massline.analysis.replies import CRITERIA, CaseText, review_reply, split_demands


def test_demands_carry_their_span_in_the_text():
    text = "A小区旁工地夜间施工噪音很大。请问何时停止？希望尽快处理。"
    demands = split_demands(text)
    # the labelling rules (tests/data/replies/RULES.md): the stated wrong is a complaint; a closing
    # that only asks to handle the matter is no demand of its own
    assert [d.kind for d in demands] == ["complaint", "question"]
    assert all(text[d.start : d.end] == d.text for d in demands)


def test_a_text_that_asks_nothing_is_one_complaint():
    (demand,) = split_demands("  小区门口的路灯坏了三个月了。 ")  # a stated wrong
    assert demand.kind == "complaint" and demand.text == "小区门口的路灯坏了三个月了。"


def test_review_scores_every_criterion_within_bounds():
    case = CaseText("A小区噪音", "夜间施工噪音很大。请问何时停止？", datetime(2020, 1, 1, tzinfo=UTC), 15)
    review = review_reply(
        case, "经查，A小区旁工地夜间施工已于1月3日责令停止。", replied_at=datetime(2020, 1, 30, tzinfo=UTC)
    )
    assert [c.key for c in review.criteria] == list(CRITERIA)
    assert all(0.0 <= c.score <= 1.0 for c in review.criteria)
    assert review.score("timeliness") < 1.0  # 29 days against 15
    assert 0.0 <= review.total <= 1.0
