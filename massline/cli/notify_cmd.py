"""``massline notify``: send the notifications of new case events, see and retry the outbox."""

from __future__ import annotations

import time

import click

from massline.cli.common import get_platform


@click.group("notify")
def notify_cmd() -> None:
    """Notifications to citizens (e-mail, SMS): the outbox the worker sends (docs/notifications.md)."""


@notify_cmd.command("run")
@click.option("--loop", is_flag=True, help="Keep running (every --interval seconds) instead of one pass.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes with --loop.")
def notify_run(loop: bool, interval: float) -> None:
    """Turn new case events into notifications and send what is due (one pass, or --loop; for cron and tests)."""
    platform = get_platform()
    notifier = platform.notifier()
    while True:
        report = notifier.run_once()
        click.echo(f"derived {report.derived}, sent {report.sent}, failed {report.failed} "
                   f"(given up {report.given_up})")  # fmt: skip
        if not loop:
            return
        time.sleep(interval)


@notify_cmd.command("status")
def notify_status() -> None:
    """Count the outbox by status and list the notifications given up (channel, tries, last error)."""
    platform = get_platform()  # (first: the platform loads with the collector paused, common.py)
    from massline.services.notify import outbox_summary

    with platform.read() as session:
        summary = outbox_summary(session)
        click.echo("  ".join(f"{status}: {n}" for status, n in summary.counts.items()))
        for row in summary.failed:
            click.echo(f"#{row.id} {row.channel} {row.purpose} message {row.message_id or '-'} "
                       f"tries {row.attempts}: {row.last_error}")  # fmt: skip


@notify_cmd.command("retry")
def notify_retry() -> None:
    """Queue every notification given up again (after the SMTP server or SMS gateway is fixed)."""
    from massline.services.notify import retry_failed

    platform = get_platform()
    with platform.write() as session:
        n = retry_failed(session, platform.now())
    click.echo(f"{n} notifications queued again")


def register(main: click.Group) -> None:
    """Add ``notify`` to ``main``."""
    main.add_command(notify_cmd)
