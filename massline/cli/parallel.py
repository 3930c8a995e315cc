"""How many processes a command that works through a large file uses (``--jobs`` by default)."""

from __future__ import annotations

import multiprocessing
import os

__all__ = ["free_cores"]


def free_cores(rows: int, at_least: int, *, mind_load: bool = True) -> int:
    """The cores (at most 4) for a file of ``rows`` rows when it has at least ``at_least`` and ``fork``
    exists, else one; with ``mind_load``, only the free ones — the cores less the load average of the
    last minute. On a busy machine a second process gets no more CPU for the command (the scheduler
    shares it between sessions) and only adds the cost of the pool (about 5 %); but the load average
    lags a minute behind, so right after another command it counts a core as busy that is free."""
    if rows < at_least or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if not mind_load:
        return max(1, min(4, cores))
    free = cores - (os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
    return max(1, min(4, cores, round(free)))
