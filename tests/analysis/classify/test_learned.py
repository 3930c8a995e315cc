"""The learned kind, urgency and feeling model: trained on a slice of the hand labels, it predicts
known cases, its evidence points into the text, rare classes are left to the rules, files round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from massline.analysis.classify import TASKS, MessageModel, ModelFormatError, read_labelled

LABELS = Path(__file__).resolve().parents[2] / "data" / "labels"


@pytest.fixture(scope="module")
def model() -> MessageModel:
    messages = [m for m in read_labelled(LABELS) if m.source == "random"][:400]
    return MessageModel(max_features=8000).fit(
        [m.title for m in messages], [m.body for m in messages], {t: [m.label(t) for m in messages] for t in TASKS}
    )


def test_labels_are_read_from_the_files() -> None:
    messages = read_labelled(LABELS)
    assert len([m for m in messages if m.source == "random"]) >= 1000
    assert all(m.title or m.body for m in messages)


def test_a_small_model_predicts_known_cases_with_evidence_in_the_text(model: MessageModel) -> None:
    titles = ["咨询新生儿医保办理", "举报某公司无证经营"]
    bodies = ["请问新生儿医保怎么办理？需要哪些材料？在哪里办理？", "该公司长期无证经营，非法排放污水，请相关部门查处。"]
    consult, report = model.predict(titles, bodies)
    assert consult["kind"].label == "咨询" and consult["kind"].by == "model"
    assert report["kind"].label == "举报"
    for decisions, title, body in ((consult, titles[0], bodies[0]), (report, titles[1], bodies[1])):
        text = f"{title}\n{body}"
        assert set(decisions) == set(TASKS)
        for decision in decisions.values():
            assert 0 < decision.confidence <= 1
            assert decision.spans, decision
            assert all(text[s.start : s.end] == s.text for s in decision.spans)


def test_rare_classes_are_left_to_the_rules(model: MessageModel) -> None:
    assert "表扬" in model.rare_["kind"] and "紧急" in model.rare_["urgency"]
    praise = model.predict(["表扬社区工作人员"], ["感谢信：社区王主任认真负责，热情服务，为民办实事，特此表扬！"])[0]
    assert praise["kind"].label == "表扬" and praise["kind"].by == "rule"
    assert any("表扬" in r for r in praise["kind"].rules)


def test_model_file_round_trip_and_foreign_files(model: MessageModel, tmp_path: Path) -> None:
    path = tmp_path / "understanding.joblib"
    model.save(path)
    loaded = MessageModel.load(path)
    title, body = "楼道煤气味", "楼道里有很浓的煤气味，请马上派人来。"
    assert loaded.predict([title], [body])[0]["urgency"].label == model.predict([title], [body])[0]["urgency"].label
    assert loaded.model_version() == model.model_version()
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelFormatError):
        MessageModel.load(bad)


def test_the_urgency_threshold_is_chosen_on_the_training_messages_and_finds_more(model: MessageModel) -> None:
    import copy

    assert model.threshold_ is not None and 0.05 <= model.threshold_ < 0.5
    messages = [m for m in read_labelled(LABELS) if m.source == "random"][400:700]
    titles, bodies = [m.title for m in messages], [m.body for m in messages]
    plain = copy.copy(model)
    plain.threshold_ = None
    chosen = [d["urgency"] for d in model.predict(titles, bodies)]
    argmax = [d["urgency"] for d in plain.predict(titles, bodies)]
    assert sum(d.label != "一般" for d in chosen) > sum(d.label != "一般" for d in argmax)
    assert all(any(r.startswith("较急阈值") for r in d.rules) for d in chosen)
    assert not any(any(r.startswith("较急阈值") for r in d.rules) for d in argmax)


def test_the_threshold_applies_to_every_urgency_above_normal_once_紧急_is_learned(model: MessageModel) -> None:
    """With 紧急 learned (three classes), the threshold is on 1 − P(一般) and picks the more probable of 较急 and
    紧急 past it: the argmax alone would leave most 较急 messages at 一般."""
    import copy

    import numpy as np

    three = copy.copy(model)
    three.threshold_ = 0.3

    class Fitted:
        classes_ = np.array(["一般", "紧急", "较急"])

    proba = np.array([[0.6, 0.1, 0.3], [0.8, 0.15, 0.05], [0.5, 0.3, 0.2], [0.9, 0.02, 0.08]])
    chosen = [str(Fitted.classes_[i]) for i in three._best("urgency", Fitted(), proba)]  # type: ignore[arg-type]
    assert chosen == ["较急", "一般", "紧急", "一般"]
    assert [int(i) for i in three._best("kind", Fitted(), proba)] == [0, 0, 0, 0]  # other tasks: the most probable


def test_the_rules_紧急_stands_only_for_a_danger_happening_now(model: MessageModel) -> None:
    """The rule's 紧急 stands, whatever the model says, when it saw the danger marked as happening now (正在,
    马上, 随时…); a standing hazard the rule calls urgent stays the model's."""
    from massline.analysis.classify.decision import Decision
    from massline.analysis.classify.rules import RuleAnswers

    sure = Decision("较急", 0.9, "model", probabilities={"一般": 0.1, "较急": 0.9})
    unsure = Decision("较急", 0.3, "model", probabilities={"一般": 0.7, "较急": 0.3})

    def rule(now: bool) -> RuleAnswers:
        return RuleAnswers(
            labels={"kind": "投诉", "urgency": "紧急", "feeling": "不满"},
            words={"kind": [], "urgency": ["着火"], "feeling": []},
            confidence={"urgency": 0.9},
            danger_now=now,
        )

    now = model._rare_rule("urgency", sure, rule(True))
    assert (now.label, now.by) == ("紧急", "rule") and any("着火" in r for r in now.rules)
    assert model._rare_rule("urgency", sure, rule(False)).label == "较急"
    assert model._rare_rule("urgency", unsure, rule(True)).label == "紧急"
    calm = Decision("一般", 0.8, "model", probabilities={"一般": 0.8, "较急": 0.2})
    assert model._rare_rule("urgency", calm, rule(False)).label == "一般"
    assert model._rare_rule("urgency", calm, rule(True)).label == "紧急"
