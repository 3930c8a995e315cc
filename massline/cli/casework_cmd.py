"""``massline casework sweep``: the deadline sweep, for deployments that run no worker (cron)."""

from __future__ import annotations

import click

from massline.cli.common import get_platform

__all__ = ["register"]


@click.group("casework")
def casework_group() -> None:
    """Casework supervision: deadlines, escalation and closing of replied cases."""


@casework_group.command("sweep")
def sweep_cmd() -> None:
    """Remind handlers before deadlines, escalate overdue cases (office head, then the dispatch
    centre) and close replied cases nobody rated in time, as the deployment's casework policy says.

    The worker does this every few minutes; run it from cron where no worker runs. Each step is
    taken once per case and deadline: running it again changes nothing."""
    platform = get_platform()  # (first: the platform loads with the collector paused, common.py)
    from massline.services.casework import sweep_in_chunks

    platform.migrate()
    report = sweep_in_chunks(platform.write, platform.now())
    click.echo(f"deadline sweep: {report}")


def register(main: click.Group) -> None:
    """Add the ``casework`` group to the ``massline`` command."""
    main.add_command(casework_group)
