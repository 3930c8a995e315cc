"""Helpers shared by the CLI command modules.

The command modules import what a command needs inside the command, so
``massline --help`` and the light commands start without loading the
platform, the analysis libraries (scikit-learn, numpy, rjieba) or the web
server (``tests/cli/test_startup.py``).

Loading the platform creates some 100,000 objects that live as long as the
process (modules, classes, mappers); the cyclic garbage collector would
traverse them again and again while they are created (a tenth of a command's
CPU time). The first platform of a process is therefore loaded with the
collector paused, and what exists then is moved out of its view
(``gc.freeze()``, what CPython documents for long-lived start-up state);
garbage created afterwards is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from massline.platform import Platform


def get_platform() -> Platform:
    """The platform configured by the environment (the process's first: loaded with the collector paused)."""
    with _start_up():
        from massline.platform import Platform

        return Platform()


_started = False


@contextmanager
def _start_up() -> Iterator[None]:
    """Pause the garbage collector the first time (if it runs); then freeze what was loaded and resume it."""
    global _started
    if _started or not gc.isenabled():
        yield
        return
    _started = True
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def fail(message: str) -> NoReturn:
    """Print ``message`` as a one-line error and exit with status 1."""
    raise click.ClickException(message)
