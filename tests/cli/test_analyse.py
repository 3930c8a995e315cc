"""``massline analyse --data CSV --out CSV``: the exact contract other tools rely on."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from massline.cli import main

COLUMNS = ["留言编号", "地点", "行政区", "类型", "紧急程度", "情绪", "依据"]
HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级标签"]
ROWS = [
    ["301", "A001", "A5区潇楚佳苑小区搅拌站噪音扰民", "2020/1/6 12:09:38",
     "\n\t\t潇楚佳苑小区旁边的搅拌站日夜施工，多次投诉无人管，天理何在！！再不处理我们就找媒体曝光！", "环境保护"],
    ["17", "A002", "请问地铁3号线长乐县站何时开通", "2020-01-07", "地铁3号线长乐县何时开通？谢谢！", ""],
    ["5", "A003", "K8县红星小学门口有人非法经营", "2020-01-08",
     "举报K8县红星小学门口有人无证经营，售卖三无食品。", "商贸旅游"],
    ["4000", "A004", "建议增设公交线路", "2020-01-09", "建议在A市增设一条公交线路，方便市民出行。", ""],
]  # fmt: skip


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _analyse(tmp_path: Path, data: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["analyse", "--data", str(data), "--out", str(out), *extra])
    return result.exit_code, result.output, out


def _read(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel opens it"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_one_row_per_message_in_order_with_the_contract_columns(tmp_path: Path, encoding: str) -> None:
    code, output, out = _analyse(tmp_path, _write(tmp_path / "in.csv", ROWS, encoding=encoding))
    assert code == 0, output
    rows = _read(out)
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == ["301", "17", "5", "4000"]
    by_id = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]}
    first = by_id["301"]
    assert (first["地点"], first["行政区"], first["类型"], first["情绪"]) == ("潇楚佳苑小区", "A5区", "投诉", "愤怒")
    assert "潇楚佳苑小区" in first["依据"] and len(first["依据"]) <= 80
    assert by_id["17"]["行政区"] == "长乐县" and by_id["17"]["类型"] == "咨询"
    assert by_id["5"]["地点"] in ("红星小学", "K8县红星小学")  # the place may carry its administrative prefix
    assert (by_id["5"]["行政区"], by_id["5"]["类型"]) == ("K8县", "举报")
    assert by_id["4000"]["类型"] == "建言" and by_id["4000"]["地点"] == ""
    for row in rows[1:]:
        assert row[4] in ("紧急", "较急", "一般") and row[5] in ("平和", "不满", "愤怒")


def test_other_columns_are_ignored_and_their_order_does_not_matter(tmp_path: Path) -> None:
    header = ["留言详情", "备注", "留言主题", "留言编号"]
    rows = [[r[4], "忽略", r[2], r[0]] for r in ROWS]
    code, output, out = _analyse(tmp_path, _write(tmp_path / "in.csv", rows, header))
    assert code == 0, output
    (tmp_path / "full").mkdir()
    expected = _read(_analyse(tmp_path / "full", _write(tmp_path / "full" / "in.csv", ROWS))[2])
    assert _read(out) == expected


def test_a_missing_column_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    header = ["留言编号", "留言主题", "内容"]
    code, output, out = _analyse(tmp_path, _write(tmp_path / "in.csv", [r[:3] for r in ROWS], header))
    assert code != 0
    assert "留言详情" in output and "缺少列" in output and "missing" in output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "in.csv"], "no partial file left behind"


def test_an_unreadable_file_writes_nothing(tmp_path: Path) -> None:
    code, output, out = _analyse(tmp_path, tmp_path / "none.csv")
    assert code != 0 and "no such file" in output
    assert not out.exists()


def test_an_existing_output_is_kept_when_the_input_is_bad(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old", encoding="utf-8")
    code, _, _ = _analyse(tmp_path, _write(tmp_path / "in.csv", [["1", "x"]], ["留言编号", "留言主题"]))
    assert code != 0 and out.read_text(encoding="utf-8") == "old"


def test_the_general_profile_reads_real_place_names(tmp_path: Path) -> None:
    rows = [["9", "u", "长沙市天心区丽发新城小区附近搅拌站噪音扰民", "", "小区旁边搅拌站日夜施工。", ""]]
    code, output, out = _analyse(tmp_path, _write(tmp_path / "in.csv", rows), "--profile", "zh")
    assert code == 0, output
    assert _read(out)[1][1:3] == ["丽发新城小区", "天心区"]  # the most specific area


def test_the_demo_file_with_the_demo_deployment(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[2] / "massline" / "data" / "demo"
    deployment = str(demo / "deployment.yaml")
    code, output, out = _analyse(tmp_path, demo / "analyse.csv", "--deployment", deployment)
    assert code == 0, output
    rows = {r[0]: r for r in _read(out)[1:]}
    assert len(rows) == 60
    assert rows["JZ0005"][1:3] == ["临川区人民医院", "临川区"]  # the deployment's district, found in the text
    assert {r[3] for r in rows.values()} >= {"投诉", "咨询", "建言", "举报", "表扬"}


def test_a_bad_deployment_or_profile_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    data = _write(tmp_path / "in.csv", ROWS)
    for extra in (("--profile", "nowhere"), ("--deployment", str(tmp_path / "none.yaml"))):
        code, output, out = _analyse(tmp_path, data, *extra)
        assert code != 0 and "Error" in output
        assert not out.exists()


def test_two_processes_give_the_same_rows_in_the_same_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from massline.cli import analyse_cmd, parallel

    monkeypatch.setattr(analyse_cmd, "_BATCH", 3)  # several batches from a small file
    rows = [[f"{n}{row[0]}", *row[1:]] for n in range(4) for row in ROWS]  # 16 messages
    data = _write(tmp_path / "in.csv", rows)
    outputs = []
    for jobs in ("1", "2"):
        code, output, out = _analyse(tmp_path, data, "--jobs", jobs)
        assert code == 0, output
        outputs.append(_read(out))
    assert outputs[0] == outputs[1] and [r[0] for r in outputs[0][1:]] == [r[0] for r in rows]
    assert parallel.free_cores(10, 2000) == 1  # a small file stays in one process
