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

Formula injection (OWASP "CSV injection"): a spreadsheet (Excel, WPS,
LibreOffice) runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, so a citizen's title ``=HYPERLINK(...)`` would become a live link in
an official's export. Every text cell of an export passes through
:func:`neutralise`, which prefixes such a cell with a single quote; the
machinery applies it (:meth:`Exporter.export`), so a deployment's own exporter
receives neutralised rows too, and the built-in writers apply it again
(idempotently) when called directly. Numbers and times are never changed.
"""

from __future__ import annotations

import csv
import re
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
    "neutralise",
    "write_csv",
    "write_problems_csv",
    "write_xlsx",
]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
Writer = Callable[[Path, Sequence[str], Iterable[Sequence[Any]]], int]

# A cell a spreadsheet may read as a formula: a tab or carriage return first, or, after leading white space and
# control characters, one of = + - @ (and their full-width forms, which some spreadsheets convert).
_FORMULA = re.compile(r"[\t\r]|[\s\x00-\x1f\x7f]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def neutralise(value: Any) -> Any:
    """``value`` as a cell no spreadsheet runs as a formula: text that could start one gets a leading ``'``.

    Only text is changed (OWASP's CSV-injection rule): numbers, times and
    ``None`` are returned as they are, and so is text that is just a number
    (``-5``). Applying it twice changes nothing more.
    """
    if isinstance(value, str) and _FORMULA.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


@dataclass(frozen=True)
class Exporter:
    """A file format ``massline export`` writes: ``write(path, header, rows)`` returns the row count.

    Rows arrive one at a time (an export may be larger than memory): write them
    as they come. Values are ``str``, numbers, ``None`` and aware ``datetime``
    in the deployment's time zone.

    ``spreadsheet`` says the file may be opened by a spreadsheet: then
    :meth:`export` hands the writer header and rows whose text cells went
    through :func:`neutralise`. Only a format no spreadsheet runs formulas
    from (JSON, XML) may set it to False, and then must not be opened as one.
    """

    name: str
    extensions: tuple[str, ...]
    write: Writer
    description: str = ""
    spreadsheet: bool = True

    def export(self, path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Write ``header`` and ``rows`` to ``path`` with this exporter, formula-safe; return the row count."""
        if not self.spreadsheet:
            return self.write(path, header, rows)
        return self.write(path, [neutralise(h) for h in header], ([neutralise(v) for v in row] for row in rows))


class Exporters(FormatTable[Exporter]):
    """The exporters of a running platform (``Platform.plugins.exporters()``)."""

    kind = "export"


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    return neutralise(value)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``header`` and ``rows`` to ``path`` as CSV (UTF-8 with BOM); return the row count."""
    count = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(h) for h in header])
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
    def cell(value: Any) -> Any:
        # Characters XML cannot hold are dropped first, so none can hide a formula from neutralise(); after it no
        # text starts with "=", the only thing openpyxl writes as a formula.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value

    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
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
            writer.writerow([p.number, *(neutralise(v) for v in (p.field, p.message, p.external_id or ""))])
            count += 1
    return count
