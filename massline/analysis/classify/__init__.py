"""Classifying a message: its category (the trained model, its features and
evaluation), its kind (投诉/求助/…), urgency and emotional intensity.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massline.analysis.classify.evaluate import calibration_of, cross_validate
    from massline.analysis.classify.inputs import text_of
    from massline.analysis.classify.kind import guess_kind
    from massline.analysis.classify.model import CategoryClassifier, ModelFormatError
    from massline.analysis.classify.sentiment import sentiment_intensity
    from massline.analysis.classify.urgency import Signal, Urgency, assess_urgency

__all__ = [
    "CategoryClassifier",
    "ModelFormatError",
    "Signal",
    "Urgency",
    "assess_urgency",
    "calibration_of",
    "cross_validate",
    "guess_kind",
    "sentiment_intensity",
    "text_of",
]

# The names above load on first use (PEP 562): scikit-learn loads only with the model or the evaluation.
_SOURCES = {
    "calibration_of": "evaluate",
    "cross_validate": "evaluate",
    "guess_kind": "kind",
    "CategoryClassifier": "model",
    "ModelFormatError": "model",
    "text_of": "inputs",
    "sentiment_intensity": "sentiment",
    "Signal": "urgency",
    "Urgency": "urgency",
    "assess_urgency": "urgency",
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export

    def __getattr__(name: str) -> object:
        if name not in _SOURCES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{_SOURCES[name]}"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_SOURCES})
