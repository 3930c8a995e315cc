"""The ``massline`` command: one entry point, one module per command group."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from massline import __version__
from massline.cli.common import fail, get_platform
from massline.services.errors import ServiceError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="massline")
def main() -> None:
    """Massline: the online mass line platform (网络群众路线平台).

    Settings come from MASSLINE_* environment variables or a .env file
    (see docs/configuration.md); by default a SQLite file in ./instance.
    """


@main.command()
def init() -> None:
    """Create or migrate the database to the newest schema."""
    platform = get_platform()
    platform.migrate()
    click.echo(f"database ready: {platform.engine.url.render_as_string(hide_password=True)}")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default: settings host, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: settings port, 8000).")
@click.option("--demo/--no-demo", default=False, help="Load the demo deployment first if the database is empty.")
@click.option("--workers", default=1, show_default=True, type=int, help="uvicorn worker processes.")
@click.option(
    "--worker/--no-worker", "analysis", default=True,
    help="Run the analysis worker beside the server, in a process of its own (default: on).",
)
@click.option("--access-log/--no-access-log", default=False, help="Log every request (default: off; a proxy logs).")
def serve(host: str | None, port: int | None, demo: bool, workers: int, analysis: bool, access_log: bool) -> None:
    """Migrate, optionally load the demo, and serve the web platform (with the analysis worker)."""
    from massline.cli import serving

    platform = get_platform()
    platform.migrate()
    if demo:
        from massline.services.demo import demo_loaded, load_demo

        with platform.read() as session:
            loaded = demo_loaded(session)
        if not loaded:
            click.echo("loading the demo deployment (first start) ...")
            _print_demo(load_demo(platform))
    s = platform.settings
    platform.dispose()
    if not s.public_url:  # links in notifications name the address served (the worker reads it)
        os.environ["MASSLINE_PUBLIC_URL"] = f"http://{host or s.host}:{port or s.port}"
    # the analysis worker in a process of its own: it does not share the web process's interpreter;
    # stopped before serve ends, SIGTERM (systemd) and Ctrl-C included
    command = [sys.executable, "-m", "massline.cli", "worker", "--exit-with", str(os.getpid())]
    serving.run(
        "massline.web.asgi:app",
        host=host or s.host,
        port=port or s.port,
        workers=workers,
        proxy_headers=s.trust_forwarded_for,
        access_log=access_log,
        worker=command if analysis else None,
    )


@main.command()
@click.option("--force", is_flag=True, help="Load even if the database already has messages.")
def demo(force: bool) -> None:
    """Load the shipped demo deployment and its messages (江州市)."""
    from massline.services.demo import demo_loaded, load_demo

    platform = get_platform()
    platform.migrate()
    with platform.read() as session:
        if demo_loaded(session) and not force:
            fail("the database already has messages; use --force to load the demo anyway")
    _print_demo(load_demo(platform))


def _print_demo(report: object) -> None:
    from massline.services.demo import DemoReport

    assert isinstance(report, DemoReport)
    click.echo(f"demo loaded: {report.messages} messages")
    click.echo(report.model_note)
    if report.sweep is not None:
        click.echo(f"deadline sweep: {report.sweep}")
    if report.passwords:
        path = report.credentials_file
        click.echo(f"staff accounts (passwords also saved to {path}):")
        for user, pw in report.passwords.items():
            click.echo(f"  {user:20s} {pw}")
    if report.report_receipt:
        click.echo(f"a supervision report to follow at /report/follow: {' '.join(report.report_receipt)}")


@main.group()
def config() -> None:
    """Deployment configuration (regions, offices, users, taxonomy, deadlines)."""


@config.command("load")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def config_load(file: Path) -> None:
    """Validate FILE (YAML) and write it into the database, all or nothing."""
    from massline.io.deployment_yaml import DeploymentError, load_deployment
    from massline.services.deployment import check_apply_deployment
    from massline.services.replies import check_seed_glossary

    if not file.exists():
        fail(f"file not found: {file}")
    try:
        spec = load_deployment(file)
    except DeploymentError as exc:
        fail(str(exc))
    platform = get_platform()
    platform.migrate()
    with platform.write() as session:
        report = check_apply_deployment(session, spec, passwords=platform.passwords)
        glossary = check_seed_glossary(session, platform.now())  # the shipped glossary, once, into an empty table
    click.echo(
        f"loaded {file}: {report.regions} regions, {report.categories} categories, "
        f"{report.offices} offices, {len(report.users_created)} new users, {report.users_updated} updated users"
        + (f", {glossary} glossary terms" if glossary else "")
    )
    for user, pw in report.users_created.items():
        click.echo(f"  new user {user:20s} password {pw}")


@main.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.argument("username")
@click.option("--name", default="", help="Display name.")
@click.option("--role", required=True, help="official, dispatcher, office_head, leader, supervisor or admin.")
@click.option("--office", default=None, help="Office code (officials, dispatchers, office heads).")
@click.option("--region", default=None, help="Region code (leaders).")
@click.option("--password", default=None, help="Password; generated and printed when omitted.")
def user_add(username: str, name: str, role: str, office: str | None, region: str | None, password: str | None) -> None:
    """Create a staff account."""
    from massline.services.people import check_add_user

    platform = get_platform()
    platform.migrate()
    with platform.write() as session:
        created, pw = check_add_user(
            session, username, name, role, office_code=office, region_code=region, password=password,
            passwords=platform.passwords,
        )
    click.echo(f"created {created.username} ({created.role})" + ("" if password else f", password: {pw}"))


@user.command("reset-password")
@click.argument("username")
@click.option("--password", default=None, help="New password; generated and printed when omitted.")
def user_reset_password(username: str, password: str | None) -> None:
    """Set a new password; existing sessions and tokens stop working (a supervision handler gets a new key)."""
    from sqlalchemy import select

    from massline.models import User
    from massline.services.people import check_reset_password
    from massline.services.supervision import do_forget_key

    platform = get_platform()
    with platform.write() as session:
        pw = check_reset_password(session, username, password, passwords=platform.passwords)
        account = session.scalar(select(User).where(User.username == username))
        if account is not None:  # a supervision handler's key cannot be unwrapped any more (docs/supervision.md)
            do_forget_key(session, account)
    click.echo(f"password reset for {username}" + ("" if password else f": {pw}"))


def _register_groups() -> None:
    import importlib

    for name in (
        "massline.cli.io_cmd",
        "massline.cli.classify_cmd",
        "massline.cli.hot_cmd",
        "massline.cli.pipeline_cmd",
        "massline.cli.issues_cmd",
        "massline.cli.casework_cmd",
        "massline.cli.plugins_cmd",
        "massline.cli.notify_cmd",
        "massline.cli.analyse_cmd",
        "massline.cli.understand_cmd",
        "massline.cli.places_cmd",
        "massline.cli.replies_cmd",
        "massline.cli.audit_cmd",
        "massline.cli.supervision_cmd",
        "massline.cli.research_cmd",
        "massline.cli.accountability_cmd",
        "massline.cli.report_cmd",
    ):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(main)


_register_groups()


def run() -> None:
    """Entry point that turns service errors into one clear line and exit code 1."""
    try:
        main(standalone_mode=True)
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
