"""A CSV written whole or not at all: rows go to a file beside the target, renamed at the end."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

__all__ = ["write_csv"]


def write_csv(out: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write ``columns`` and ``rows`` (UTF-8 with BOM, for Excel) to a file beside ``out`` and move it
    there at the end; on any error nothing is written. Returns the number of rows."""
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise click.ClickException(f"{out}: 目录不存在 / the directory does not exist")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
        "w", encoding="utf-8-sig", newline="", dir=directory, prefix=f".{out.name}.", suffix=".part", delete=False
    )
    count = 0
    try:
        with handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return count
