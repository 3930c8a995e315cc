"""The built-in analysis steps as a plugin: classify, kind, urgency, sentiment, place, duplicates.

:func:`builtin_steps` implements the ``register_pipeline_steps`` hook; the
platform registers this plugin explicitly at start-up (``massline.plugins``).
The steps' functions live in ``steps.py`` and are imported when a step first
runs, so that building the plugin manager (every command, ``massline plugins``)
loads neither numpy nor the segmenter.
"""

from __future__ import annotations

from massline.hookspecs import hookimpl
from massline.services.pipeline.stepdef import Step, deferred

STEPS = "massline.services.pipeline.steps"
UNDERSTAND = "massline.services.pipeline.understand"  # the learned kind, urgency and feeling


@hookimpl(specname="register_pipeline_steps")
def builtin_steps() -> list[Step]:
    """The built-in steps: classify, kind, urgency, sentiment, place, duplicates (in this order)."""
    return [
        Step("classify", deferred(STEPS, "classify_version"), compute=deferred(STEPS, "classify_step"),
             prepare=deferred(STEPS, "classify_batch")),
        Step("kind", deferred(UNDERSTAND, "kind_version"), compute=deferred(UNDERSTAND, "kind_step"),
             prepare=deferred(UNDERSTAND, "understand_batch")),
        Step("urgency", deferred(UNDERSTAND, "urgency_version"), compute=deferred(UNDERSTAND, "urgency_step"),
             prepare=deferred(UNDERSTAND, "understand_batch")),
        Step("sentiment", deferred(UNDERSTAND, "sentiment_version"), compute=deferred(UNDERSTAND, "sentiment_step"),
             prepare=deferred(UNDERSTAND, "understand_batch")),
        Step("place", deferred(STEPS, "place_version"), compute=deferred(STEPS, "place_step")),
        Step("duplicates", deferred(STEPS, "duplicates_version"), deferred(STEPS, "duplicates_step"),
             prepare=deferred(STEPS, "duplicates_prepare"), finish=deferred(STEPS, "duplicates_finish")),
    ]  # fmt: skip
