"""``massline issues rebuild|list`` and ``massline alerts scan|list``."""

from __future__ import annotations

from datetime import datetime

import click

from massline.cli.common import get_platform
from massline.cli.pipeline_cmd import _local_to_utc

__all__ = ["register"]

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


@click.group("issues")
def issues_group() -> None:
    """Issues (问题): messages about one problem in one place, with heat."""


@issues_group.command("rebuild")
@click.option("--since", type=click.DateTime(formats=DATE_FORMATS), default=None,
              help="Only issues active since this date (all their messages) and unassigned messages received "
              "since (deployment time zone). Default: everything.")  # fmt: skip
@click.option("--profile", default=None,
              help="How the messages name places: zh (real names), tipdm2020c or a YAML file. "
                   "Default: the deployment's language (its configuration).")  # fmt: skip
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes for the per-message work of 2,000 messages or more (the same issues). "
                   "Default: one per core (at most 4).")  # fmt: skip
def rebuild_cmd(since: datetime | None, profile: str | None, jobs: int | None) -> None:
    """Re-cluster messages into issues, respecting officials' merges and splits; keeps the ids of
    unchanged issues. All or nothing: a failure leaves the old issues."""
    from massline.cli.parallel import free_cores
    from massline.io.profiles import ProfileError, load_profile
    from massline.services.issues import apply_rebuild, plan_rebuild

    try:
        language = load_profile(profile).language if profile else None
    except ProfileError as exc:
        raise click.ClickException(str(exc)) from None

    platform = get_platform()
    platform.migrate()
    start = None if since is None else _local_to_utc(since, platform.settings.timezone)
    with platform.read() as session:
        plan = plan_rebuild(session, start, language, jobs=jobs or free_cores(1, 1, mind_load=False))
    with platform.write() as session:
        report = apply_rebuild(session, plan, platform.now())
    click.echo(
        f"rebuilt {report.issues} issues from {report.messages} messages in "
        f"{report.cluster_seconds + report.write_seconds:.1f} s: {report.kept} kept their id, "
        f"{report.created} new, {report.emptied} emptied; {report.decisions} manual decisions applied"
    )


@issues_group.command("list")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 10000), help="How many issues.")
@click.option("--status", default="active", show_default=True,
              help="open, owned, in_progress, resolved, merged, active (the first three) or '' for all.")  # fmt: skip
def list_cmd(top: int, status: str) -> None:
    """The hottest issues: heat, messages, people, title."""
    platform = get_platform()  # (first: the platform loads with the collector paused, common.py)
    from massline.services.issues import all_issues

    platform.migrate()
    with platform.read() as session:
        rows = all_issues(session, top=top, status=status)
    click.echo(f"{'id':>6} {'heat':>7} {'msgs':>5} {'people':>6} {'status':<11} title")
    for r in rows:
        mark = " [复发]" if r.recurring else ""
        click.echo(f"{r.id:>6} {r.heat.score:>7.2f} {r.message_count:>5} {r.people_count:>6} {r.status:<11} "
                   f"{r.title}{mark}")  # fmt: skip


@click.group("alerts")
def alerts_group() -> None:
    """Early warnings (预警): bursts and urgent new issues."""


@alerts_group.command("scan")
def scan_cmd() -> None:
    """Check every category and region for a burst now (the worker does this periodically)."""
    from massline.services import alerts

    platform = get_platform()
    platform.migrate()
    params = alerts.AlertParams.from_settings(platform.settings)
    with platform.write() as session:
        report = alerts.scan(session, platform.now(), params)
        lines = [f"  #{a.id} {a.kind} ×{a.trigger_count} {a.title}" for a in report.alerts]
    click.echo(
        f"scanned {report.messages} recent messages, {report.categories} categories, {report.regions} regions: "
        f"{len(lines)} alerts raised or updated"
    )
    for line in lines:
        click.echo(line)


@alerts_group.command("list")
@click.option("--status", default="unresolved", show_default=True,
              help="open, acknowledged, resolved, unresolved (the first two) or '' for all.")  # fmt: skip
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
def alerts_list_cmd(status: str, limit: int) -> None:
    """Alerts, latest trigger first."""
    platform = get_platform()
    from massline.services.alerts import all_alerts

    platform.migrate()
    with platform.read() as session:
        rows = [
            f"#{a.id:<5} {a.status:<12} {a.kind:<16} ×{a.trigger_count:<3} {a.last_triggered_at:%Y-%m-%d %H:%M} "
            f"{a.office.name if a.office else '-'}  {a.title}"
            for a in all_alerts(session, status=status, limit=limit)
        ]
    for line in rows:
        click.echo(line)
    if not rows:
        click.echo("no alerts")


def register(main: click.Group) -> None:
    """Add ``issues`` and ``alerts`` to ``main``."""
    main.add_command(issues_group)
    main.add_command(alerts_group)
