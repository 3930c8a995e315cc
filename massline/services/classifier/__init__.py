"""The category classifier in the platform: the model file, loading it,
retraining it from the deployment's history, and the held-out check before
a retrained model replaces the one in use (model files loaded once per process and file
version: ``load_cached``), and the model's status for the
admin page (in use? enough labelled messages to train one?); and the kind,
urgency and feeling model shipped with the package (``understanding``).
"""

from massline.services.classifier.model import (
    ModelUnavailable,
    RetrainReport,
    TrainingSet,
    load_cached,
    load_classifier,
    model_in_use,
    retrain,
    training_set,
)
from massline.services.classifier.status import ModelStatus, model_status
from massline.services.classifier.understanding import SHIPPED_MODEL, load_message_model

__all__ = [
    "SHIPPED_MODEL",
    "ModelStatus",
    "ModelUnavailable",
    "RetrainReport",
    "TrainingSet",
    "load_cached",
    "load_classifier",
    "load_message_model",
    "model_in_use",
    "model_status",
    "retrain",
    "training_set",
]
