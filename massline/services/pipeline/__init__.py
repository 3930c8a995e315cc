"""The analysis pipeline: ordered, incremental steps with versioned results, run
by the worker and the CLI. Owns the step-facing types (``stepdef``), the
analysis context (``context``), the runner, the routing of queued messages by
what the analysis found (``dispatch``) and the built-in steps (``steps``:
classify, kind, urgency, sentiment, place, duplicates), which this package
contributes as a plugin (``plugin``, registered at start-up by ``massline.plugins``).

Other packages use only the names below. They load on first use, so that the
plugin manager and the commands that run no analysis do not load numpy, the
segmenter or the other domains the runner uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.pipeline import plugin
    from massline.services.pipeline.context import AnalysisContext, PlacesCache, analysis_context
    from massline.services.pipeline.dispatch import Suggestion, locate_region, route_by_analysis, suggest_offices
    from massline.services.pipeline.overlap import ComputeProcess
    from massline.services.pipeline.places import PLACE_MODEL, load_place_tagger
    from massline.services.pipeline.plugin import builtin_steps
    from massline.services.pipeline.progress import Progress, analysis_progress
    from massline.services.pipeline.runner import (
        Batch,
        PipelineReport,
        collected_after,
        compute_batch,
        pipeline_version,
        plan_batch,
        run_pipeline,
        store_batch,
    )
    from massline.services.pipeline.stepdef import (
        ComputeFn,
        FinishFn,
        Item,
        PrepareFn,
        Step,
        StepFn,
        StepResult,
        deferred,
        ordered_steps,
    )

__all__ = [
    "AnalysisContext",
    "PLACE_MODEL",
    "Batch",
    "ComputeFn",
    "ComputeProcess",
    "FinishFn",
    "Item",
    "PipelineReport",
    "PlacesCache",
    "Progress",
    "PrepareFn",
    "Step",
    "StepFn",
    "StepResult",
    "Suggestion",
    "analysis_context",
    "analysis_progress",
    "builtin_steps",
    "collected_after",
    "compute_batch",
    "deferred",
    "load_place_tagger",
    "locate_region",
    "ordered_steps",
    "pipeline_version",
    "plan_batch",
    "plugin",
    "route_by_analysis",
    "run_pipeline",
    "store_batch",
    "suggest_offices",
]

_LAZY = {
    "context": ["AnalysisContext", "PlacesCache", "analysis_context"],
    "dispatch": ["Suggestion", "locate_region", "route_by_analysis", "suggest_offices"],
    "overlap": ["ComputeProcess"],
    "places": ["PLACE_MODEL", "load_place_tagger"],
    "plugin": ["builtin_steps"],
    "progress": ["Progress", "analysis_progress"],
    "runner": ["Batch", "PipelineReport", "collected_after", "compute_batch", "pipeline_version", "plan_batch",
               "run_pipeline", "store_batch"],
    "stepdef": ["ComputeFn", "FinishFn", "Item", "PrepareFn", "Step", "StepFn", "StepResult", "deferred",
                "ordered_steps"],
}  # fmt: skip

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submodules=["plugin"], submod_attrs=_LAZY)
