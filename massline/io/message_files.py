"""Message files for the analysis commands (``massline hot``, ``massline classify``): read one, recognise its columns.

A message file is a CSV (UTF-8, else GB18030), XLSX (first sheet) or JSONL
file, told apart by its extension (anything else is read as CSV). Which
column holds which field (title, body, created_at ...) is *recognised* from
its header by trying column mappings (:mod:`massline.io.importers`):

- ``--mapping`` given: that mapping alone;
- otherwise the profile's mapping first (it wins whenever it fits), then the
  generic column names (标题, 内容, 留言时间 ...) and every shipped mapping:
  ``massline-export`` reads the files ``massline export`` writes,
  ``tipdm2020c`` the contest files.

A mapping *fits* when the file has a column for every needed field; of the
fitting ones, the one finding the most of the wanted fields wins. Two that
find as many but in different columns are ambiguous: the user names one
with ``--mapping``. Columns given explicitly (``--title-col``) replace the
mappings' columns for their fields, and the file must have them. When nothing fits, the error names the
columns each mapping misses, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from massline.io.formats import CSV, FormatError, Importer, Importers, ReadOptions, RowError, builtin_importers
from massline.io.importers import (
    FIELD_LABELS,
    FieldSource,
    ImportMapping,
    MappingError,
    load_mapping,
    shipped_mappings,
)

__all__ = [
    "GENERIC",
    "MessageFileError",
    "MessageTable",
    "candidate_mappings",
    "read_message_file",
    "recognise",
]

#: The name of the mapping made of the generic column names (:data:`massline.io.importers.FIELD_LABELS`).
GENERIC = "generic"
#: A needed field, or a tuple of fields any one of which will do (("title", "body"): a title or a body).
Need = str | tuple[str, ...]


class MessageFileError(Exception):
    """The file cannot be read, or its columns are not those of a message file (one line, for the user)."""


@dataclass(frozen=True)
class MessageTable:
    """A message file read into memory: every cell as text, and the column of each field found."""

    path: Path
    layout: str  # the name of the mapping that named the columns
    columns: list[str]
    rows: list[dict[str, str]]
    numbers: list[int]  # each row's number as a person sees it in the file (CSV/XLSX header: row 1)
    fields: dict[str, str]  # field -> column of the file

    def values(self, field: str) -> list[str]:
        """The field's cell of every row ("" where the file has no column for it)."""
        column = self.fields.get(field)
        return [row.get(column, "") if column else "" for row in self.rows]


def _generic() -> ImportMapping:
    return ImportMapping({f: FieldSource(column=c, optional=True) for f, c in FIELD_LABELS.items()}, name=GENERIC)


def candidate_mappings(mapping: str | None = None, preferred: str | None = None) -> list[ImportMapping]:
    """The mappings tried on a file: ``mapping`` alone, else ``preferred``, the generic names, the shipped ones."""
    try:
        if mapping:
            return [load_mapping(mapping)]
        out = [load_mapping(preferred)] if preferred else []
        out.append(_generic())
        out.extend(load_mapping(name) for name in shipped_mappings())
    except MappingError as exc:
        raise MessageFileError(str(exc)) from None
    unique: dict[str, ImportMapping] = {}
    for m in out:
        unique.setdefault(m.name, m)
    return list(unique.values())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _importer(path: Path, fmt: str | None) -> Importer:
    importers = Importers(builtin_importers())
    try:
        if fmt:
            return importers.get(fmt)
        try:
            return importers.for_path(path)
        except FormatError:
            return CSV
    except FormatError as exc:
        raise MessageFileError(str(exc)) from None


def _read(path: Path, fmt: str | None) -> tuple[list[str], list[dict[str, str]], list[int]]:
    if not path.is_file():
        raise MessageFileError(f"{path}: no such file")
    importer = _importer(path, fmt)
    options = ReadOptions()
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    try:
        header = importer.columns(path, options)
        columns = dict.fromkeys(header or [])
        for number, record in importer.read(path, options):
            if isinstance(record, RowError):
                raise MessageFileError(f"{path}: row {number}: {record}")
            row = {str(k).strip(): _text(v) for k, v in record.items()}
            if header is None:
                columns.update(dict.fromkeys(row))
            rows.append(row)
            numbers.append(number)
    except FormatError as exc:
        raise MessageFileError(str(exc)) from None
    if not rows:
        raise MessageFileError(f"{path}: no data rows")
    return [c for c in columns if c], rows, numbers


def _fields(mapping: ImportMapping, wanted: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """Field -> column under ``mapping`` with the explicitly ``given`` columns, for the ``wanted`` fields."""
    out = {f: s.column for f, s in mapping.fields.items() if f in wanted and s.column is not None}
    out.update((f, c) for f, c in given.items() if f in wanted)
    return out


def recognise(
    name: str,
    columns: Sequence[str],
    candidates: Sequence[ImportMapping],
    needs: Sequence[Need],
    wants: Sequence[str] = (),
    given: Mapping[str, str] | None = None,
    prefer: str | None = None,
) -> tuple[str, dict[str, str]]:
    """The mapping that names ``columns`` (a file's header) and its field -> column, for ``needs`` and ``wants``.

    ``name`` names the file in errors; ``candidates`` are tried in order; the
    one called ``prefer`` (the profile's mapping) wins whenever it fits.
    """
    wanted = list(dict.fromkeys([*(f for need in needs for f in _alternatives(need)), *wants]))
    present = set(columns)
    has = f"文件的列 the file has: {', '.join(columns) or '(none)'}"
    absent = [column for field, column in (given or {}).items() if field in wanted and column not in present]
    if absent:
        raise MessageFileError(f"{name}: 缺少列 missing column(s) {', '.join(absent)} ({has})")
    fits: list[tuple[str, dict[str, str]]] = []
    misses: list[str] = []
    for mapping in candidates:
        fields = _fields(mapping, wanted, given or {})
        found = {f: c for f, c in fields.items() if c in present}
        missing = [_describe(need, fields) for need in needs if not any(f in found for f in _alternatives(need))]
        if missing:
            misses.append(f"{mapping.name}: {', '.join(missing)}")
        else:
            fits.append((mapping.name, found))
    if not fits:
        if len(candidates) == 1:
            raise MessageFileError(f"{name}: 缺少列 missing column(s) {misses[0]} ({has})")
        raise MessageFileError(
            f"{name}: 认不出留言文件的列 / cannot recognise the columns of this message file: "
            f"缺少列 missing column(s) — {'; '.join(misses)} ({has}); "
            "用 --mapping 指定列 / name the columns with --mapping"
        )
    for fit in fits:
        if fit[0] == prefer:
            return fit
    best = max(len(found) for _, found in fits)
    top = [(n, found) for n, found in fits if len(found) == best]
    if any(found != top[0][1] for _, found in top[1:]):
        raise MessageFileError(
            f"{name}: 列有两种读法 / the columns fit both {top[0][0]} and "
            f"{next(n for n, found in top if found != top[0][1])}; 用 --mapping 指定 / choose one with --mapping"
        )
    return top[0]


def _alternatives(need: Need) -> tuple[str, ...]:
    return (need,) if isinstance(need, str) else need


def _describe(need: Need, fields: Mapping[str, str]) -> str:
    return " 或/or ".join(fields.get(f) or f"({f}: no column)" for f in _alternatives(need))


def read_message_file(
    path: Path,
    *,
    needs: Sequence[Need],
    wants: Sequence[str] = (),
    mapping: str | None = None,
    preferred: str | None = None,
    given: Mapping[str, str] | None = None,
    fmt: str | None = None,
) -> MessageTable:
    """Read ``path`` and recognise its columns (see the module's text); raise :class:`MessageFileError`."""
    candidates = candidate_mappings(mapping, preferred)
    columns, rows, numbers = _read(path, fmt)
    prefer = candidates[0].name if preferred and not mapping else None
    layout, fields = recognise(str(path), columns, candidates, needs, wants, given, prefer)
    return MessageTable(path, layout, columns, rows, numbers, fields)
