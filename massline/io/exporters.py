"""Writers of tabular exports: CSV (UTF-8 with BOM, for Excel) and XLSX.

Rows are written as they arrive, so an export of any size runs in constant
memory (XLSX through openpyxl's write-only mode). Times are written as local
times: ``2020-01-06 12:09:38`` in CSV, date cells in XLSX.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["EXPORT_FORMATS", "write_problems_csv", "write_table"]

EXPORT_FORMATS = ("csv", "xlsx")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return value


def write_table(path: Path, fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``header`` and ``rows`` to ``path`` as CSV or XLSX; return the row count."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_csv_cell(v) for v in row])
                count += 1
        return count
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("留言")
        sheet.append(list(header))
        for row in rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
            count += 1
        workbook.save(path)
        return count
    raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")


def write_problems_csv(path: Path, problems: Iterable[Any]) -> int:
    """Write the rows an import refused: row number, field, message, external id."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["行号", "字段", "问题", "外部编号"])
        for p in problems:
            writer.writerow([p.number, p.field, p.message, p.external_id or ""])
            count += 1
    return count
