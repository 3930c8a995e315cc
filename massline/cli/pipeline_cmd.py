"""``massline pipeline run|steps`` and ``massline worker`` (``classify retrain`` is in ``classify_cmd``)."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from massline.cli.common import get_platform

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from massline.platform import Platform
    from massline.services.pipeline import AnalysisContext, PipelineReport, Step

__all__ = ["register"]


def _local_to_utc(value: datetime, zone_name: str) -> datetime:
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return value.replace(tzinfo=zone).astimezone(UTC)


def _context(session: Session, platform: Platform) -> AnalysisContext:
    from massline.services.alerts import AlertParams
    from massline.services.pipeline import analysis_context

    s = platform.settings
    return analysis_context(session, model_path=s.classifier_model_path, threshold=s.classifier_threshold,
                            alert_params=AlertParams.from_settings(s),
                            understanding_model=s.understanding_model)  # fmt: skip


def _print_report(report: PipelineReport, steps: list[Step]) -> None:
    if report.indexed:
        click.echo(f"indexed {report.indexed} messages for search")
    click.echo(
        f"analysed {report.messages} messages: {report.routed} routed, {report.urgent} urgent, "
        f"{report.duplicates} near-duplicates"
    )
    for step in steps:
        ran, skipped, failed = (report.ran.get(step.name, 0), report.skipped.get(step.name, 0),
                                report.failed.get(step.name, 0))  # fmt: skip
        click.echo(f"  {step.name:<11} ran {ran:>6}  skipped {skipped:>6}  failed {failed:>6}")


@click.group("pipeline")
def pipeline_group() -> None:
    """The analysis pipeline (classify, kind, urgency, sentiment, place, duplicates, issues, plugins' steps)."""


@pipeline_group.command("run")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="Only messages received on or after this date (deployment time zone).",
)
@click.option("--all", "force", is_flag=True, help="Re-run every step, even where results are current.")
@click.option(
    "--batch", default=100, show_default=True, type=click.IntRange(1, 10000), help="Messages per transaction."
)
def run_cmd(since: datetime | None, force: bool, batch: int) -> None:
    """Analyse messages whose results are missing or stale (incremental), then route queued ones."""
    from massline.services.pipeline import analysis_progress
    from massline.worker import Worker

    platform = get_platform()
    platform.migrate()
    start = None if since is None else _local_to_utc(since, platform.settings.timezone)
    steps = platform.plugins.steps()
    with platform.read() as session:
        ctx = _context(session, platform)
        progress = analysis_progress(session, ctx, steps)
    if ctx.classifier is None:
        click.echo(f"classify: skipped ({ctx.classifier_problem}: {platform.settings.classifier_model_path})")
    todo = progress.messages if force else progress.pending
    # nobody else writes much meanwhile, usually; the pure steps of the next batch in a second process
    worker = Worker(platform, batch_size=batch, write_budget=1.0, parallel=True)
    try:
        with click.progressbar(length=todo, label="analysing", show_pos=True, show_eta=True, file=None) as bar:
            report = worker.run_once(since=start, force=force, max_messages=0,
                                     progress=lambda r: bar.update(r.messages))  # fmt: skip
    finally:
        worker.close()
    _print_report(report, steps)


@pipeline_group.command("steps")
def steps_cmd() -> None:
    """List the registered steps in the order they run, with their current versions."""
    platform = get_platform()
    platform.migrate()
    with platform.read() as session:
        ctx = _context(session, platform)
    for step in platform.plugins.steps():
        click.echo(f"{step.name:<11} {step.current_version(ctx)}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Analyse what is pending, print a report and exit.")
@click.option(
    "--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds between polls."
)
@click.option("--exit-with", "parent", type=int, default=None, hidden=True,
              help="Stop when the process with this id is gone (massline serve's own worker).")  # fmt: skip
def worker_cmd(once: bool, interval: float, parent: int | None) -> None:
    """Run the analysis worker (massline serve also runs one, in a process of its own, unless --no-worker)."""
    from massline.worker import Worker, lower_priority

    platform = get_platform()
    lower_priority(platform.settings.worker_nice)  # web requests first (before any thread or process starts)
    platform.migrate()
    # the next batch's pure steps in a second process; transactions of 1 s while no request waits to write
    worker = Worker(platform, interval=interval, batch_size=100, quiet_budget=1.0, parallel=True)
    if once:
        try:
            _print_report(worker.run_once(max_messages=0), platform.plugins.steps())
        finally:
            worker.close()
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def _stop(signum: int, frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, _stop)
    if parent is not None:  # never outlive the server that started it (even one killed with SIGKILL)
        threading.Thread(target=_watch, args=(parent, worker.stop), name="massline-parent", daemon=True).start()
    click.echo(f"analysis worker polling every {interval:g} s (Ctrl-C to stop)")
    try:
        worker.run_forever()
    except KeyboardInterrupt:
        worker.stop()
    finally:
        worker.close()


def _watch(pid: int, stop: Callable[[], None]) -> None:
    while os.getppid() == pid:
        time.sleep(0.5)
    stop()


def register(main: click.Group) -> None:
    """Add ``pipeline`` and ``worker`` to ``main``."""
    main.add_command(pipeline_group)
    main.add_command(worker_cmd)
