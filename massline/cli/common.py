"""Helpers shared by the CLI command modules.

The command modules import what a command needs inside the command, so
``massline --help`` and the light commands start without loading the
platform, the analysis libraries (scikit-learn, numpy, rjieba) or the web
server (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from massline.platform import Platform


def get_platform() -> Platform:
    """The platform configured by the environment."""
    from massline.platform import Platform

    return Platform()


def fail(message: str) -> NoReturn:
    """Print ``message`` as a one-line error and exit with status 1."""
    raise click.ClickException(message)
