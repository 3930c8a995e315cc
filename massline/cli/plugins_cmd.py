"""``massline plugins``: the plugins the platform loaded at start-up, and what each registers."""

from __future__ import annotations

import click

__all__ = ["register"]


@click.command("plugins")
def plugins_cmd() -> None:
    """List the loaded plugins (built-in first, then MASSLINE_PLUGINS, then entry points) and their hooks."""
    from massline.config import get_settings
    from massline.plugins import load_plugins

    # the plugins a Platform loads from these settings, without opening the database
    plugins = load_plugins(get_settings().plugins)
    for name, hooks in plugins.hooks().items():
        click.echo(f"{name}: {', '.join(hooks) or '(no hooks)'}")
    click.echo(f"pipeline steps: {', '.join(s.name for s in plugins.steps())}")
    click.echo(f"importers: {', '.join(plugins.importers().names)}")
    click.echo(f"exporters: {', '.join(plugins.exporters().names)}")


def register(main: click.Group) -> None:
    """Add ``plugins`` to ``main``."""
    main.add_command(plugins_cmd)
