"""``massline replies review --data CSV --out CSV``: the exact contract other tools rely on."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from massline.cli import main

COLUMNS = ["留言编号", "相关性", "完整性", "可解释性", "及时性", "具体性", "平实度", "总分", "问题"]
HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间", "点赞数"]
GOOD = (
    "网友您好！经现场查看，A小区门口的3盏路灯因线路老化损坏，区城管局已于5月6日更换线路，路灯已恢复照明。"
    "小区垃圾站因清运车辆故障停运三天，区环卫所已于5月5日清运完毕，今后每天清运一次。"
    "如有问题请联系环卫所王站长，电话0731-12345678。2020年5月8日"
)
ROWS = [
    ["11", "U1", "A小区门口路灯不亮和垃圾站未清运", "2020/5/1 9:32:09",
     "\n\t\t小区门口路灯坏了一个月，晚上很黑。请问何时修复？另外小区垃圾站三天没清运，臭气熏天，希望尽快清运。",
     GOOD, "2020/5/8 10:00:00", "3"],
    ["12", "U2", "A小区门口路灯不亮和垃圾站未清运", "2020-05-01 09:32:09",
     "小区门口路灯坏了一个月，晚上很黑。请问何时修复？另外小区垃圾站三天没清运，臭气熏天，希望尽快清运。",
     "您反映的问题我们高度重视，相关部门正在积极协调，进一步加强管理，尽快予以处理。感谢您对我们工作的关心和支持！",
     "2020-06-20 10:00:00", "0"],
    ["13", "U3", "B县学校收费", "昨天下午", "请问B县二中住宿费每学期多少钱？", "", "不知道", ""],
]  # fmt: skip


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _review(tmp_path: Path, data: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(main, ["replies", "review", "--data", str(data), "--out", str(out), *extra])
    return result.exit_code, result.output, out


def _read(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel opens it"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == COLUMNS
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_one_row_per_input_row_with_the_contract_columns(tmp_path: Path, encoding: str) -> None:
    code, output, out = _review(tmp_path, _write(tmp_path / "in.csv", ROWS, encoding=encoding))
    assert code == 0, output
    rows = _read(out)
    assert [r["留言编号"] for r in rows] == ["11", "12", "13"]
    good, formulaic, bad = rows
    for row in (good, formulaic):
        assert all(0.0 <= float(row[c]) <= 1.0 for c in COLUMNS[1:8])
    assert float(good["总分"]) > float(formulaic["总分"]) + 0.2
    assert float(good["及时性"]) == 1.0 and float(formulaic["及时性"]) < 0.5  # 50 days against 15
    assert "「高度重视」" in formulaic["问题"] and "平实度" in formulaic["问题"]
    assert "没有答复意见" in bad["问题"] and "无法识别" in bad["问题"]  # a finding, not a crash
    assert float(bad["及时性"]) == 0.5


def test_the_deadline_option_and_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _write(tmp_path / "in.csv", ROWS[1:2])
    code, output, out = _review(tmp_path, data, "--deadline-days", "60")
    assert code == 0, output
    assert float(_read(out)[0]["及时性"]) == 1.0  # 50 days within 60
    monkeypatch.setenv("MASSLINE_DEFAULT_DEADLINE_DAYS", "60")
    code, output, out = _review(tmp_path, data)
    assert code == 0, output
    assert float(_read(out)[0]["及时性"]) == 1.0


def test_a_missing_column_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "答复意见"]
    data = _write(tmp_path / "in.csv", [[c for i, c in enumerate(r) if HEADER[i] != "答复意见"] for r in ROWS], header)
    code, output, out = _review(tmp_path, data)
    assert code != 0 and "答复意见" in output
    assert not out.exists()
    code, output, _ = _review(tmp_path, tmp_path / "nothing.csv")
    assert code != 0 and "不存在" in output


def test_a_short_row_gets_a_row(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text(",".join(HEADER) + "\n21,U1,只有标题\n", encoding="utf-8")
    code, output, out = _review(tmp_path, data)
    assert code == 0, output
    (row,) = _read(out)
    assert row["留言编号"] == "21" and "没有答复意见" in row["问题"]


def test_the_command_runs_as_a_program(tmp_path: Path) -> None:
    data = _write(tmp_path / "in.csv", ROWS[:1])
    out = tmp_path / "out.csv"
    command = [sys.executable, "-m", "massline.cli", "replies", "review", "--data", str(data), "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert "reviewed 1 replies" in result.stderr
    assert _read(out)[0]["留言编号"] == "11"


def test_a_file_reviewed_on_two_cores_gives_the_same_rows_in_order(tmp_path: Path) -> None:
    rows = [[str(100 + i), *row[1:]] for i, row in enumerate(ROWS * 20)]
    data = _write(tmp_path / "in.csv", rows)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.csv"
        command = [sys.executable, "-m", "massline.cli", "replies", "review", "--data", str(data), "--out", str(out),
                   "--jobs", jobs]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        assert result.returncode == 0, result.stderr
        outputs.append(_read(out))
    assert [r["留言编号"] for r in outputs[1]] == [str(100 + i) for i in range(len(rows))]
    assert outputs[0] == outputs[1]


def test_a_large_file_uses_the_free_cores_and_a_small_one_a_single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from massline.cli import replies_cmd

    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    monkeypatch.setattr("os.getloadavg", lambda: (0.2, 0.2, 0.2))
    assert replies_cmd.default_jobs(replies_cmd.PARALLEL_ROWS) == 2
    assert replies_cmd.default_jobs(replies_cmd.PARALLEL_ROWS - 1) == 1
    monkeypatch.setattr("os.getloadavg", lambda: (15.0, 14.0, 12.0))  # a busy machine: no pool
    assert replies_cmd.default_jobs(10_000) == 1
