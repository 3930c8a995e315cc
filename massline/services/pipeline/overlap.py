"""The pure phase of the next batches in a second process while this one stores the previous batch.

:class:`ComputeProcess` runs :func:`~massline.services.pipeline.runner.compute_batch`
in one child process (``fork``: it inherits the loaded models, the gazetteer and
the steps, nothing is pickled but the messages and the results), so that on a
machine with two cores the category model, the kind/urgency/feeling model and
the place model of batches *n + 1*, *n + 2*… (those submitted, in turn) run while
batch *n* is written. The child is kept while the context's models and the steps'
names and versions stay the same (the worker's every cycle). The child never
opens the database (the write lock's file it inherits is closed in it: ``db.WriteLock``); the write
transactions stay where they were, as short. It exits when its parent is gone, even killed.

Where the child cannot be used (no ``fork`` on the platform, a plugin's result
that cannot be pickled, the child killed) the batch is computed in this process,
as before: the results are the same either way.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from massline.services.pipeline.context import AnalysisContext
from massline.services.pipeline.runner import Batch, compute_batch
from massline.services.pipeline.stepdef import Item, Step, StepResult

log = logging.getLogger(__name__)

#: What a child inherits when it is forked: the context and steps of the process that started it.
_INHERITED: dict[str, tuple[AnalysisContext, Sequence[Step]]] = {}

Computed = tuple[dict[int, dict[str, StepResult | Exception]], dict[str, dict[int, Any]]]


def _watch_parent(parent: int) -> None:
    """In the child: exit when the process that started it is gone (killed: it could not say so)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="massline-compute-parent", daemon=True).start()


def _compute_in_child(key: str, items: list[Item], todo: dict[int, list[str]]) -> Computed:
    """In the child: the pure phase of one batch with the inherited context and steps."""
    ctx, steps = _INHERITED[key]
    batch = Batch(dataclasses.replace(ctx, batch={}, state={}), steps, {}, "", items, False, 0)
    batch.todo = {mid: [s for s in steps if s.name in names] for mid, names in todo.items()}
    compute_batch(batch)
    return batch.computed, batch.ctx.batch


def _identity(batch: Batch) -> tuple[tuple[Any, ...], tuple[tuple[str, str], ...]]:
    """What the pure steps read from the context, and the steps: when any of it is another object, or a step
    has another name or version, fork again. (A step is known by its name and version, as its results are
    stored: the plugins give new ``Step`` objects, of new functions, each time they are asked, so that by
    identity every cycle of the worker forked a new child, which loaded its lazy parts again.)"""
    ctx = batch.ctx
    return (ctx.gazetteer, ctx.classifier, ctx.message_model, ctx.place_tagger, ctx.threshold,
            ctx.classifier_problem, ctx.hasher.num_perm, ctx.lsh.threshold), tuple(batch.versions.items())  # fmt: skip


def _freeze() -> None:
    """Every object alive now out of the cyclic collector's reach (``gc.freeze``, as Python's documentation
    advises right before a fork): the models, the gazetteer and the kept index that both processes hold are
    no longer scanned by each full collection (about 0.15 s each in the storing process, several per 5,000
    messages), and the child's collections do not write into the pages it shares with its parent.
    :meth:`ComputeProcess.close` gives them back (``gc.unfreeze``)."""
    gc.collect()
    gc.freeze()


class ComputeProcess:
    """One child process computing batches ahead (see the module doc); :meth:`close` ends it."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._identity: tuple[tuple[Any, ...], tuple[tuple[str, str], ...]] = ((), ())
        self._key = f"{id(self)}"

    def submit(self, batch: Batch) -> Future[Computed] | None:
        """Start computing ``batch`` in the child; None when the child cannot be used (compute here then)."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        (context, versions) = identity = _identity(batch)
        if (
            self._pool is None
            or versions != self._identity[1]
            or any(a is not b for a, b in zip(context, self._identity[0], strict=True))
        ):
            self.close()
            _INHERITED[self._key] = (batch.ctx, batch.steps)  # read by the child forked on the first submit
            _freeze()
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_watch_parent, initargs=(os.getpid(),))  # fmt: skip
            self._identity = identity
        todo = {mid: [s.name for s in steps] for mid, steps in batch.todo.items()}
        try:
            return self._pool.submit(_compute_in_child, self._key, batch.items, todo)
        except (BrokenProcessPool, RuntimeError):
            self.close()
            return None

    def collect(self, batch: Batch, future: Future[Computed] | None) -> None:
        """The results of ``batch`` into it: the child's, or computed here when the child failed."""
        if future is not None:
            try:
                computed, prepared = future.result()
            except (BrokenProcessPool, CancelledError, pickle.PicklingError, TypeError, AttributeError) as exc:
                log.warning("pipeline: computing in the second process failed (%s); computing here", exc)
                if isinstance(exc, BrokenProcessPool):
                    self.close()
            else:
                batch.computed = computed
                batch.ctx.batch.update(prepared)
                return
        compute_batch(batch)

    def close(self) -> None:
        """End the child process (a new one is forked by the next :meth:`submit`)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            gc.unfreeze()  # what was alive at the fork (models replaced since among it) is collected again
        _INHERITED.pop(self._key, None)
        self._identity = ((), ())
