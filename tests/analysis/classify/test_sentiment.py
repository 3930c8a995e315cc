from massline.analysis.classify.sentiment import sentiment_intensity


def test_calm_question_has_no_evidence() -> None:
    result = sentiment_intensity("请问公交409路什么时候调整到嘉宇小区发车？")
    assert result.level == "calm"
    assert result.score == 0.0
    assert result.evidence == []


def test_politeness_exclamations_do_not_count() -> None:
    assert sentiment_intensity("尊敬的领导：您好！请问社保怎么转移？谢谢！").score == 0.0


def test_angry_message_with_evidence_words() -> None:
    text = "多次投诉无人管，部门互相踢皮球，天理何在！！"
    result = sentiment_intensity(text)
    assert result.level == "angry"
    for word in ("多次投诉", "无人管", "踢皮球", "天理何在", "！！"):
        assert word in result.evidence


def test_more_evidence_means_higher_score() -> None:
    mild = sentiment_intensity("小区噪音严重，希望处理")
    strong = sentiment_intensity("小区噪音严重，多次投诉无人管，忍无可忍！")
    assert 0 < mild.score < strong.score


def test_negated_anger_counts_little() -> None:
    result = sentiment_intensity("我们并不愤怒，只想了解政策")
    assert result.level == "calm"
    assert result.components["愤怒"] < 0.1


def test_components_explain_the_score() -> None:
    result = sentiment_intensity("投诉无门！")
    total = sum(result.components.values())
    assert result.score == round(total / (total + 1), 3)
    assert set(result.components) == {"投诉无门", "！"}


def test_repetition_of_one_word_counts_once() -> None:
    once = sentiment_intensity("不作为")
    thrice = sentiment_intensity("不作为，不作为，不作为")
    assert once.score == thrice.score
