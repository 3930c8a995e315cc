"""Whether the deployment classifies with a category model, and how far its history is from training
one: what the admin page shows a deployment without labelled history."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from massline.models import Message, MessageEvent
from massline.services.classifier.model import ANSWERED, MIN_PER_CLASS, MIN_TOTAL, model_in_use


@dataclass(frozen=True)
class ModelStatus:
    """``in_use``: a model file is there; ``labelled``: messages ``retrain`` would learn from (answered,
    or category corrected by an official); ``needed``: how many it needs at least; ``per_class``: a
    first-level category with fewer labelled messages is left out of training."""

    in_use: bool
    labelled: int
    needed: int = MIN_TOTAL
    per_class: int = MIN_PER_CLASS

    @property
    def can_train(self) -> bool:
        """True when there are enough labelled messages for ``massline classify retrain`` to try."""
        return self.labelled >= self.needed


def model_status(session: Session, path: Path) -> ModelStatus:
    """The category model's status for the model file at ``path`` and the deployment's history."""
    corrected = exists().where(
        MessageEvent.message_id == Message.id,
        MessageEvent.type == "category_changed",
        MessageEvent.actor_id.is_not(None),
    )
    labelled = session.scalar(
        select(func.count()).select_from(Message)
        .where(Message.category_id.is_not(None), or_(Message.status.in_(ANSWERED), corrected))
    )
    return ModelStatus(model_in_use(path), int(labelled or 0))
