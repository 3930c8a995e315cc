"""The ``issues`` pipeline step as a plugin (registered at start-up after the built-in steps).

:func:`issue_steps` implements the ``register_pipeline_steps`` hook; the step's
functions (``step.py``) are imported when the step first runs, so that building
the plugin manager loads neither numpy nor the segmenter.
"""

from __future__ import annotations

from massline.hookspecs import hookimpl
from massline.services.pipeline import Step, deferred

STEP = "massline.services.issues.step"


@hookimpl(specname="register_pipeline_steps")
def issue_steps() -> list[Step]:
    """The ``issues`` step (needs ``duplicates``' results: register this plugin after the pipeline's)."""
    return [
        Step("issues", "issues-v1", deferred(STEP, "issue_step"), prepare=deferred(STEP, "prepare_issues"),
             finish=deferred(STEP, "finish_issues")),
    ]  # fmt: skip
