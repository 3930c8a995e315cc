"""Message files of the analysis commands: reading CSV/XLSX/JSONL and recognising their columns."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from massline.io.exporters import write_csv, write_xlsx
from massline.io.message_files import (
    GENERIC,
    MessageFileError,
    candidate_mappings,
    read_message_file,
    recognise,
)
from massline.services.casework import EXPORT_COLUMNS

CONTEST = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"]
TEXT = ("title", "body")


def fields_of(columns: list[str], given: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
    return recognise("f.csv", columns, candidate_mappings(), (TEXT, "created_at"), ("supports", "external_id"), given)


def test_recognises_an_export_the_contest_files_and_generic_columns() -> None:
    assert fields_of(list(EXPORT_COLUMNS)) == (
        "massline-export",
        {"title": "标题", "body": "内容", "created_at": "留言时间", "supports": "点赞数", "external_id": "追踪码"},
    )
    assert fields_of(CONTEST) == (
        "tipdm2020c",
        {"title": "留言主题", "body": "留言详情", "created_at": "留言时间", "supports": "点赞数", "external_id": "留言编号"},
    )
    assert fields_of(["内容", "留言时间", "其他"]) == (GENERIC, {"body": "内容", "created_at": "留言时间"})


def test_an_unknown_file_names_the_missing_columns_in_chinese_and_english() -> None:
    with pytest.raises(MessageFileError) as caught:
        fields_of(["编号", "正文"])
    text = str(caught.value)
    assert "\n" not in text and "f.csv: 认不出留言文件的列 / cannot recognise" in text
    assert "缺少列 missing column(s)" in text and "--mapping" in text and "the file has: 编号, 正文" in text
    assert "massline-export: 标题 或/or 内容, 留言时间" in text and "tipdm2020c: 留言主题 或/or 留言详情, 留言时间" in text


def test_explicit_mapping_alone_and_explicit_columns() -> None:
    only = candidate_mappings("tipdm2020c")
    with pytest.raises(MessageFileError, match=r"缺少列 missing column\(s\) tipdm2020c: 留言主题 或/or 留言详情"):
        recognise("f.csv", list(EXPORT_COLUMNS), only, (TEXT,))
    assert fields_of(["主题", "时间"], given={"title": "主题", "created_at": "时间"})[1] == {
        "title": "主题", "created_at": "时间",
    }
    with pytest.raises(MessageFileError, match=r"f.csv: 缺少列 missing column\(s\) 时间 "):
        fields_of(list(EXPORT_COLUMNS), given={"created_at": "时间"})


def test_the_profiles_mapping_wins_and_a_tie_is_ambiguous() -> None:
    both = [*CONTEST, "标题", "内容"]
    with pytest.raises(MessageFileError, match="--mapping"):
        recognise("f.csv", both, candidate_mappings(), (TEXT,), ("title", "body"))
    preferred = candidate_mappings(preferred="tipdm2020c")
    name, fields = recognise("f.csv", both, preferred, (TEXT,), ("title", "body"), prefer="tipdm2020c")
    assert name == "tipdm2020c" and fields == {"title": "留言主题", "body": "留言详情"}


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "jsonl"])
def test_reads_every_format_as_text(tmp_path: Path, suffix: str) -> None:
    header = ["追踪码", "留言时间", "标题", "内容", "领域", "点赞数"]
    local = (datetime(2020, 1, 6, 12, 9, 38), datetime(2020, 1, 7, 8))  # noqa: DTZ001 - naive local, as export_rows
    rows = [
        ["A1", local[0], "路灯坏了", "东城区和平街道路灯坏了一个月", "城乡建设/市政", 3],
        ["A2", local[1], "=1+1", "多行\n内容", None, 0],
    ]
    path = tmp_path / f"export.{suffix}"
    if suffix == "csv":
        write_csv(path, header, rows)
    elif suffix == "xlsx":
        write_xlsx(path, header, rows)
    else:
        lines = [json.dumps(dict(zip(header, [str(v) if isinstance(v, datetime) else v for v in r], strict=True)),
                            ensure_ascii=False) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_message_file(path, needs=(TEXT, "created_at"), wants=("category", "supports", "external_id"))
    assert table.layout == "massline-export" and table.columns == header and table.numbers[0] in (1, 2)
    assert table.values("created_at") == ["2020-01-06 12:09:38", "2020-01-07 08:00:00"]
    assert table.values("supports") == ["3", "0"] and table.values("category") == ["城乡建设/市政", ""]
    assert table.values("body")[1] == "多行\n内容" and table.values("external_id") == ["A1", "A2"]


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(MessageFileError, match="no such file"):
        read_message_file(tmp_path / "none.csv", needs=(TEXT,))
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(MessageFileError, match="empty file"):
        read_message_file(tmp_path / "empty.csv", needs=(TEXT,))
    (tmp_path / "header.csv").write_text("标题,内容\n", encoding="utf-8")
    with pytest.raises(MessageFileError, match="no data rows"):
        read_message_file(tmp_path / "header.csv", needs=(TEXT,))
    (tmp_path / "bad.jsonl").write_text('{"标题": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(MessageFileError, match="row 2"):
        read_message_file(tmp_path / "bad.jsonl", needs=(TEXT,))
