"""``massline import --events`` and ``massline export --events``: case histories in the events format
(案件编号, 时间, 事件, 单位, 详情; docs/accountability.md). Helpers of ``io_cmd``, loaded when used."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import click

from massline.cli.common import fail, get_platform


def import_events(file: Path, dry_run: bool) -> None:
    """Create the cases of a history file, all or nothing (``--dry-run``: check only)."""
    from massline.analysis.accountability import HistoryError, read_events
    from massline.services.accountability import check_import_history
    from massline.services.intake import ImportAborted, deployment_timezone

    try:
        rows = read_events(file)
    except HistoryError as exc:
        fail(f"{file}: {exc}")
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text")
    platform = get_platform()
    platform.migrate()
    try:
        with platform.write() as session:
            tz = deployment_timezone(session, platform.settings.timezone)
            done = check_import_history(session, rows, tz, platform.now())
            if dry_run:
                session.rollback()
    except (HistoryError, ImportAborted) as exc:
        fail(f"{file}: {exc}")
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {done.cases} cases with {done.events} events from {file.name}")


def export_events(out: Path, plain: bool, first: date | None, last: date | None) -> None:
    """Write the histories of the cases created between the local dates ``first`` and ``last``
    (``plain`` False: an option that only applies to messages was given)."""
    from massline.analysis.accountability import write_events
    from massline.services.accountability import history_rows
    from massline.services.intake import ImportAborted, deployment_timezone

    if not plain:
        fail("--events writes a CSV of every case's history; only --since and --until narrow it")
    platform = get_platform()
    platform.migrate()
    with platform.read() as session:
        try:
            tz = deployment_timezone(session, platform.settings.timezone)
        except ImportAborted as exc:
            fail(str(exc))
        since = datetime.combine(first, dtime(), tzinfo=tz) if first else None
        until = datetime.combine(last + timedelta(days=1), dtime(), tzinfo=tz) if last else None
        try:
            count = write_events(out, history_rows(session, tz, since, until))
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror}")
    click.echo(f"exported {count} events to {out}")
