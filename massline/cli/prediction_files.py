"""The file ``massline classify predict --out`` writes: CSV or XLSX, by the file name's extension.

A CSV keeps the input's cells exactly (UTF-8, RFC 4180 quoting); an XLSX sheet goes through the
exporter of ``massline export`` (cells a spreadsheet could run as a formula are neutralised). Any
other extension is refused before anything is classified, so a file named ``x.xlsx`` never holds CSV.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from massline.io.exporters import XLSX_EXPORT

FORMATS = (".csv", ".xlsx")


def check_out(out: str) -> str:
    """The format of ``out`` (``.csv`` or ``.xlsx``, by its extension, any case); a ClickException otherwise."""
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise click.ClickException(
            f"{out}: --out 须以 .csv 或 .xlsx 结尾 (--out must end in .csv or .xlsx; got {suffix or 'no extension'})"
        )
    return suffix


def write_predictions(out: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write ``header`` and ``rows`` to ``out`` in the format its extension names (rows are written as they
    come); a ClickException when the file cannot be written."""
    try:
        if check_out(out) == ".xlsx":
            XLSX_EXPORT.export(Path(out), header, rows)
            return
        with open(out, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write ({exc.strerror})") from exc
