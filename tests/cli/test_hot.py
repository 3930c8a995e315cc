from __future__ import annotations

import csv
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from massline.cli.hot_cmd import ISSUE_COLUMNS, parse_time, register
from tests.analysis.issues.fixtures import synthetic_docs

# The messages are written as on the contest board, in its files' columns.
PROFILE = ("--profile", "tipdm2020c")
COLUMNS = ("留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数")
MESSAGE_COLUMNS = ("问题ID", *COLUMNS)


@click.group()
def cli() -> None:
    """Throwaway group for the hot command."""


register(cli)


def _write(path: Path, rows: list[list[str]], header: tuple[str, ...] = COLUMNS, bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _rows() -> list[list[str]]:
    docs, _ = synthetic_docs()
    out = []
    for i, d in enumerate(docs):
        assert d.time is not None
        stamp = f"{d.time:%Y/%-m/%-d %H:%M:%S}" if i % 2 else f"{d.time:%Y-%m-%d %H:%M:%S}"
        body = "\n\t\t" + d.body + "\n第二行，"  # multiline field
        out.append([str(1000 + i), d.author, d.title, stamp, body, str(d.support), str(d.opposition)])
    return out


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_contract(tmp_path: Path) -> None:
    data = _write(tmp_path / "in.csv", _rows())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["hot", "--data", str(data), "--top", "2", "--out", str(out), *PROFILE])
    assert result.exit_code == 0, result.output
    header, issues = _read(out / "hot_issues.csv")
    assert tuple(header) == ISSUE_COLUMNS
    assert [r[0] for r in issues] == ["1", "2"]
    assert float(issues[0][2]) >= float(issues[1][2])
    assert "阳光花园" in issues[0][4] and "车位" in issues[0][5]
    assert issues[0][3] == "2024/03/01 至 2024/03/21"
    mheader, messages = _read(out / "hot_issue_messages.csv")
    assert tuple(mheader) == MESSAGE_COLUMNS
    first = [m for m in messages if m[0] == issues[0][1]]
    assert len(first) == 10 and all("阳光花园" in m[3] for m in first)
    assert {m[0] for m in messages} == {issues[0][1], issues[1][1]}
    assert "\n第二行" in first[0][5]  # the original detail, multiline, untouched
    assert sorted(m[0] for m in messages if m[0] not in ("1", "2")) == []


def test_min_messages_and_reference_time(tmp_path: Path) -> None:
    data = _write(tmp_path / "in.csv", _rows(), bom=False)
    out = tmp_path / "o"
    args = ["hot", "--data", str(data), "--top", "50", "--out", str(out), "--min-messages", "1", *PROFILE]
    result = CliRunner().invoke(cli, [*args, "--reference-time", "2024-12-31 00:00:00"])
    assert result.exit_code == 0, result.output
    assert len(_read(out / "hot_issues.csv")[1]) == 6  # 3 issues + 3 singletons
    result = CliRunner().invoke(cli, ["hot", "--data", str(data), "--out", str(out), "--top", "50", *PROFILE])
    assert len(_read(out / "hot_issues.csv")[1]) == 3


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing_file", "no such file"),
        ("empty", "empty file"),
        ("no_rows", "no data rows"),
        ("missing_column", "缺少列 missing column(s) — tipdm2020c: 留言主题 或/or 留言详情; generic: 标题 或/or 内容;"),
        ("missing_time", "tipdm2020c: 留言时间; generic: 标题 或/or 内容, 留言时间;"),
        ("bad_time", "row 3 (留言编号 '1001'): cannot parse 留言时间 'yesterday'"),
        ("bad_count", "row 2 (留言编号 '1000'): 反对数 is not a non-negative integer: 'x'"),
    ],
)
def test_bad_input(tmp_path: Path, setup: str, message: str) -> None:
    path = tmp_path / "in.csv"
    rows = _rows()
    if setup == "empty":
        path.write_text("", encoding="utf-8")
    elif setup == "no_rows":
        _write(path, [])
    elif setup == "missing_column":
        _write(path, [r[:2] + r[3:4] + r[5:] for r in rows], ("留言编号", "留言用户", "留言时间", "点赞数", "反对数"))
    elif setup == "missing_time":
        _write(path, [r[:3] + r[4:] for r in rows], tuple(c for c in COLUMNS if c != "留言时间"))
    elif setup == "bad_time":
        rows[1][3] = "yesterday"
        _write(path, rows)
    elif setup == "bad_count":
        rows[0][6] = "x"
        _write(path, rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["hot", "--data", str(path), "--out", str(out), *PROFILE])
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


def test_generic_columns_and_real_names_by_default(tmp_path: Path) -> None:
    generic = ("外部编号", "称呼", "标题", "留言时间", "内容", "点赞数", "反对数")
    real = [[r[0], r[1], r[2].replace("A市", "长沙市").replace("A1区", "芙蓉区"), *r[3:]] for r in _rows()]
    data = _write(tmp_path / "in.csv", real, generic)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["hot", "--data", str(data), "--top", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    _, issues = _read(out / "hot_issues.csv")
    assert "阳光花园" in issues[0][4] and "车位" in issues[0][5]
    assert _read(out / "hot_issue_messages.csv")[0] == ["问题ID", *generic]


def test_parse_time_formats() -> None:
    assert parse_time("2019/2/28 11:25:05").isoformat() == "2019-02-28T11:25:05+08:00"
    assert parse_time("2017-06-08 17:31:20").hour == 17
    assert parse_time("2019-12-11").day == 11
    with pytest.raises(ValueError):
        parse_time("2019-13")


def test_output_cells_never_start_a_formula(tmp_path: Path) -> None:
    rows = [[r[0], "@" + r[1], *r[2:]] for r in _rows()]  # "@name" would be a formula in a spreadsheet
    data = _write(tmp_path / "in.csv", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["hot", "--data", str(data), "--top", "2", "--out", str(out), *PROFILE])
    assert result.exit_code == 0, result.output
    _, messages = _read(out / "hot_issue_messages.csv")
    assert messages and all(m[2].startswith("'@") for m in messages)
    assert all("阳光花园" in m[3] for m in messages if m[0] == "1")  # ordinary text untouched


def test_optional_columns_may_be_missing(tmp_path: Path) -> None:
    # no id, author or counts: messages are keyed by row, counts are 0
    keep = (2, 3, 4)
    rows = [[r[i].replace("A市", "长沙市").replace("A1区", "芙蓉区") for i in keep] for r in _rows()]
    data = _write(tmp_path / "in.csv", rows, tuple(COLUMNS[i] for i in keep))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["hot", "--data", str(data), "--top", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _read(out / "hot_issue_messages.csv")[0] == ["问题ID", "留言主题", "留言时间", "留言详情"]
    places = [issue[4] for issue in _read(out / "hot_issues.csv")[1]]
    assert len(places) == 2 and all("阳光花园" in p or "翠竹苑" in p for p in places)  # no likes: any order
