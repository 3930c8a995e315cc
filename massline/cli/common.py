"""Helpers shared by the CLI command modules."""

from __future__ import annotations

from typing import NoReturn

import click

from massline.platform import Platform


def get_platform() -> Platform:
    """The platform configured by the environment."""
    return Platform()


def fail(message: str) -> NoReturn:
    """Print ``message`` as a one-line error and exit with status 1."""
    raise click.ClickException(message)
