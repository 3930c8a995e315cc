"""Classifying a message: its category (the trained model, its features and
evaluation), its kind (投诉/求助/…), urgency and emotional intensity.
"""

from massline.analysis.classify.evaluate import calibration_of, cross_validate
from massline.analysis.classify.kind import guess_kind
from massline.analysis.classify.model import CategoryClassifier, ModelFormatError, text_of
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
