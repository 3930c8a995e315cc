"""``massline supervision``: the supervision channel's sweep (escalation of overdue reports, retention)."""

from __future__ import annotations

import click

from massline.cli.common import get_platform


@click.group("supervision")
def supervision_cmd() -> None:
    """Misconduct reports (监督举报): deadlines and retention (docs/supervision.md)."""


@supervision_cmd.command("sweep")
def supervision_sweep() -> None:
    """Escalate overdue reports one level up; delete reports past retention with their keys."""
    from massline.services.supervision import sweep_reports

    platform = get_platform()
    with platform.write() as session:
        result = sweep_reports(session, platform.now())
    click.echo(f"escalated {result.escalated}, deleted {result.deleted}")


def register(main: click.Group) -> None:
    """Add the ``supervision`` group to ``main``."""
    main.add_command(supervision_cmd)
