"""The taxonomy CSV of the classify commands (一级分类, 二级分类, 三级分类).

Message files (contest files, the platform's own export) are read by ``io.message_files``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import click

__all__ = ["Table", "read_table", "taxonomy_rows"]

TAXONOMY_COLS = ("一级分类", "二级分类", "三级分类")


@dataclass
class Table:
    """A CSV file read into memory."""

    path: Path
    columns: list[str]
    rows: list[dict[str, str]]


def read_table(path: str | Path) -> Table:
    """Read a UTF-8 (BOM accepted) CSV file; raise ClickException on bad input."""
    path = Path(path)
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except csv.Error as exc:
        raise click.ClickException(f"{path}: malformed CSV ({exc})") from exc
    if not columns:
        raise click.ClickException(f"{path}: empty file (no header row)")
    if not rows:
        raise click.ClickException(f"{path}: no data rows")
    return Table(path, columns, rows)


def _require(table: Table, column: str, what: str) -> None:
    if column not in table.columns:
        raise click.ClickException(f"{table.path}: no {what} column {column!r} (columns: {', '.join(table.columns)})")


def taxonomy_rows(path: str | None) -> list[tuple[str, str, str]] | None:
    """Rows of a 一级分类,二级分类,三级分类 taxonomy CSV, or None without a path."""
    if path is None:
        return None
    table = read_table(path)
    for column in TAXONOMY_COLS:
        _require(table, column, "taxonomy")
    return [(r[TAXONOMY_COLS[0]], r[TAXONOMY_COLS[1]], r[TAXONOMY_COLS[2]]) for r in table.rows]
