"""``massline understand train|evaluate`` on a small slice of the hand labels."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from massline.analysis.classify import MessageModel
from massline.cli import main

LABELS = Path(__file__).resolve().parents[1] / "data" / "labels"


def _slice(directory: Path, n: int) -> Path:
    """The first ``n`` labelled messages, with a targeted set of three praise messages."""
    labels = [json.loads(line) for line in (LABELS / "labels.jsonl").read_text(encoding="utf-8").splitlines()][:n]
    wanted = {row["id"] for row in labels}
    sample = [json.loads(line) for line in (LABELS / "sample.jsonl").read_text(encoding="utf-8").splitlines()]
    directory.mkdir()
    lines = [json.dumps(row, ensure_ascii=False) for row in sample if row["id"] in wanted]
    (directory / "sample.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / "labels.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in labels) + "\n",
                                            encoding="utf-8")  # fmt: skip
    praise = [{"id": f"t:{i}", "title": "表扬", "body": f"感谢社区工作人员{i}热情服务"} for i in range(3)]
    (directory / "sample_targeted.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in praise))
    targeted = [{"id": r["id"], "kind": "表扬", "urgency": "一般", "feeling": "平和"} for r in praise]
    (directory / "labels_targeted.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in targeted))
    return directory


def test_train_writes_a_model_that_loads(tmp_path: Path) -> None:
    labels, out = _slice(tmp_path / "labels", 200), tmp_path / "m.joblib"
    result = CliRunner().invoke(main, ["understand", "train", "--labels", str(labels), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "trained on 203 messages (3 of the targeted set)" in result.output
    assert "messages/s" in result.output and out.exists()
    assert MessageModel.load(out).predict(["咨询"], ["请问居住证怎么办理？需要哪些材料？"])[0]["kind"].label == "咨询"


def test_evaluate_prints_model_and_rule_figures(tmp_path: Path) -> None:
    labels = _slice(tmp_path / "labels", 160)
    result = CliRunner().invoke(main, ["understand", "evaluate", "--labels", str(labels), "--folds", "2"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "random samples (160 messages)" in out and "targeted set (3 messages) used for training only" in out
    for name in ("## 类型 (kind)", "## 紧急程度 (urgency)", "## 情绪 (feeling)", "较急+紧急 found"):
        assert name in out
    assert out.count("accuracy: model") == 3 and out.count("confusion (rules") == 3


def test_evaluate_holdout_trains_on_the_first_sample_and_tests_on_the_second_draw(tmp_path: Path) -> None:
    labels = _slice(tmp_path / "labels", 200)
    first = (labels / "labels.jsonl").read_text(encoding="utf-8").splitlines()
    texts = (labels / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    # the last 40 of the slice become the second draw (the sample is in the labels' order)
    order = [json.loads(line)["id"] for line in first]
    by_id = {json.loads(line)["id"]: line for line in texts}
    (labels / "labels.jsonl").write_text("\n".join(first[:160]) + "\n", encoding="utf-8")
    (labels / "sample.jsonl").write_text("\n".join(by_id[k] for k in order[:160]) + "\n", encoding="utf-8")
    (labels / "labels2.jsonl").write_text("\n".join(first[160:]) + "\n", encoding="utf-8")
    (labels / "sample2.jsonl").write_text("\n".join(by_id[k] for k in order[160:]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["understand", "evaluate", "--labels", str(labels), "--holdout"])
    assert result.exit_code == 0, result.output
    assert "trained on 163 messages (the other random draws and the targeted set), tested on 40 of the second" in result.output
    assert result.output.count("accuracy: model") == 3
    renamed = CliRunner().invoke(main, ["understand", "evaluate", "--labels", str(labels), "--holdout",
                                        "--real-names", "tipdm2020c"])  # fmt: skip
    assert renamed.exit_code == 0, renamed.output
    changed = int(renamed.output.split("real names in place of its codes: ")[1].split(" of 40")[0])
    assert 0 < changed <= 40 and renamed.output.count("accuracy: model") == 3
    for args, error in ((["--real-names", "tipdm2020c"], "give --holdout too"),
                        (["--holdout", "--real-names", "zh"], "has no real_names"),
                        (["--holdout", "--real-names", "nowhere.yaml"], "nowhere.yaml")):  # fmt: skip
        result = CliRunner().invoke(main, ["understand", "evaluate", "--labels", str(labels), *args])
        assert result.exit_code == 1 and error in result.output, result.output
    (labels / "labels2.jsonl").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["understand", "evaluate", "--labels", str(labels), "--holdout"])
    assert result.exit_code == 1 and "no labelled message of sample2.jsonl" in result.output


def test_missing_labels_are_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["understand", "evaluate", "--labels", str(tmp_path)])
    assert result.exit_code == 1 and "no sample.jsonl and labels.jsonl" in result.output
