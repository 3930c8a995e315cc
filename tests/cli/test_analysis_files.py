"""``massline hot`` and ``massline classify`` read the platform's own export (CSV, XLSX) as well as other files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from massline.cli import classify_cmd, hot_cmd
from massline.config import get_settings
from massline.platform import Platform
from massline.services.casework import EXPORT_COLUMNS
from tests.analysis.issues.fixtures import NOISE_A, PARKING_A, SINGLETONS

HEADER = ["编号", "标题", "内容", "领域", "时间", "点赞"]
MAPS = ("external_id=编号", "title=标题", "body=内容", "category=领域", "created_at=时间", "supports=点赞",
        "kind==投诉")  # fmt: skip


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, deployed: Platform) -> Iterator[Platform]:
    monkeypatch.setenv("MASSLINE_ENVIRONMENT", "test")
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(deployed.settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", deployed.settings.database_url)
    get_settings.cache_clear()
    yield deployed
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    """Run a command of ``massline`` (import and export need the ``cli_env`` deployment)."""
    from massline.cli import main

    return CliRunner().invoke(main, list(args))


def analyse(*args: str) -> Result:
    """Run ``hot`` or ``classify``: they read files only, no deployment."""
    group = click.Group("massline")
    hot_cmd.register(group)
    classify_cmd.register(group)
    return CliRunner().invoke(group, list(args))


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def real_names(text: str) -> str:
    return text.replace("A市", "测试市").replace("A1区", "东城区")


@pytest.fixture
def exported(cli_env: Platform, tmp_path: Path) -> Path:
    """A deployment's messages exported to export.csv and export.xlsx in a folder."""
    groups = ((PARKING_A, "城乡建设", 5), (NOISE_A, "环境保护", 1), (SINGLETONS, "交通运输", 0))
    rows = [
        [f"M{g}{i}", real_names(title), real_names(body), label, f"2024-03-{i + 1 + 8 * g:02d} 09:00:00", str(likes)]
        for g, (items, label, likes) in enumerate(groups)
        for i, (title, body) in enumerate(items)
    ]
    rows.append(["M99", "感谢热心市民", "想对昨天在公园帮助我的那位热心人表示感谢，谢谢你。", "", "2024-03-30 10:00:00", ""])
    source = tmp_path / "in.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    maps = [a for pair in MAPS for a in ("--map", pair)]
    done = invoke("import", str(source), *maps, "--region", "cs-dc", "--source", "hotline")
    assert done.exit_code == 0 and f"imported {len(rows)} of {len(rows)}" in done.output, done.output
    folder = tmp_path / "export"
    for name in ("export.csv", "export.xlsx"):
        result = invoke("export", str(folder / name))
        assert result.exit_code == 0 and f"exported {len(rows)} messages" in result.output, result.output
    return folder


def test_hot_reads_an_export_as_csv_xlsx_and_jsonl(exported: Path, tmp_path: Path) -> None:
    header, rows = read_csv(exported / "export.csv")
    with (tmp_path / "export.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n")
    results = {}
    for path in (exported / "export.csv", exported / "export.xlsx", tmp_path / "export.jsonl"):
        out = tmp_path / f"hot-{path.suffix[1:]}"
        result = analyse("hot", "--data", str(path), "--top", "3", "--out", str(out))
        assert result.exit_code == 0, result.output
        results[path.suffix] = (read_csv(out / "hot_issues.csv"), read_csv(out / "hot_issue_messages.csv"))
    (_, issues), (message_header, messages) = results[".csv"]
    assert message_header == ["问题ID", "追踪码", "标题", "留言时间", "内容", "点赞数"]
    parking = [m for m in messages if m[0] == issues[0][1]]
    assert "阳光花园" in issues[0][4] and "车位" in issues[0][5] and len(parking) >= 6
    assert all("车位" in m[2] + m[4] for m in parking)
    assert results[".xlsx"] == results[".csv"] == results[".jsonl"]


def test_classify_trains_on_an_export_and_predicts_next_to_its_columns(exported: Path, tmp_path: Path) -> None:
    header, rows = read_csv(exported / "export.csv")
    labelled = [r for r in rows if r[header.index("领域")]]
    assert 0 < len(labelled) < len(rows)  # the message without a category is not training data
    model = tmp_path / "m.joblib"
    result = analyse("classify", "train", "--data", str(exported / "export.csv"), "--model", str(model))
    assert result.exit_code == 0, result.output
    assert f"trained on {len(labelled)} rows, 3 classes (交通运输, 城乡建设, 环境保护)" in result.output  # sorted
    out = tmp_path / "predicted.csv"
    result = analyse("classify", "predict", "--model", str(model), "--data", str(exported / "export.xlsx"),
                    "--out", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    predicted_header, predicted = read_csv(out)
    assert predicted_header == [*EXPORT_COLUMNS, "predicted", "confidence"]
    assert [r[0] for r in predicted] == [r[0] for r in rows]  # every message, in order, with its columns
    by_title = {r[2]: r[-2] for r in predicted}
    assert by_title[real_names(PARKING_A[1][0])] == "城乡建设" and by_title[NOISE_A[0][0]] == "环境保护"


def test_contest_files_are_recognised_without_a_profile(tmp_path: Path) -> None:
    contest = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"]
    rows = [[str(i), f"U{i}", title, f"2019/2/{i + 1} 11:25:05", body, "1", "0"] for i, (title, body) in
            enumerate(PARKING_A + NOISE_A)]  # fmt: skip
    data = tmp_path / "hot_messages.csv"
    with data.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([contest, *rows])
    result = analyse("hot", "--data", str(data), "--top", "2", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert read_csv(tmp_path / "out" / "hot_issue_messages.csv")[0] == ["问题ID", *contest]
    labelled = tmp_path / "labelled.csv"
    with labelled.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["留言主题", "留言详情", "一级标签"]] + [
            [title, body, "城乡建设" if i < len(PARKING_A) else "环境保护"] for i, (title, body) in
            enumerate(PARKING_A + NOISE_A)
        ])  # fmt: skip
    result = analyse("classify", "train", "--data", str(labelled), "--model", str(tmp_path / "m.joblib"))
    assert result.exit_code == 0 and f"trained on {len(rows)} rows, 2 classes" in result.output, result.output


@pytest.mark.parametrize("command", ["hot", "predict", "train"])
def test_an_unrecognised_file_is_refused_clearly(tmp_path: Path, command: str) -> None:
    data = tmp_path / "other.csv"
    data.write_text("编号,正文,日期\n1,东城区路灯坏了一个月,2024-03-01\n", encoding="utf-8")
    args = {
        "hot": ["hot", "--data", str(data), "--out", str(tmp_path / "out")],
        "predict": ["classify", "predict", "--model", str(tmp_path / "m"), "--data", str(data), "--out",
                    str(tmp_path / "p.csv")],
        "train": ["classify", "train", "--data", str(data), "--model", str(tmp_path / "m")],
    }[command]  # fmt: skip
    if command == "predict":
        assert analyse("classify", "train", "--data", str(_titles(tmp_path)), "--model", str(tmp_path / "m")).exit_code == 0
    result = analyse(*args)
    assert result.exit_code != 0
    text = result.output
    assert text.startswith("Error: ") and text.count("\n") == 1
    assert "认不出留言文件的列 / cannot recognise the columns" in text and "缺少列 missing column(s)" in text
    assert "massline-export: 标题 或/or 内容" in text and "tipdm2020c: 留言主题" in text
    assert "the file has: 编号, 正文, 日期" in text and "--mapping" in text
    assert not (tmp_path / "out").exists() and not (tmp_path / "p.csv").exists()


def _titles(tmp_path: Path) -> Path:
    path = tmp_path / "titles.csv"
    rows = [[t, "城乡建设"] for t, _ in PARKING_A] + [[t, "环境保护"] for t, _ in NOISE_A]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["标题", "领域"], *rows])
    return path
