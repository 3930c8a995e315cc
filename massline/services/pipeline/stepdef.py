"""The step-facing types: a step (:class:`Step`), the message it reads (:class:`Item`) and its result.

Steps reach the pipeline through the ``register_pipeline_steps`` hook
(``massline.hookspecs``); :func:`ordered_steps` puts the plugins' steps in the
order they run. This module loads neither the database layer nor the analysis
libraries, so that the plugin manager can be built without them
(``massline plugins``, the commands that run no analysis).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from massline.services.pipeline.context import AnalysisContext


@dataclass(frozen=True)
class Item:
    """The part of a message the steps read."""

    id: int
    title: str
    body: str
    created_at: datetime

    @property
    def text(self) -> str:
        """Title and body, as analysed (evidence offsets refer to this text)."""
        return f"{self.title}\n{self.body}"


@dataclass
class StepResult:
    """A step's output: values for typed ``MessageAnalysis`` columns and JSON evidence."""

    values: dict[str, Any] = field(default_factory=dict)
    evidence: Any = None
    skipped: str | None = None


# strings: the context and the session are only named here, so that this module loads neither
StepFn: TypeAlias = Callable[["AnalysisContext", "Session", Item], StepResult]
ComputeFn: TypeAlias = Callable[["AnalysisContext", Item], StepResult]
PrepareFn: TypeAlias = Callable[["AnalysisContext", list[Item]], None]
FinishFn: TypeAlias = Callable[["AnalysisContext", "Session", list[Item]], None]


@dataclass(frozen=True)
class Step:
    """A pipeline step: computes its part of the analysis for each message whose stored version differs.

    A step gives either ``compute(ctx, item)`` — a pure function of the text,
    called *before* the write transaction, so that no writer waits for it — or
    ``run(ctx, session, item)``, called inside the write transaction when the
    step needs the database. In ``run`` the session does not flush by itself:
    it shows the database as it was before the batch plus what the step wrote
    through Core statements; what earlier messages of the batch produced is in
    ``ctx.state`` (per transaction) if the step keeps it there. ``ctx.state["first_time"]``
    holds the ids of the messages analysed for the first time (nothing of theirs to replace).

    ``version`` is a string, or a function of the context (the classifier's
    model version). Bump it when the step's results change: the next run
    recomputes that step, and only that step, for every message.
    ``prepare(ctx, items)`` may precompute a batch into ``ctx.batch[name]``
    (before the write transaction too); ``finish(ctx, session, items)`` runs
    once after the batch (in the write transaction, after a flush) with the
    items the step ran on, e.g. to refresh aggregates once. ``values`` of its
    results must be columns of ``MessageAnalysis``; the evidence is stored as
    JSON under the step's name.
    """

    name: str
    version: str | Callable[[AnalysisContext], str]
    run: StepFn | None = None
    prepare: PrepareFn | None = None
    finish: FinishFn | None = None
    compute: ComputeFn | None = None

    def __post_init__(self) -> None:
        if (self.run is None) == (self.compute is None):
            raise ValueError(f"step {self.name!r}: give either run (needs the database) or compute (pure)")

    def current_version(self, ctx: AnalysisContext) -> str:
        """The version results computed now would carry."""
        return self.version(ctx) if callable(self.version) else self.version


def ordered_steps(groups: Iterable[Iterable[Step]]) -> list[Step]:
    """The steps of ``groups`` (one list per plugin, in registration order) in the order they run.

    A step whose name was already given replaces the earlier one in place (a
    new version of a built-in step keeps its position); others are appended.
    """
    out: list[Step] = []
    for group in groups:
        for step in group:
            for i, existing in enumerate(out):
                if existing.name == step.name:
                    out[i] = step
                    break
            else:
                out.append(step)
    return out


def deferred(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported when first called: a plugin lists its steps without loading what they use.

    The built-in steps need numpy, the segmenter and the database layer; a step
    made of deferred functions costs nothing until the pipeline runs it.
    """
    found: list[Callable[..., Any]] = []

    def call(*args: Any) -> Any:
        if not found:
            found.append(getattr(importlib.import_module(module), name))
        return found[0](*args)

    call.__name__ = call.__qualname__ = name
    call.__module__ = module
    return call
