"""``massline import`` and ``massline export``: bulk data in and out (see docs/import-export.md)."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from massline.cli import events_io
from massline.cli.common import fail, get_platform

if TYPE_CHECKING:
    from massline.io.exporters import Exporter
    from massline.io.formats import Importer, Importers, ReadOptions
    from massline.io.importers import ImportMapping
    from massline.platform import Platform
    from massline.services.intake import ImportOptions, ImportReport

__all__ = ["register"]
SHOWN_PROBLEMS = 20


def _mapping(mapping: str | None, pairs: tuple[str, ...]) -> ImportMapping:
    from massline.io.importers import MappingError, load_mapping, mapping_from_pairs

    try:
        if mapping:
            return load_mapping(mapping).with_overrides(pairs)
        if pairs:
            return mapping_from_pairs(pairs)
    except MappingError as exc:
        fail(str(exc))
    fail("give a column mapping: --mapping FILE (or a shipped name such as tipdm2020c) or --map field=column ...")


def _importer(importers: Importers, file: Path, fmt: str | None, mapping: ImportMapping) -> Importer:
    from massline.io.formats import FormatError

    try:
        if fmt:
            return importers.get(fmt)
        try:
            return importers.for_path(file)
        except FormatError:
            if mapping.format and mapping.format in importers:
                return importers.get(mapping.format)
            raise
    except FormatError as exc:
        fail(str(exc))


def _bind(spec: ImportMapping, importer: Importer, file: Path, read: ReadOptions) -> None:
    from massline.io.formats import FormatError
    from massline.io.importers import MappingError

    try:
        notes = spec.bind(importer.columns(file, read))
    except (MappingError, FormatError) as exc:
        fail(str(exc))
    for note in notes:
        click.echo(f"note: {note}", err=True)


def _print_problems(report: ImportReport) -> None:
    for p in report.problems[:SHOWN_PROBLEMS]:
        ext = f" [{p.external_id}]" if p.external_id else ""
        click.echo(f"  row {p.number}{ext} {p.field}: {p.message}", err=True)
    more = len(report.problems) - SHOWN_PROBLEMS
    if more > 0:
        click.echo(f"  ... and {more} more problems (see the report file)", err=True)


def default_report_path(instance_dir: Path, file: Path, now: datetime) -> Path:
    """Where an import's refused rows go without ``--report``: the instance's ``import-reports`` folder,
    named for the input and the minute of the import (never beside the input, which may be a shared or
    read-only folder, and never over an earlier import's report)."""
    folder = instance_dir / "import-reports"
    stem = f"{file.stem}-{now:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.errors.csv"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.errors.csv"
    return path


def _write_report(report: ImportReport, file: Path, report_path: Path | None, platform: Platform) -> None:
    from massline.io.exporters import write_problems_csv

    if not report.problems:
        return
    path = report_path or default_report_path(platform.settings.instance_dir, file, platform.now())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_problems_csv(path, report.problems)
    except OSError as exc:
        click.echo(f"warning: cannot write the report {path} ({exc.strerror}); use --report PATH", err=True)
        return
    click.echo(f"report of refused rows: {path}", err=True)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="csv, xlsx, jsonl or a plugin's format (default: from the extension).")
@click.option("--sheet", default=None, help="XLSX sheet name (default: the first sheet).")
@click.option("--encoding", default=None, help="CSV/JSONL text encoding (default: UTF-8, else GB18030).")
@click.option("--mapping", default=None,
              help="Mapping YAML file, or a shipped mapping name (tipdm2020c, massline-export).")
@click.option("--map", "pairs", multiple=True, metavar="FIELD=COLUMN",
              help="Map a field to a column (repeatable; overrides --mapping). FIELD==VALUE sets a constant.")
@click.option("--source", default=None,
              help="Origin name stored on every message (default: the mapping's, else 'import').")
@click.option("--region", "default_region", default=None, help="Region code or name for rows without a region.")
@click.option("--reply-office", default=None, help="Office code answering replied rows that routing leaves unassigned.")
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows per transaction.")
@click.option("--writer-thread/--no-writer-thread", "writer_thread", default=None,
              help="Write each batch in a second thread while the next one is read (default: on with 2+ cores).")
@click.option("--deadlines-from", type=click.Choice(["created", "import"]), default="created", show_default=True,
              help="An open row's deadline counts from its own time (old open cases arrive overdue and the "
                   "deadline sweep escalates them) or from now (import: the office gets the full time).")
@click.option("--index-now", is_flag=True,
              help="Add the imported messages to the search index before returning (else the worker does it).")
@click.option("--dry-run", is_flag=True, help="Validate and count only; write nothing.")
@click.option("--on-error", type=click.Choice(["stop", "skip"]), default="stop", show_default=True,
              help="stop: import nothing if any row is bad; skip: import the good rows, report the bad ones.")
@click.option("--report", "report_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write refused rows (default: the instance's import-reports/FILE-TIME.errors.csv).")
@click.option("--events", is_flag=True,
              help="FILE is a case-history CSV (案件编号, 时间, 事件, 单位, 详情): create its cases, all or nothing.")
def import_cmd(
    file: Path, fmt: str | None, sheet: str | None, encoding: str | None, mapping: str | None,
    pairs: tuple[str, ...], source: str | None, default_region: str | None, reply_office: str | None,
    batch_size: int, writer_thread: bool | None, deadlines_from: str, index_now: bool, dry_run: bool, on_error: str,
    report_path: Path | None, events: bool,
) -> None:
    """Import messages from FILE (CSV, XLSX, JSONL or a plugin's format) through a column mapping.

    Rows are validated like web submissions, routed to offices and given
    tracking codes. Like web submissions they are added to the search index
    by the worker (massline serve, massline worker, massline pipeline run) —
    or before the command returns with --index-now — and board search finds
    them by substring meanwhile. Rows already imported from the same
    --source (same external_id) are skipped, so re-running is safe.
    """
    from massline.io.formats import FormatError, ReadOptions
    from massline.services import search as search_backlog
    from massline.services.intake import ImportAborted, ImportOptions, run_import

    if not file.is_file():
        fail(f"file not found: {file}")
    if events:
        return events_io.import_events(file, dry_run)
    spec = _mapping(mapping, pairs)
    platform = get_platform()
    importer = _importer(platform.plugins.importers(), file, fmt, spec)
    read = ReadOptions(sheet=sheet, encoding=encoding)
    _bind(spec, importer, file, read)
    if writer_thread is None:
        writer_thread = (os.cpu_count() or 1) > 1
    options = ImportOptions(
        source=source or spec.source or "import", on_error="skip" if on_error == "skip" else "stop",
        batch_size=batch_size, dry_run=dry_run, default_region=default_region, reply_office=reply_office,
        writer_thread=writer_thread, deadlines_from="import" if deadlines_from == "import" else "created",
    )
    platform.migrate()
    started = time.perf_counter()
    try:
        report = run_import(
            platform.sessions, platform.cipher, lambda: importer.read(file, read),
            spec, options, default_timezone=platform.settings.timezone, now=platform.now(),
        )
    except (ImportAborted, FormatError) as exc:
        fail(str(exc))
    seconds = time.perf_counter() - started
    _print_problems(report)
    _write_report(report, file, report_path, platform)
    if not _print_outcome(report, file, options, seconds, stop=on_error == "stop"):
        return
    if index_now:
        started = time.perf_counter()
        indexed = search_backlog.index_backlog(platform.write)
        click.echo(f"indexed {indexed} messages for search in {time.perf_counter() - started:.1f} s")
    else:
        _print_pending(platform)


def _print_outcome(report: ImportReport, file: Path, options: ImportOptions, seconds: float, *, stop: bool) -> bool:
    """Print what the import did; False after a dry run (nothing more to do). Exits 1 when nothing was imported."""
    if options.dry_run:
        click.echo(
            f"dry run: {report.rows} rows read, {report.rows - report.bad_rows - report.duplicates} would be imported, "
            f"{report.duplicates} already imported, {report.bad_rows} bad rows; nothing written"
        )
        if report.bad_rows and stop:
            raise SystemExit(1)
        return False
    if report.bad_rows and not report.written and stop:
        fail(
            f"{report.bad_rows} of {report.rows} rows are invalid; nothing was imported "
            "(fix them or use --on-error skip)"
        )
    rate = report.rows / seconds if seconds else 0.0
    click.echo(
        f"imported {report.imported} of {report.rows} rows from {file.name} (source {options.source}) "
        f"in {seconds:.1f} s ({rate:,.0f} rows/s): {report.routed} routed, {report.queued} in the dispatch queue, "
        f"{report.replied} replied, {report.duplicates} duplicates skipped, {report.bad_rows} bad rows skipped"
    )
    if report.overdue:
        click.echo(
            f"{report.overdue} open cases are already past their deadline: the deadline sweep will escalate them "
            "to their heads and the dispatch centre (import them with --deadlines-from import to count their "
            "deadlines from now)"
        )
    return True


def _print_pending(platform: Platform) -> None:
    from massline.services import search as search_backlog

    with platform.read() as session:
        pending = search_backlog.pending_count(session)
    if pending:
        click.echo(
            f"{pending} messages wait for the search index: the worker adds them "
            "(massline serve / massline worker / massline pipeline run); board search finds them meanwhile"
        )


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--{name}: expected a date such as 2020-01-31, got {value!r}")


def _status(value: str | None) -> str | None:
    from massline.models import STATUS_LABELS, STATUSES

    if not value:
        return None
    if value in STATUSES:
        return value
    for code, label in STATUS_LABELS.items():
        if label == value:
            return code
    fail(f"--status: unknown status {value!r}; use one of {', '.join(STATUSES)} or its Chinese label")


def _exporter(platform: Platform, out: Path, fmt: str | None) -> Exporter:
    from massline.io.formats import FormatError

    exporters = platform.plugins.exporters()
    try:
        if fmt:
            return exporters.get(fmt)
        try:
            return exporters.for_path(out)
        except FormatError:
            return exporters.get("csv")
    except FormatError as exc:
        fail(str(exc))


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, metavar="FORMAT",
              help="csv, xlsx or a plugin's format (default: from OUT's extension, else csv).")
@click.option("--status", default=None, help="Only this status (received, replied ... or 已答复 ...).")
@click.option("--since", default=None, help="Only messages created on or after this local date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Only messages created on or before this local date (YYYY-MM-DD).")
@click.option("--office", default=None, help="Only messages of this office (code).")
@click.option("--redact/--no-redact", default=True, show_default=True,
              help="Redact phone numbers, IDs and other PII in the text (--no-redact is for administrators).")
@click.option("--events", is_flag=True,
              help="Write every case's history instead (CSV: 案件编号, 时间, 事件, 单位, 详情).")
def export_cmd(
    out: Path, fmt: str | None, status: str | None, since: str | None, until: str | None,
    office: str | None, redact: bool, events: bool,
) -> None:
    """Export messages to OUT, one row per message (never the citizens' contacts); --events: the case histories."""
    from massline.services.casework import EXPORT_COLUMNS, ExportFilter, export_rows
    from massline.services.intake import ImportAborted, deployment_timezone

    if events:
        plain = fmt in (None, "csv") and not status and not office
        return events_io.export_events(out, plain, _day(since, "since"), _day(until, "until"))
    platform = get_platform()
    exporter = _exporter(platform, out, fmt)
    first, last = _day(since, "since"), _day(until, "until")
    code = _status(status)
    if not redact:
        click.echo(
            "warning: --no-redact exports personal data in the text unmasked; administrators only, "
            "handle the file as confidential", err=True,
        )
    platform.migrate()
    with platform.read() as session:
        try:
            tz = deployment_timezone(session, platform.settings.timezone)
        except ImportAborted as exc:
            fail(str(exc))
        filters = ExportFilter(
            status=code,
            since=datetime.combine(first, dtime(), tzinfo=tz) if first else None,
            until=datetime.combine(last + timedelta(days=1), dtime(), tzinfo=tz) if last else None,
            office=office,
        )
        count = exporter.export(out, EXPORT_COLUMNS, export_rows(session, filters, redact_pii=redact, tz=tz))
    click.echo(f"exported {count} messages to {out}" + ("" if redact else " (NOT redacted)"))


def register(main: click.Group) -> None:
    """Add ``import`` and ``export`` to the ``massline`` command."""
    main.add_command(import_cmd)
    main.add_command(export_cmd)
