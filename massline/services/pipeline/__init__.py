"""The analysis pipeline: ordered, incremental steps with versioned results, run
by the worker and the CLI. Owns the step-facing types (``context``), the runner,
the routing of queued messages by what the analysis found (``dispatch``) and the
built-in steps (``steps``: classify, kind, urgency, sentiment, place,
duplicates), which this package contributes as a plugin (``builtin_steps``,
registered at start-up by ``massline.plugins``).

Other packages use only the names below.
"""

from massline.services.pipeline.context import (
    AnalysisContext,
    ComputeFn,
    FinishFn,
    Item,
    PlacesCache,
    PrepareFn,
    Step,
    StepFn,
    StepResult,
    analysis_context,
)
from massline.services.pipeline.dispatch import Suggestion, locate_region, route_by_analysis, suggest_offices
from massline.services.pipeline.places import PLACE_MODEL, load_place_tagger
from massline.services.pipeline.progress import Progress, analysis_progress
from massline.services.pipeline.runner import (
    Batch,
    PipelineReport,
    compute_batch,
    ordered_steps,
    pipeline_version,
    plan_batch,
    run_pipeline,
    store_batch,
)
from massline.services.pipeline.steps import builtin_steps

__all__ = [
    "AnalysisContext",
    "Batch",
    "ComputeFn",
    "FinishFn",
    "Item",
    "PLACE_MODEL",
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
    "compute_batch",
    "load_place_tagger",
    "locate_region",
    "ordered_steps",
    "pipeline_version",
    "plan_batch",
    "route_by_analysis",
    "run_pipeline",
    "store_batch",
    "suggest_offices",
]
