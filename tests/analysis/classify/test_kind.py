import pytest

from massline.analysis.classify.kind import guess_kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("请问新生儿医保怎么办理？需要哪些材料？", "咨询"),
        ("建议在楚江北路增设公交线路，方便居民出行", "建言"),
        ("感谢社区工作人员认真负责，为他们点赞", "表扬"),
        ("举报某局工作人员收受贿赂、贪污公款", "举报"),
        ("家里生活困难，孩子重病，求助政府帮帮我们", "求助"),
        ("楼下饭店油烟扰民，投诉多次", "投诉"),
    ],
)
def test_clear_cases(text: str, kind: str) -> None:
    guess = guess_kind(text)
    assert guess.kind == kind
    assert guess.evidence
    assert 0 < guess.confidence <= 1


def test_default_is_complaint_with_low_confidence() -> None:
    guess = guess_kind("小区门口的路灯坏了三个月")
    assert (guess.kind, guess.confidence, guess.evidence) == ("投诉", 0.3, [])


def test_title_weighs_double() -> None:
    body = "该饭店噪音很大，请问能否处理"
    assert guess_kind(body).kind == "咨询"
    assert guess_kind(body, title="举报某饭店无证经营").kind == "举报"


def test_negated_cue_ignored() -> None:
    guess = guess_kind("这不是投诉，请问停车证怎么办理")
    assert guess.kind == "咨询"
    assert "投诉" not in guess.evidence


def test_polite_thanks_alone_do_not_outweigh_a_complaint() -> None:
    assert guess_kind("投诉物业乱收费，谢谢，感谢").kind == "投诉"
