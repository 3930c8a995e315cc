"""CSV tables of labelled messages for the classify commands, and the options naming their columns.

Column names: the ``--title-col``/``--detail-col``/``--label-col`` options,
else the ``title``/``body``/``category`` columns of ``--mapping`` (or of the
``--profile``'s mapping), else the generic 标题, 内容, 领域.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

__all__ = [
    "Table",
    "column_options",
    "default_columns",
    "labelled",
    "read_table",
    "taxonomy_rows",
    "texts_of",
    "unlabelled",
]

TAXONOMY_COLS = ("一级分类", "二级分类", "三级分类")
F = TypeVar("F", bound=Callable[..., Any])


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


def texts_of(table: Table, title_col: str, detail_col: str) -> list[str]:
    """Classifier inputs of a table: title + detail where the file has a detail column."""
    _require(table, title_col, "title")
    has_detail = detail_col in table.columns
    from massline.analysis.classify import text_of

    return [text_of(row[title_col], row[detail_col] if has_detail else None) for row in table.rows]


def labelled(paths: Sequence[str], title_col: str, detail_col: str, label_col: str) -> tuple[list[str], list[str]]:
    """Texts and labels of labelled CSV files; rows with an empty label are skipped."""
    texts: list[str] = []
    labels: list[str] = []
    for path in paths:
        table = read_table(path)
        _require(table, label_col, "label")
        for text, row in zip(texts_of(table, title_col, detail_col), table.rows, strict=True):
            label = row[label_col].strip()
            if label and text:
                texts.append(text)
                labels.append(label)
    return texts, labels


def unlabelled(paths: Sequence[str], title_col: str, detail_col: str) -> list[str]:
    """Texts of unlabelled CSV files."""
    return [t for path in paths for t in texts_of(read_table(path), title_col, detail_col) if t]


def taxonomy_rows(path: str | None) -> list[tuple[str, str, str]] | None:
    """Rows of a 一级分类,二级分类,三级分类 taxonomy CSV, or None without a path."""
    if path is None:
        return None
    table = read_table(path)
    for column in TAXONOMY_COLS:
        _require(table, column, "taxonomy")
    return [(r[TAXONOMY_COLS[0]], r[TAXONOMY_COLS[1]], r[TAXONOMY_COLS[2]]) for r in table.rows]


def default_columns(profile: str | None, mapping: str | None) -> dict[str, str]:
    """Title, detail and label columns of ``--mapping`` or the ``--profile``'s mapping (else generic names)."""
    from massline.io.importers import FIELD_LABELS, MappingError, load_mapping
    from massline.io.profiles import ProfileError, load_profile

    out = {
        "title_col": FIELD_LABELS["title"],
        "detail_col": FIELD_LABELS["body"],
        "label_col": FIELD_LABELS["category"],
    }
    try:
        name = mapping or load_profile(profile).mapping
        fields = load_mapping(name).fields if name else {}
    except (ProfileError, MappingError) as exc:
        raise click.ClickException(str(exc)) from None
    for option, field in (("title_col", "title"), ("detail_col", "body"), ("label_col", "category")):
        source = fields.get(field)
        if source is not None and source.column is not None:
            out[option] = source.column
    return out


def column_options(func: F) -> F:
    """Add the --title-col/--detail-col/--label-col (if the command has a label) and --profile/--mapping options.

    Column options left out take their names from :func:`default_columns`.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, profile: str | None, mapping: str | None, **kwargs: Any) -> Any:
        defaults = default_columns(profile, mapping)
        for option, value in defaults.items():
            if option in kwargs and kwargs[option] is None:
                kwargs[option] = value
        return func(*args, **kwargs)

    command: Any = wrapper
    command = click.option(
        "--mapping", default=None, help="Column mapping naming the columns (shipped name or YAML file)."
    )(command)
    command = click.option(
        "--profile", default=None, help="Deployment profile whose column mapping names the columns (tipdm2020c)."
    )(command)
    if "label_col" in func.__code__.co_varnames:
        command = click.option("--label-col", default=None, help="Label column [default: 领域].")(command)
    command = click.option("--detail-col", default=None, help="Detail column, used when present [default: 内容].")(
        command
    )
    command = click.option("--title-col", default=None, help="Title column [default: 标题].")(command)
    return command
