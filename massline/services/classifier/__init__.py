"""The category classifier in the platform: the model file, loading it,
retraining it from the deployment's history, and the held-out check before
a retrained model replaces the one in use, and the model's status for the
admin page (in use? enough labelled messages to train one?).
"""

from massline.services.classifier.model import (
    ModelUnavailable,
    RetrainReport,
    TrainingSet,
    load_classifier,
    model_in_use,
    retrain,
    training_set,
)
from massline.services.classifier.status import ModelStatus, model_status

__all__ = [
    "ModelStatus",
    "ModelUnavailable",
    "RetrainReport",
    "TrainingSet",
    "load_classifier",
    "model_in_use",
    "model_status",
    "retrain",
    "training_set",
]
