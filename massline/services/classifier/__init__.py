"""The category classifier in the platform: the model file, loading it,
retraining it from the deployment's history, and the held-out check before
a retrained model replaces the one in use.
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

__all__ = [
    "ModelUnavailable",
    "RetrainReport",
    "TrainingSet",
    "load_classifier",
    "model_in_use",
    "retrain",
    "training_set",
]
