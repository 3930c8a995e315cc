"""Writers of tabular exports: CSV (UTF-8 with BOM, for Excel) and XLSX, and the exporters of a platform.

Rows are written as they arrive, so an export of any size runs in constant
memory (XLSX through openpyxl's write-only mode). Times are written as local
times: ``2020-01-06 12:09:38`` in CSV, date cells in XLSX.

An :class:`Exporter` names a format (the ``--format`` value), the extensions it
claims and a writer. Exporters reach ``massline export`` through the
``register_exporters`` hook (``massline.hookspecs``): the built-in CSV and XLSX
ones (:func:`builtin_exporters`) the same way as a deployment's own;
:class:`Exporters` is what the running platform's plugins registered
(``Platform.plugins.exporters()``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from massline.hookspecs import hookimpl
from massline.io.formats import FormatTable

__all__ = [
    "CSV_EXPORT",
    "XLSX_EXPORT",
    "Exporter",
    "Exporters",
    "builtin_exporters",
    "write_csv",
    "write_problems_csv",
    "write_xlsx",
]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
Writer = Callable[[Path, Sequence[str], Iterable[Sequence[Any]]], int]


@dataclass(frozen=True)
class Exporter:
    """A file format ``massline export`` writes: ``write(path, header, rows)`` returns the row count.

    Rows arrive one at a time (an export may be larger than memory): write them
    as they come. Values are ``str``, numbers, ``None`` and aware ``datetime``
    in the deployment's time zone.
    """

    name: str
    extensions: tuple[str, ...]
    write: Writer
    description: str = ""


class Exporters(FormatTable[Exporter]):
    """The exporters of a running platform (``Platform.plugins.exporters()``)."""

    kind = "export"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``header`` and ``rows`` to ``path`` as CSV (UTF-8 with BOM); return the row count."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
    return count


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``header`` and ``rows`` to ``path`` as an XLSX sheet (write-only mode); return the row count."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("留言")
    sheet.append(list(header))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        count += 1
    workbook.save(path)
    return count


CSV_EXPORT = Exporter("csv", ("csv",), write_csv, "CSV, UTF-8 with BOM (opens in Excel)")
XLSX_EXPORT = Exporter("xlsx", ("xlsx",), write_xlsx, "Excel workbook")


@hookimpl(specname="register_exporters")
def builtin_exporters() -> list[Exporter]:
    """The built-in exporters: CSV and XLSX."""
    return [CSV_EXPORT, XLSX_EXPORT]


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
