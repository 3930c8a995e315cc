"""A deployment's own plugin, as a deployment would write one (used by tests/test_plugins.py).

Named in the ``plugins`` setting (``MASSLINE_PLUGINS=tests.deployment_plugin``),
it adds a pipeline step (counts exclamation marks), an importer (``psv``:
``|``-separated text with a header row, as some hotline systems export) and
an exporter (``jsonl``) through the same hooks as the built-ins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from massline import hookimpl
from massline.io.exporters import Exporter
from massline.io.formats import Importer, ReadOptions, Record, RowError
from massline.services.pipeline import AnalysisContext, Item, Step, StepResult


def exclamations(ctx: AnalysisContext, session: Session, item: Item) -> StepResult:
    """How loudly the citizen writes: the number of exclamation marks."""
    return StepResult(evidence={"count": item.text.count("！") + item.text.count("!")})


def _psv_columns(path: Path, options: ReadOptions) -> list[str] | None:
    with path.open(encoding=options.encoding or "utf-8") as handle:
        return [c.strip() for c in handle.readline().rstrip("\n").split("|")]


def _psv_rows(path: Path, options: ReadOptions) -> Iterator[tuple[int, Record | RowError]]:
    with path.open(encoding=options.encoding or "utf-8") as handle:
        columns = [c.strip() for c in handle.readline().rstrip("\n").split("|")]
        for number, line in enumerate(handle, start=2):
            if line.strip():
                yield number, dict(zip(columns, line.rstrip("\n").split("|"), strict=False))


def _write_jsonl(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            values = [v.isoformat() if isinstance(v, datetime) else v for v in row]
            handle.write(json.dumps(dict(zip(header, values, strict=True)), ensure_ascii=False) + "\n")
            count += 1
    return count


@hookimpl
def register_pipeline_steps() -> list[Step]:
    """One step, run after the built-in ones."""
    return [Step("exclamations", "exclamations-v1", exclamations)]


@hookimpl
def register_importers() -> list[Importer]:
    """Pipe-separated files (``.psv``)."""
    return [Importer("psv", ("psv",), _psv_rows, _psv_columns, "pipe-separated text, header row")]


@hookimpl
def register_exporters() -> list[Exporter]:
    """One JSON object per message and line."""
    return [Exporter("jsonl", ("jsonl",), _write_jsonl, "one JSON object per line", spreadsheet=False)]
