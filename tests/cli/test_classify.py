"""CLI contract of ``massline classify train|predict`` and ``massline eval classify``."""

from __future__ import annotations

import csv
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from massline.cli.classify_cmd import register

ROWS = {
    "交通运输": [
        "公交车站台破损需要维修",
        "路口红绿灯时间太短",
        "地铁站出口拥堵",
        "出租车拒载乘客",
        "公路坑洼不平车辆危险",
        "公交线路调整出行不便",
        "高速收费站排队严重",
        "公交车司机开车太快",
    ],
    "教育文体": [
        "学校食堂饭菜质量差",
        "小学入学报名材料",
        "教师工资拖欠多月",
        "幼儿园收费过高",
        "中学补课乱收费",
        "学生校服价格太贵",
        "学校操场年久失修",
        "学区划分不合理上学远",
    ],
    "环境保护": [
        "工厂排放废气污染空气",
        "河流被污水污染发臭",
        "夜间施工噪音扰民",
        "垃圾焚烧厂气味难闻",
        "养猪场粪便污染水源",
        "化工厂排污河水变黑",
        "工地扬尘污染严重",
        "电镀厂偷排废水",
    ],
}
HEADER = ["留言编号", "留言主题", "留言时间", "留言详情", "一级标签"]
CONTEST = ("--profile", "tipdm2020c")  # the files have the contest's columns


@pytest.fixture
def cli() -> click.Group:
    root = click.Group("massline")
    register(root)
    return root


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def labelled_csv(path: Path) -> Path:
    rows = []
    for n, (label, titles) in enumerate((k, v) for k, v in ROWS.items()):
        for i, title in enumerate(titles):
            detail = f"\n\t\t\t{title}，\n请尽快处理。\n\t\t"  # multiline, like the scrape
            rows.append([f"{n}{i}", title, "2020/1/6 12:09:38", detail, label])
    return write_csv(path, HEADER, rows)


@pytest.fixture
def model(cli: click.Group, tmp_path: Path) -> Path:
    data = labelled_csv(tmp_path / "train.csv")
    path = tmp_path / "model.joblib"
    result = CliRunner().invoke(cli, ["classify", "train", *CONTEST, "--data", str(data), "--model", str(path)])
    assert result.exit_code == 0, result.output
    assert "24 rows, 3 classes" in result.output
    return path


def test_train_writes_the_current_model_format(model: Path) -> None:
    from massline.analysis.classify.model import MODEL_FORMAT_VERSION, CategoryClassifier

    header = CategoryClassifier.read_header(model)
    assert header["format_version"] == MODEL_FORMAT_VERSION == 2
    assert header["params"]["estimators"] == "nbsvm"


def test_predict_refuses_an_unknown_model_format(cli: click.Group, model: Path, tmp_path: Path) -> None:
    import joblib

    payload = joblib.load(model)
    payload["header"]["format_version"] = 99
    future = tmp_path / "future.joblib"
    joblib.dump(payload, future)
    data = write_csv(tmp_path / "d.csv", ["留言主题"], [["公交"]])
    result = CliRunner().invoke(
        cli,
        [
            "classify",
            "predict",
            *CONTEST,
            "--model",
            str(future),
            "--data",
            str(data),
            "--out",
            str(tmp_path / "o.csv"),
        ],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "model format version 99 is not supported" in result.output and "retrain" in result.output


def test_predict_writes_original_columns_plus_two(cli: click.Group, model: Path, tmp_path: Path) -> None:
    data = write_csv(
        tmp_path / "new.csv",
        ["编号", "留言主题", "留言详情", "备注"],
        [
            ["1", "公交车太挤", "早高峰\n公交车拥挤", "a,b"],
            ["2", "学校乱收补课费", "", '引号"测试'],
            ["3", "工厂废水污染河流", "\t\t污水", ""],
        ],
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, ["classify", "predict", *CONTEST, "--model", str(model), "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["编号", "留言主题", "留言详情", "备注", "predicted", "confidence"]
    assert [r[:4] for r in rows[1:]] == [
        ["1", "公交车太挤", "早高峰\n公交车拥挤", "a,b"],
        ["2", "学校乱收补课费", "", '引号"测试'],
        ["3", "工厂废水污染河流", "\t\t污水", ""],
    ]
    assert [r[4] for r in rows[1:]] == ["交通运输", "教育文体", "环境保护"]
    assert all(0.0 < float(r[5]) <= 1.0 for r in rows[1:])


def test_predict_writes_xlsx_when_out_ends_in_xlsx(cli: click.Group, model: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    data = write_csv(tmp_path / "new.csv", ["编号", "留言主题"], [["1", "公交车太挤"], ["2", "=学校乱收补课费"]])
    out = tmp_path / "out.XLSX"
    result = CliRunner().invoke(
        cli, ["classify", "predict", *CONTEST, "--model", str(model), "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [list(r) for r in load_workbook(out, read_only=True).active.iter_rows(values_only=True)]
    assert rows[0] == ["编号", "留言主题", "predicted", "confidence"]
    assert [r[:3] for r in rows[1:]] == [["1", "公交车太挤", "交通运输"], ["2", "'=学校乱收补课费", "教育文体"]]


@pytest.mark.parametrize("name", ["out.json", "out.xls", "out"])
def test_predict_refuses_an_out_it_cannot_write(cli: click.Group, model: Path, tmp_path: Path, name: str) -> None:
    data = write_csv(tmp_path / "new.csv", ["留言主题"], [["公交车太挤"]])
    out = tmp_path / name
    result = CliRunner().invoke(
        cli, ["classify", "predict", *CONTEST, "--model", str(model), "--data", str(data), "--out", str(out)]
    )
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "--out must end in .csv or .xlsx" in result.output and not out.exists()


def test_train_with_other_columns_title_only(cli: click.Group, tmp_path: Path) -> None:
    rows = [[title, label] for label, titles in ROWS.items() for title in titles]
    data = write_csv(tmp_path / "titles.csv", ["title", "cat"], rows, bom=False)
    tax = write_csv(
        tmp_path / "tax.csv",
        ["一级分类", "二级分类", "三级分类"],
        [["交通运输", "公共交通", "公交客运"]],
    )
    unl = write_csv(tmp_path / "unl.csv", ["title"], [["公交车晚点"], ["学校收费"]])
    path = tmp_path / "m.joblib"
    result = CliRunner().invoke(
        cli,
        [
            "classify", "train", *CONTEST, "--data", str(data), "--model", str(path),
            "--title-col", "title", "--label-col", "cat",
            "--taxonomy", str(tax), "--unlabeled", str(unl),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 unlabelled" in result.output
    assert path.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "missing.csv"], "missing.csv: no such file"),
        (["--data", "{empty}"], "empty file"),
        (["--data", "{header_only}"], "no data rows"),
        (["--data", "{train}", "--label-col", "类别"], "缺少列 missing column(s) 类别"),
        (["--data", "{train}", "--title-col", "标题"], "缺少列 missing column(s) 标题"),
        (["--data", "{one_class}"], "at least two distinct labels"),
    ],
)
def test_train_errors_are_one_line(cli: click.Group, tmp_path: Path, args: list[str], message: str) -> None:
    files = {
        "empty": tmp_path / "empty.csv",
        "header_only": write_csv(tmp_path / "h.csv", HEADER, []),
        "train": labelled_csv(tmp_path / "train.csv"),
        "one_class": write_csv(tmp_path / "one.csv", ["留言主题", "一级标签"], [["a", "x"]] * 3),
    }
    files["empty"].write_bytes(b"")
    args = [a.format(**{k: str(v) for k, v in files.items()}) for a in args]
    result = CliRunner().invoke(cli, ["classify", "train", *CONTEST, *args, "--model", str(tmp_path / "m.joblib")])
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_predict_errors(cli: click.Group, model: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad_model = tmp_path / "bad.joblib"
    bad_model.write_text("nope")
    data = write_csv(tmp_path / "d.csv", ["text"], [["公交"]])
    out = str(tmp_path / "o.csv")
    cases = [
        (["--model", str(tmp_path / "none"), "--data", str(data)], "no such model file"),
        (["--model", str(bad_model), "--data", str(data)], "not a readable model file"),
        (["--model", str(model), "--data", str(data)], "缺少列 missing column(s) — tipdm2020c: 留言主题 或/or 留言详情;"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, ["classify", "predict", *CONTEST, *args, "--out", out])
        assert result.exit_code == 1, result.output
        assert message in result.output and result.output.count("\n") == 1


def test_eval_classify_reports_scores(cli: click.Group, tmp_path: Path) -> None:
    data = labelled_csv(tmp_path / "train.csv")
    extra = write_csv(
        tmp_path / "extra.csv",
        ["留言主题", "一级标签"],
        [["公交车站台破损需要维修", "交通运输"], ["学校图书馆开放时间", "教育文体"]],
    )
    result = CliRunner().invoke(
        cli,
        ["eval", "classify", *CONTEST, "--data", str(data), "--folds", "3", "--extra-train", str(extra)],
    )
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output
    assert "3-fold CV" in result.output
    assert "messages/s" in result.output
    assert "confusion matrix" in result.output
    assert "dropped as near-duplicates" in result.output  # the copied title
    assert "expected calibration error" in result.output
    assert "below the review threshold 0.5" in result.output
    for label in ROWS:
        assert label in result.output


def test_eval_classify_too_few_rows(cli: click.Group, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "few.csv", ["留言主题", "一级标签"], [["公交", "a"], ["学校", "b"]] * 2)
    result = CliRunner().invoke(cli, ["eval", "classify", *CONTEST, "--data", str(data)])
    assert result.exit_code == 1
    assert "at least 5" in result.output


def test_register_reuses_existing_eval_group() -> None:
    root = click.Group("massline")
    existing = click.Group("eval")
    root.add_command(existing)
    register(root)
    assert "classify" in existing.commands
    assert set(root.commands) == {"classify", "eval"}
