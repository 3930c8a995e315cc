"""The held-out check ``retrain`` runs before it replaces the category model.

The labelled history, oldest first, is split by time: the newest
``HOLDOUT_FRACTION`` of the rows (the cases most like those the model will
meet next) are held out and the rest trains a *candidate* model.  The
candidate, and the model currently in use when there is one, are scored on the
held-out rows with the same figures: macro-F1 over the categories present in
the held-out rows, accuracy, and the expected calibration error of the
top-class confidence (:func:`massline.analysis.classify.evaluate.calibration_of`).
A label the current model does not know is simply an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # scikit-learn loads slowly: the functions that score or load a model import it
    from massline.analysis.classify import CategoryClassifier

__all__ = ["HOLDOUT_FRACTION", "MIN_HOLDOUT", "TOLERANCE", "Score", "holdout_split", "load_current", "score"]

#: Share of the labelled rows (the newest) held out to check a candidate model.
HOLDOUT_FRACTION = 0.2
#: Fewer held-out rows than this say too little to compare models: the check is skipped.
MIN_HOLDOUT = 20
#: How much lower the candidate's held-out macro-F1 may be than the current model's.
TOLERANCE = 0.01


@dataclass(frozen=True)
class Score:
    """Figures of one model on the held-out rows."""

    macro_f1: float
    accuracy: float
    ece: float


def holdout_split(labels: Sequence[str], floor: int) -> tuple[int, tuple[str, str] | None]:
    """Where to cut ``labels`` (oldest first): the index of the first held-out row, or why not to.

    Returns ``(cut, None)`` when the rows from ``cut`` on can be held out, and
    ``(len(labels), (chinese, english))`` when the held-out set would have
    fewer than ``MIN_HOLDOUT`` rows or would leave a category with fewer than
    ``floor`` training rows.
    """
    n = len(labels)
    held = round(n * HOLDOUT_FRACTION)
    if held < MIN_HOLDOUT:
        return n, (
            f"最近的留言只能留出 {held} 条，至少需要 {MIN_HOLDOUT} 条",
            f"only {held} recent cases could be held out, the check needs {MIN_HOLDOUT}",
        )
    cut = n - held
    left = Counter(labels[:cut])
    short = {label: left[label] for label in sorted(set(labels)) if left[label] < floor}
    if short:
        named = ", ".join(f"{label} {k}" for label, k in short.items())
        return n, (
            f"留出最近的 {held} 条后，这些领域用于训练的留言不足 {floor} 条：{named}",
            f"holding out the {held} most recent cases would leave fewer than {floor} training cases in {named}",
        )
    return cut, None


def score(model: CategoryClassifier, texts: Sequence[str], labels: Sequence[str]) -> Score:
    """Macro-F1, accuracy and expected calibration error of ``model`` on ``texts`` with true ``labels``.

    Macro-F1 averages over the categories present in ``labels``; a prediction
    outside them (a category the model knows but the check does not count) is
    an error like any other.
    """
    from sklearn.metrics import f1_score

    from massline.analysis.classify import calibration_of

    pairs = model.predict_with_confidence(list(texts))
    predicted = [label for label, _ in pairs]
    correct = [p == t for p, t in zip(predicted, labels, strict=True)]
    classes = sorted(set(labels))
    return Score(
        macro_f1=float(f1_score(list(labels), predicted, labels=classes, average="macro", zero_division=0)),
        accuracy=sum(correct) / len(correct),
        ece=calibration_of([conf for _, conf in pairs], correct).ece,
    )


def load_current(path: Path) -> tuple[CategoryClassifier | None, str | None]:
    """The model at ``path`` and None, or None and why there is no usable one (None when no file)."""
    from massline.analysis.classify import CategoryClassifier

    if not path.exists():
        return None, None
    try:
        return CategoryClassifier.load(path), None
    except Exception as exc:  # foreign, old or damaged files fail in many ways
        return None, str(exc) or exc.__class__.__name__
