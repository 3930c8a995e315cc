"""``massline plugins``: the plugins the platform loaded at start-up, and what each registers."""

from __future__ import annotations

import click

from massline.cli.common import get_platform

__all__ = ["register"]


@click.command("plugins")
def plugins_cmd() -> None:
    """List the loaded plugins (built-in first, then MASSLINE_PLUGINS, then entry points) and their hooks."""
    plugins = get_platform().plugins
    for name, hooks in plugins.hooks().items():
        click.echo(f"{name}: {', '.join(hooks) or '(no hooks)'}")
    click.echo(f"pipeline steps: {', '.join(s.name for s in plugins.steps())}")
    click.echo(f"importers: {', '.join(plugins.importers().names)}")
    click.echo(f"exporters: {', '.join(plugins.exporters().names)}")


def register(main: click.Group) -> None:
    """Add ``plugins`` to ``main``."""
    main.add_command(plugins_cmd)
