"""``massline audit``: check the tamper-evident audit trail."""

from __future__ import annotations

import sys

import click

from massline.cli.common import get_platform


@click.group("audit")
def audit_cmd() -> None:
    """The audit trail of sensitive reads and administrative acts (docs/security.md)."""


@audit_cmd.command("verify")
def audit_verify() -> None:
    """Recompute the audit trail's hash chain; name the first changed or deleted row (exit code 1)."""
    from massline.services.audit import verify_chain

    platform = get_platform()
    with platform.read() as session:
        report = verify_chain(session)
    click.echo(f"checked {report.checked} chained rows ({report.unchained} older rows before the chain)")
    if report.problem:
        click.echo(f"audit chain broken: {report.problem}", err=True)
        sys.exit(1)
    click.echo("audit chain intact")


def register(main: click.Group) -> None:
    """Add the ``audit`` group to ``main``."""
    main.add_command(audit_cmd)
