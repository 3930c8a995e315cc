"""The learned demand splitter: the shipped model splits as the labels would, the rules take over
without it (and for short texts), and training and cross-validation run from the command line."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from massline.analysis.replies import (
    DemandSplitter,
    default_splitter,
    load_demand_labels,
    nested_cross_validate_splitter,
    rule_demands,
    split_demands,
    splitter_eval,
)
from massline.analysis.replies import splitter as splitter_module
from massline.analysis.replies.splitter import decide, message_clauses, spans_of, tags_of
from massline.cli import main

LABELS = Path(__file__).resolve().parents[1] / "data" / "replies" / "demands.jsonl"
#: Background, then the wrong; a generic closing joins it; 另外 opens a second demand.
NOISE = (
    "投诉夜间施工扰民\n领导好！我家住在B2区星沙大道旁的和美小区，小区对面的工地每天晚上十一点以后还在施工，"
    "挖掘机和渣土车的噪音很大，老人小孩都睡不好觉，我们打过12345也没人管。希望有关部门核实处理！"
    "另外，渣土车出工地不冲洗，路面全是泥，下雨天根本没法走路，请城管部门督促工地安装冲洗设备。"
)


def test_the_shipped_model_leaves_the_background_out_of_the_complaint_as_the_labels_do():
    assert default_splitter() is not None, "massline/data/models/demands.crfsuite is shipped"
    first, second = split_demands(NOISE)
    assert first.kind == "complaint"
    assert first.text.startswith("小区对面的工地") and first.text.endswith("核实处理！")
    assert first.context.endswith("我家住在B2区星沙大道旁的和美小区，")  # the background is its context
    assert second.text.startswith("另外")
    assert all(NOISE[d.start : d.end] == d.text for d in (first, second))
    # the rules start the complaint with the background (RULES.md rule 6 says not to)
    assert rule_demands(NOISE)[0].text.startswith("我家住在")


def test_without_the_model_file_the_rules_split(monkeypatch, tmp_path):
    monkeypatch.setattr(splitter_module, "DEMAND_MODEL", tmp_path / "absent.crfsuite")
    assert default_splitter() is None
    assert split_demands(NOISE) == rule_demands(NOISE)
    assert split_demands("  ") == []


def test_short_texts_and_texts_the_model_finds_nothing_in_fall_back_to_the_rules():
    short = "  小区门口的路灯坏了三个月了。 "
    assert len(short.strip()) < splitter_module.SHORT
    assert split_demands(short) == rule_demands(short) != []


def test_clause_tags_round_trip_and_a_probable_start_splits():
    text = "标题\n路灯坏了一个月，没人修。另外垃圾站三天没清运，希望尽快清运。"
    units = message_clauses(text)
    assert units[0].title and not units[1].title and units[1].sentence_start
    spans = [("complaint", text.index("路灯"), text.index("另外")), ("action", text.index("另外"), len(text))]
    tags = tags_of(units, spans)
    assert tags == ["O", "B-complaint", "I-complaint", "B-action", "I-action"]
    assert spans_of(units, tags) == [
        ("complaint", spans[0][1], text.index("。") + 1),
        ("action", spans[1][1], len(text)),
    ]
    # the B tags together are 0.4 probable: below 0.5 the clause continues, at 0.3 it starts a demand
    marginals = [{"O": 0.9}, {"B-complaint": 0.9}, {"I-complaint": 0.6, "B-action": 0.2, "B-complaint": 0.2}]
    assert decide(marginals, begin=0.5) == ["O", "B-complaint", "I-complaint"]
    assert decide(marginals, begin=0.3) == ["O", "B-complaint", "B-complaint"]


@pytest.fixture(scope="module")
def small_labels(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "demands.jsonl"
    lines = LABELS.read_text(encoding="utf-8").splitlines()[:24]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_splitter_writes_a_model_that_splits(small_labels, tmp_path):
    out = tmp_path / "demands.crfsuite"
    result = CliRunner().invoke(main, ["replies", "train-splitter", "--labels", str(small_labels), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "trained on 24 messages" in result.output
    record = json.loads(small_labels.read_text(encoding="utf-8").splitlines()[0])
    text = record["title"].strip() + "\n" + record["body"].strip()
    demands = DemandSplitter(out).split(text)
    assert demands and all(text[d.start : d.end] == d.text for d in demands)


def test_evaluate_splitter_cross_validates_and_prints_the_rules_beside(small_labels):
    result = CliRunner().invoke(main, ["replies", "evaluate-splitter", "--labels", str(small_labels), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "24 messages, 2-fold cross-validation (seed 14)" in result.output
    model, rules = result.output.split("rules (baseline):")
    for part in (model, rules):
        assert "precision" in part and "recall" in part and "F1" in part
        assert "complaint labelled" in part


def test_nested_cross_validation_chooses_the_thresholds_inside_the_training_folds(small_labels, monkeypatch):
    chosen_on: list[int] = []
    choose = splitter_eval._choose

    def spy(train, *args, **kwargs):
        chosen_on.append(len(train))
        return choose(train, *args, **kwargs)

    monkeypatch.setattr(splitter_eval, "_choose", spy)
    data = load_demand_labels(small_labels)
    score, chosen = nested_cross_validate_splitter(data, folds=2, inner=2)
    assert chosen_on == [12, 12]  # each choice sees only its 12 training messages, never the held-out 12
    assert len(chosen) == 2 and all(pair in splitter_eval.THRESHOLDS for pair in chosen)
    assert score.gold == sum(len(spans) for _text, spans in data)
    result = CliRunner().invoke(main, ["replies", "evaluate-splitter", "--labels", str(small_labels), "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "thresholds chosen inside each fold's training part" in result.output


def test_a_missing_labels_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["replies", "train-splitter", "--labels", str(tmp_path / "none.jsonl")])
    assert result.exit_code != 0 and "no such file" in result.output


def test_a_message_split_again_comes_from_the_cache_as_a_fresh_list():
    from massline.analysis.replies.demands import _split

    first = split_demands(NOISE)
    hits = _split.cache_info().hits
    first.clear()
    again = split_demands(NOISE)
    assert _split.cache_info().hits == hits + 1
    assert len(again) == 2
