"""Streaming readers of tabular files: CSV, XLSX and JSONL.

Each reader yields ``(row_number, record)`` pairs one at a time, so a file of
any size is read in constant memory. ``record`` maps a column name to its raw
value (``str`` for CSV; cell values for XLSX; JSON values for JSONL).

Row numbers are what a person sees when opening the file: for CSV and XLSX the
header is row 1 and the first data row is row 2 (a CSV record spanning several
lines still counts as one row); for JSONL the number is the line number.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "FormatError", "detect_encoding", "guess_format", "read_records"]

FORMATS = ("csv", "xlsx", "jsonl")
Record = dict[str, Any]
_CHUNK = 1 << 20


class FormatError(Exception):
    """The file cannot be read as the given format (the whole file, not one row)."""


class RowError(Exception):
    """One row cannot be read (e.g. a JSONL line that is not a JSON object)."""


def guess_format(path: Path) -> str:
    """The format implied by the file name's extension."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise FormatError(f"{path.name}: cannot tell the format from the extension; give --format csv|xlsx|jsonl")


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the whole file is valid UTF-8 (BOM or not), else ``gb18030``.

    The check decodes the file incrementally, one megabyte at a time.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _csv_records(path: Path, encoding: str | None) -> Iterator[tuple[int, Record | RowError]]:
    enc = encoding or detect_encoding(path)
    try:
        with path.open(encoding=enc, newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise FormatError(f"{path.name}: empty file (no header row)")
            columns = [c.strip() for c in header]
            for number, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                yield number, dict(zip(columns, values, strict=False))
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path.name}: not {enc} text ({exc.reason})") from exc
    except csv.Error as exc:
        raise FormatError(f"{path.name}: malformed CSV ({exc})") from exc


def _xlsx_records(path: Path, sheet: str | None) -> Iterator[tuple[int, Record | RowError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors)
        raise FormatError(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise FormatError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
        ws = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if not header or not any(h is not None for h in header):
            raise FormatError(f"{path.name}: empty sheet (no header row)")
        columns = ["" if h is None else str(h).strip() for h in header]
        for number, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            yield number, {c: v for c, v in zip(columns, values, strict=False) if c}
    finally:
        workbook.close()


def _jsonl_records(path: Path, encoding: str | None) -> Iterator[tuple[int, Record | RowError]]:
    enc = encoding or detect_encoding(path)
    try:
        with path.open(encoding=enc) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, RowError(f"不是有效的 JSON（{exc.msg}，第 {exc.colno} 列）")
                    continue
                if not isinstance(value, dict):
                    yield number, RowError("每行应是一个 JSON 对象 {...}")
                    continue
                yield number, value
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path.name}: not {enc} text ({exc.reason})") from exc


def read_records(
    path: Path, fmt: str, *, sheet: str | None = None, encoding: str | None = None
) -> Iterator[tuple[int, Record | RowError]]:
    """Yield ``(row_number, record)`` for every non-blank data row of ``path``.

    A row that cannot be read at all is yielded as a :class:`RowError` so the
    caller can report it with its number; a file that cannot be read raises
    :class:`FormatError`.
    """
    if not path.is_file():
        raise FormatError(f"{path}: no such file")
    if fmt == "csv":
        return _csv_records(path, encoding)
    if fmt == "xlsx":
        return _xlsx_records(path, sheet)
    if fmt == "jsonl":
        return _jsonl_records(path, encoding)
    raise FormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def columns_of(path: Path, fmt: str, *, sheet: str | None = None, encoding: str | None = None) -> list[str] | None:
    """The header of a CSV/XLSX file (None for JSONL, whose keys vary by line)."""
    if fmt == "jsonl":
        return None
    if fmt == "csv":
        enc = encoding or detect_encoding(path)
        try:
            with path.open(encoding=enc, newline="") as handle:
                header = next(csv.reader(handle), None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FormatError(f"{path.name}: cannot read the header ({exc})") from exc
        if not header:
            raise FormatError(f"{path.name}: empty file (no header row)")
        return [c.strip() for c in header]
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FormatError(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise FormatError(f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
        ws = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        header = next(ws.iter_rows(values_only=True, max_row=1), None)
    finally:
        workbook.close()
    if not header:
        raise FormatError(f"{path.name}: empty sheet (no header row)")
    return ["" if h is None else str(h).strip() for h in header]
