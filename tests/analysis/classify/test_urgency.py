import pytest

from massline.analysis.classify.urgency import assess_urgency


def codes(text: str) -> list[str]:
    return [s.code for s in assess_urgency(text).signals]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("小区3栋着火了，火很大，快来人", "fire"),
        ("楼道里有很浓的煤气味，请马上派人来", "gas"),
        ("我们不想活了，孩子也没人管", "self_harm"),
        ("学校围墙刚刚倒塌，压住了路人", "collapse"),
        ("邻居正在持刀砍人", "violence"),
    ],
)
def test_current_dangers_are_urgent(text: str, code: str) -> None:
    result = assess_urgency(text)
    assert result.level == "urgent"
    assert result.signals[0].code == code
    assert result.score >= 0.75


def test_negated_hazard_does_not_fire() -> None:
    result = assess_urgency("经消防部门检查，小区没有安全隐患，不存在火灾风险")
    assert result.level == "normal"
    assert all(s.strength < 0.1 for s in result.signals)
    assert any("否定" in note for s in result.signals for note in s.notes)


def test_prevention_is_not_an_event() -> None:
    assert assess_urgency("请加强管理，防止火灾发生").level == "normal"


def test_hedged_hazards_never_urgent_even_when_many() -> None:
    text = "店内多个煤气罐，一旦失火，火灾，垮塌，爆炸都有可能，后果不堪设想"
    result = assess_urgency(text)
    assert result.level == "elevated"
    assert any("假设" in note for note in result.signals[0].notes)


def test_past_event_is_elevated_not_urgent() -> None:
    result = assess_urgency("去年小区着火过一次，消防设施至今没有修好")
    assert result.level == "elevated"
    assert "着火: 过去" in result.signals[0].notes


def test_wage_arrears_elevated() -> None:
    result = assess_urgency("项目部拖欠农民工工资半年，年底了还拿不到钱")
    assert result.level == "elevated"
    assert result.signals[0].code == "wage_arrears"
    assert result.signals[0].label == "拖欠工资"


@pytest.mark.parametrize(
    "text",
    [
        "这是老人的养老钱、救命钱，全被骗走了",  # idiom 救命钱
        "商家打出跳楼价吸引顾客",  # idiom 跳楼价
        "为了减轻生产成本，村民冒险通行",  # 轻生 across a word boundary
        "新奥燃气服务态度差，换表要补缴燃气费",  # gas utility, not a leak
        "建议增加公交线路，方便市民出行",
    ],
)
def test_lookalikes_are_normal(text: str) -> None:
    result = assess_urgency(text)
    assert result.level == "normal"
    assert result.signals == []


def test_spans_and_words_point_at_the_evidence() -> None:
    text = "电梯困人半小时没人来"
    result = assess_urgency(text)
    signal = result.signals[0]
    assert signal.code == "safety_hazard"
    assert signal.words == ["电梯困人"]
    start, end = signal.spans[0]
    assert text[start:end] == "电梯困人"


def test_many_mid_signals_do_not_add_up_to_urgent() -> None:
    text = "物业经理威胁业主，还有安全隐患，小区积水严重，聚集了很多人"
    assert assess_urgency(text).level != "urgent"


def test_empty_text() -> None:
    result = assess_urgency("")
    assert (result.level, result.score, result.signals) == ("normal", 0.0, [])


def test_a_danger_marked_as_happening_now_is_immediate() -> None:
    assert assess_urgency("楼道里有很浓的煤气味，请马上派人来").immediate
    assert assess_urgency("小区3栋正在着火，浓烟很大").immediate
    assert not assess_urgency("该楼墙体开裂，存在坍塌的危险").immediate
    assert not assess_urgency("去年小区发生火灾，现在物业还没有整改").immediate  # the fire is past
    assert not assess_urgency("没有安全隐患，马上就能入住").immediate  # negated
    standing = assess_urgency("我家房屋已成危房，墙体开裂，屋顶垮塌了一角。多次反映无人处理，请领导重视。")
    assert standing.level == "urgent" and not standing.immediate  # urgent by the rule, not said to be now
