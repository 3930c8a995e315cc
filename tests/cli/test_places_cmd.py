"""``massline places train`` and ``evaluate`` on a labels folder (sample.jsonl + labels.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from massline.analysis.places import GENERAL, PlaceTagger
from massline.cli import main

MESSAGES = [
    ("潇楚佳苑小区停车乱收费", "长乐县潇楚佳苑小区物业乱收停车费。", "潇楚佳苑小区", "compound", "长乐县"),
    ("芙蓉中路积水严重", "岳麓区芙蓉中路每逢下雨就积水。", "芙蓉中路", "road", "岳麓区"),
    ("明德中学门口拥堵", "开福区明德中学门口上下学时段拥堵。", "明德中学", "school", "开福区"),
    ("关于公交线路的建议", "建议长沙市增开公交线路。", "", "none", "长沙市"),
]


def _labels(folder: Path) -> Path:
    folder.mkdir()
    with (
        (folder / "sample.jsonl").open("w", encoding="utf-8") as sample,
        (folder / "labels.jsonl").open("w", encoding="utf-8") as labels,
    ):
        for i, (title, body, place, place_type, area) in enumerate(MESSAGES * 3):
            sample.write(json.dumps({"id": f"m:{i}", "title": title, "body": body}, ensure_ascii=False) + "\n")
            row = {"id": f"m:{i}", "place": place, "place_type": place_type, "area": area}
            labels.write(json.dumps(row, ensure_ascii=False) + "\n")
    return folder


def test_train_writes_a_model_the_tagger_reads(tmp_path: Path) -> None:
    labels, model = _labels(tmp_path / "labels"), tmp_path / "places.crfsuite"
    result = CliRunner().invoke(
        main, ["places", "train", "--labels", str(labels), "--profile", "zh", "--out", str(model)]
    )
    assert result.exit_code == 0, result.output
    assert "trained on 12 messages" in result.output and (tmp_path / "places.ranker.json").is_file()
    place = PlaceTagger(model, GENERAL).place("芙蓉中路积水严重", "岳麓区芙蓉中路每逢下雨就积水。")
    assert place is not None and place.text == "芙蓉中路"


def test_evaluate_prints_the_extractor_and_the_baseline(tmp_path: Path) -> None:
    labels = _labels(tmp_path / "labels")
    result = CliRunner().invoke(
        main, ["places", "evaluate", "--labels", str(labels), "--profile", "zh", "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "extractor (2-fold): 12 messages: place exact" in result.output and "bare" in result.output
    assert "recall by type: compound" in result.output
    assert "the same CRF, hand-weighted choice: 12 messages" in result.output
    assert "suffix rules (baseline): 12 messages" in result.output


def test_the_second_draw_is_read_and_is_the_held_out_set(tmp_path: Path) -> None:
    labels = _labels(tmp_path / "labels")
    second = [("麓谷小学门口积水", "岳麓区麓谷小学门口积水。", "麓谷小学", "school", "岳麓区")] * 2
    with (
        (labels / "sample2.jsonl").open("w", encoding="utf-8") as sample,
        (labels / "labels2.jsonl").open("w", encoding="utf-8") as rows,
    ):
        for i, (title, body, place, place_type, area) in enumerate(second):
            sample.write(json.dumps({"id": f"s2:{i}", "title": title, "body": body}, ensure_ascii=False) + "\n")
            row = {"id": f"s2:{i}", "place": place, "place_type": place_type, "area": area}
            rows.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = CliRunner().invoke(
        main, ["places", "evaluate", "--labels", str(labels), "--profile", "zh", "--folds", "2"]
    )
    assert result.exit_code == 0 and "extractor (2-fold): 14 messages" in result.output, result.output
    result = CliRunner().invoke(main, ["places", "evaluate", "--labels", str(labels), "--profile", "zh", "--holdout"])
    assert result.exit_code == 0, result.output
    assert "tested on sample2)): 2 messages" in result.output and "misses: length" in result.output
    assert "suffix rules (baseline): 2 messages" in result.output


def test_train_without_labels_fails_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["places", "train", "--labels", str(tmp_path), "--out", str(tmp_path / "m")])
    assert result.exit_code == 1 and "no sample.jsonl and labels.jsonl" in result.output


def _titles(labels: Path) -> None:
    rows = [("红枫岭书院乱收费", "红枫岭书院", "school"), ("关于公交线路的建议", "", "none"),
            ("潇楚佳苑小区停车乱收费", "潇楚佳苑小区", "compound")]  # fmt: skip
    with (
        (labels / "sample_titles.jsonl").open("w", encoding="utf-8") as sample,
        (labels / "labels_titles.jsonl").open("w", encoding="utf-8") as out,
    ):
        for i, (title, place, place_type) in enumerate(rows):
            sample.write(json.dumps({"id": f"t:{i}", "title": title}, ensure_ascii=False) + "\n")
            row = {"id": f"t:{i}", "place": place, "place_type": place_type, "area": ""}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def test_the_labelled_titles_only_add_training_examples(tmp_path: Path) -> None:
    labels, model = _labels(tmp_path / "labels"), tmp_path / "places.crfsuite"
    _titles(labels)
    args = ["--labels", str(labels), "--profile", "zh"]
    result = CliRunner().invoke(main, ["places", "train", *args, "--out", str(model)])
    assert result.exit_code == 0 and "trained on 12 messages and 1 titles" in result.output, result.output
    # two of the three titles are titles of labelled messages: never trained on twice, never tested on
    result = CliRunner().invoke(main, ["places", "evaluate", *args, "--folds", "2"])
    assert result.exit_code == 0, result.output
    assert "(1 labelled titles without a body added" in result.output and "(2-fold): 12 messages" in result.output
    result = CliRunner().invoke(main, ["places", "train", *args, "--no-titles", "--out", str(model)])
    assert "trained on 12 messages and 0 titles" in result.output


def test_the_crf_trains_on_reproducible_copies_when_asked(tmp_path: Path) -> None:
    labels = _labels(tmp_path / "labels")
    with (labels / "sample.jsonl").open("a", encoding="utf-8") as sample, (labels / "labels.jsonl").open("a") as rows:
        sample.write(json.dumps({"id": "m:c", "title": "枫林绿洲噪音", "body": "枫林绿洲旁工地夜间施工。"}) + "\n")
        rows.write(json.dumps({"id": "m:c", "place": "枫林绿洲", "place_type": "compound", "area": ""}) + "\n")
    profile = tmp_path / "board.yaml"
    profile.write_text("name: board\nreal_names:\n  长乐县: 宁乡县\n  岳麓区: 天心区\n", encoding="utf-8")
    args = ["places", "train", "--labels", str(labels), "--profile", str(profile), "--max-iterations", "20"]
    models = []
    for name, more in (("plain", ["--no-renamed"]), ("a", ["--copies", "2"]), ("b", ["--copies", "2", "--renamed"]),
                       ("c", ["--copies", "2", "--no-renamed"])):  # fmt: skip (renamed copies: the default)
        result = CliRunner().invoke(main, [*args, *more, "--out", str(tmp_path / f"{name}.crfsuite")])
        assert result.exit_code == 0, result.output
        models.append((tmp_path / f"{name}.crfsuite").read_bytes())
    plain, first, again, unrenamed = models
    assert first == again and len({plain, first, unrenamed}) == 3
    result = CliRunner().invoke(main, ["places", "evaluate", "--labels", str(labels), "--profile", "zh", "--folds", "2",
                                       "--copies", "1", "--max-iterations", "20"])  # fmt: skip
    assert result.exit_code == 0 and "extractor (2-fold): 13 messages" in result.output, result.output
