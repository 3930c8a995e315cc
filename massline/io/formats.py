"""Streaming readers of tabular files (CSV, XLSX, JSONL), and the importers of a platform.

Each reader yields ``(row_number, record)`` pairs one at a time, so a file of
any size is read in constant memory. ``record`` maps a column name to its raw
value (``str`` for CSV; cell values for XLSX; JSON values for JSONL).

Row numbers are what a person sees when opening the file: for CSV and XLSX the
header is row 1 and the first data row is row 2 (a CSV record spanning several
lines still counts as one row); for JSONL the number is the line number.

An :class:`Importer` names a format (the ``--format`` value), the extensions it
claims, a reader and a header function. Importers reach ``massline import``
through the ``register_importers`` hook (``massline.hookspecs``): the built-in
CSV, XLSX and JSONL ones (:func:`builtin_importers`) the same way as a
deployment's own; :class:`Importers` is what the running platform's plugins
registered (``Platform.plugins.importers()``).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from massline.hookspecs import hookimpl

__all__ = [
    "CSV",
    "JSONL",
    "XLSX",
    "FormatError",
    "FormatTable",
    "Importer",
    "Importers",
    "ReadOptions",
    "Record",
    "RowError",
    "builtin_importers",
    "detect_encoding",
    "read_records",
]

Record = dict[str, Any]
_CHUNK = 1 << 20


class FormatError(Exception):
    """The file cannot be read as the given format (the whole file, not one row)."""


class RowError(Exception):
    """One row cannot be read (e.g. a JSONL line that is not a JSON object)."""


@dataclass(frozen=True)
class ReadOptions:
    """What ``massline import`` passes to a reader: the XLSX sheet and the text encoding (None: guess)."""

    sheet: str | None = None
    encoding: str | None = None


Rows = Iterator[tuple[int, "Record | RowError"]]


@dataclass(frozen=True)
class Importer:
    """A file format ``massline import`` reads.

    ``read(path, options)`` yields ``(row_number, record)`` for every non-blank
    data row, a :class:`RowError` for a row that cannot be read, and raises
    :class:`FormatError` when the file cannot be read at all;
    ``columns(path, options)`` returns the header (None when records have no
    fixed columns, as in JSONL: the mapping is then checked row by row).
    """

    name: str
    extensions: tuple[str, ...]
    read: Callable[[Path, ReadOptions], Rows]
    columns: Callable[[Path, ReadOptions], list[str] | None]
    description: str = ""


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def extensions(self) -> tuple[str, ...]: ...


T = TypeVar("T", bound=_Named)


class FormatTable(Generic[T]):
    """Formats by name, in registration order; a later format of the same name replaces the earlier one."""

    kind = "format"

    def __init__(self, formats: Iterable[T]) -> None:
        self._by_name: dict[str, T] = {}
        for fmt in formats:
            self._by_name[fmt.name] = fmt

    @property
    def names(self) -> tuple[str, ...]:
        """The format names, in registration order."""
        return tuple(self._by_name)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> T:
        """The format called ``name``; :class:`FormatError` names the known ones otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            raise FormatError(f"unknown {self.kind} format {name!r}; use one of {', '.join(self.names)}") from None

    def for_path(self, path: Path) -> T:
        """The format claiming ``path``'s extension (the last registered one wins)."""
        suffix = path.suffix.lower().lstrip(".")
        for fmt in reversed(self._by_name.values()):
            if suffix in fmt.extensions:
                return fmt
        raise FormatError(
            f"{path.name}: cannot tell the format from the extension; give --format {'|'.join(self.names)}"
        )


class Importers(FormatTable[Importer]):
    """The importers of a running platform (``Platform.plugins.importers()``)."""

    kind = "import"


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


def _csv_records(path: Path, options: ReadOptions) -> Rows:
    enc = options.encoding or detect_encoding(path)
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


def _xlsx_records(path: Path, options: ReadOptions) -> Rows:
    sheet = options.sheet
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


def _jsonl_records(path: Path, options: ReadOptions) -> Rows:
    enc = options.encoding or detect_encoding(path)
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


def _csv_columns(path: Path, options: ReadOptions) -> list[str] | None:
    enc = options.encoding or detect_encoding(path)
    try:
        with path.open(encoding=enc, newline="") as handle:
            header = next(csv.reader(handle), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FormatError(f"{path.name}: cannot read the header ({exc})") from exc
    if not header:
        raise FormatError(f"{path.name}: empty file (no header row)")
    return [c.strip() for c in header]


def _xlsx_columns(path: Path, options: ReadOptions) -> list[str] | None:
    from openpyxl import load_workbook

    sheet = options.sheet
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


def _no_columns(path: Path, options: ReadOptions) -> list[str] | None:
    return None  # JSONL: keys vary by line


CSV = Importer("csv", ("csv", "txt", "tsv"), _csv_records, _csv_columns, "CSV (UTF-8 or GB18030, header row)")
XLSX = Importer("xlsx", ("xlsx", "xlsm"), _xlsx_records, _xlsx_columns, "Excel workbook (one sheet, header row)")
JSONL = Importer("jsonl", ("jsonl", "ndjson", "json"), _jsonl_records, _no_columns, "one JSON object per line")


@hookimpl(specname="register_importers")
def builtin_importers() -> list[Importer]:
    """The built-in importers: CSV, XLSX and JSONL."""
    return [CSV, XLSX, JSONL]


def read_records(
    path: Path, fmt: str | Importer, *, sheet: str | None = None, encoding: str | None = None
) -> Rows:
    """Yield ``(row_number, record)`` for every non-blank data row of ``path``.

    ``fmt`` is an importer, or the name of a built-in one (csv, xlsx, jsonl).
    A row that cannot be read at all is yielded as a :class:`RowError` so the
    caller can report it with its number; a file that cannot be read raises
    :class:`FormatError`.
    """
    importer = fmt if isinstance(fmt, Importer) else Importers(builtin_importers()).get(fmt)
    if not path.is_file():
        raise FormatError(f"{path}: no such file")
    return importer.read(path, ReadOptions(sheet=sheet, encoding=encoding))
