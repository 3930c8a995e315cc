"""The kind, urgency and feeling model in the platform: the shipped file, loading it once per process.

The model (:class:`massline.analysis.classify.MessageModel`) ships with the
package (``massline/data/models/understanding.joblib``, written by
``massline understand train``); a deployment may name another file
(``Settings.understanding_model``). It is loaded once per process and again
only when the file changes. Without a file the pipeline's word rules decide.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import massline
from massline.services.classifier.model import ModelUnavailable, load_cached

if TYPE_CHECKING:
    from massline.analysis.classify import MessageModel  # scikit-learn: loaded with the model file

#: The model file shipped with the package.
SHIPPED_MODEL = Path(massline.__file__).resolve().parent / "data" / "models" / "understanding.joblib"


def load_message_model(path: Path | None = None) -> MessageModel | None:
    """The model at ``path`` (default: the shipped one), cached until the file changes; None when absent.

    Raises ModelUnavailable when the file exists but is not a usable model.
    """
    from massline.analysis.classify import MessageModel, ModelFormatError

    path = path or SHIPPED_MODEL
    try:
        return load_cached(path, MessageModel.load)
    except (ModelFormatError, OSError) as exc:
        raise ModelUnavailable(str(exc)) from exc
