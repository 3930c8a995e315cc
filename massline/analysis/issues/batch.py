"""Per-message work of a large batch in forked processes (issue discovery's batch form).

:func:`map_chunks` runs a function over a sequence in chunks: in this process, or in ``jobs``
processes ``fork``ed from it, which share what it holds (the segmenter, the place vocabulary
learnt so far) without copying it and return their results pickled, in order. The chunks are the
same either way, so the results are too. The items themselves are pickled to the processes: pass
positions (a ``range``) into what they already hold.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["map_chunks", "processes"]

T = TypeVar("T")
R = TypeVar("R")

#: the function the forked processes run (set before the fork: closures are not pickled)
_WORK: list[Callable[[Any], list[Any]]] = []


#: the smallest batch worth a pool of processes
MIN_FORKED = 2000
#: items per chunk handed to a process
CHUNK = 500


def processes(jobs: int, items: int) -> int:
    """``jobs`` when there are at least :data:`MIN_FORKED` items and ``fork`` exists, else 1 (a pool
    costs more than it saves on a small batch)."""
    if items < MIN_FORKED or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, jobs)


def map_chunks(
    fn: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int = 1, size: int | None = None
) -> list[R]:
    """``fn`` (one result per item of a chunk) over ``items`` in chunks of ``size`` (default :data:`CHUNK`),
    the results in order; with ``jobs`` > 1 in as many forked processes."""
    size = size or CHUNK
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    if jobs <= 1 or len(chunks) < 2:
        return [r for chunk in chunks for r in fn(chunk)]
    _WORK[:] = [fn]
    gc.freeze()  # what is loaded stays shared with the children (the collector would touch it, copying it)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return [r for part in pool.imap(_forked, chunks) for r in part]
    finally:
        _WORK.clear()
        gc.unfreeze()


def _forked(chunk: Sequence[Any]) -> list[Any]:
    return _WORK[0](chunk)
