"""Cross-validated evaluation of the category classifier, leak-checked.

:func:`cross_validate` splits the labelled messages into stratified folds,
trains on the other folds plus any *extra* training rows (e.g. labelled
titles) and tests on the held-out fold only.  Before each fold, extra and
unlabelled rows whose title is near-identical to a test message's title
(character 2–3-gram TF-IDF cosine ≥ ``leak_threshold``) are dropped, so the
test text never reaches training in another guise — in the TipDM data almost
every full message's title also appears in the titles-only file.

For a model with ``predict_with_confidence`` the report also measures the
calibration of the top-class confidence on the held-out messages
(:class:`Calibration`): the expected calibration error over ten equal-width
bins, and how many messages fall below the model's review threshold and how
often the model is right above and below it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from massline.analysis.classify.features import split_title
from massline.analysis.classify.model import CategoryClassifier

__all__ = ["Calibration", "EvalReport", "calibration_of", "cross_validate", "near_duplicate_links"]

_BINS = 10


@dataclass
class Calibration:
    """Reliability of the top-class confidence on held-out messages."""

    ece: float
    threshold: float
    below: int
    accuracy_below: float
    accuracy_above: float
    bins: list[tuple[float, float, int, float, float]]  # low, high, count, mean confidence, accuracy

    def format(self) -> str:
        """Two summary lines and the reliability table."""
        total = sum(b[2] for b in self.bins)
        lines = [
            f"confidence calibration: expected calibration error {self.ece:.4f} ({_BINS} bins)",
            (
                f"below the review threshold {self.threshold:g}: {self.below} messages "
                f"({self.below / total:.1%}), accuracy {self.accuracy_below:.4f}; "
                f"at or above: accuracy {self.accuracy_above:.4f}"
            ),
            "confidence bin   messages  mean confidence  accuracy",
        ]
        for low, high, count, mean, accuracy in self.bins:
            if count:
                lines.append(f"[{low:.1f}, {high:.1f}){count:13d} {mean:16.4f} {accuracy:9.4f}")
        return "\n".join(lines)


def calibration_of(confidence: ArrayLike, correct: ArrayLike, threshold: float = 0.5) -> Calibration:
    """Reliability of top-class ``confidence`` against whether the prediction was ``correct``."""
    conf = np.asarray(confidence, dtype=float)
    right = np.asarray(correct, dtype=bool)
    index = np.minimum((conf * _BINS).astype(int), _BINS - 1)
    bins: list[tuple[float, float, int, float, float]] = []
    ece = 0.0
    for b in range(_BINS):
        member = index == b
        count = int(member.sum())
        mean = float(conf[member].mean()) if count else 0.0
        accuracy = float(right[member].mean()) if count else 0.0
        ece += count / max(len(conf), 1) * abs(accuracy - mean)
        bins.append((b / _BINS, (b + 1) / _BINS, count, mean, accuracy))
    below = conf < threshold
    return Calibration(
        ece=ece,
        threshold=threshold,
        below=int(below.sum()),
        accuracy_below=float(right[below].mean()) if below.any() else float("nan"),
        accuracy_above=float(right[~below].mean()) if (~below).any() else float("nan"),
        bins=bins,
    )


@dataclass
class EvalReport:
    """Result of :func:`cross_validate`."""

    classes: list[str]
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    folds: int
    n_test: int
    train_seconds: float
    predict_per_second: float
    dropped_leaks: list[int] = field(default_factory=list)
    fold_f1: list[float] = field(default_factory=list)
    calibration: Calibration | None = None

    def format(self) -> str:
        """Human-readable report (per-class table and confusion matrix)."""
        lines = [
            (
                f"macro-F1 {self.macro_f1:.4f} over {self.n_test} messages, {self.folds}-fold CV "
                f"(folds: {', '.join(f'{f:.4f}' for f in self.fold_f1)})"
            ),
            (
                f"training {self.train_seconds:.1f} s per fold on average; "
                f"prediction {self.predict_per_second:.0f} messages/s"
            ),
        ]
        if any(self.dropped_leaks):
            lines.append(
                "extra/unlabelled rows dropped as near-duplicates of test messages, per fold: "
                + ", ".join(str(n) for n in self.dropped_leaks)
            )
        width = max(len(c) for c in self.classes) * 2
        lines.append("")
        lines.append(f"{'class':<{width}} precision  recall     f1  support")
        for name in self.classes:
            row = self.per_class[name]
            lines.append(
                f"{name:<{width}} {row['precision']:9.4f} {row['recall']:7.4f} "
                f"{row['f1']:6.4f} {int(row['support']):8d}"
            )
        lines.append("")
        lines.append("confusion matrix (rows = true, columns = predicted, same order as above):")
        for name, counts in zip(self.classes, self.confusion, strict=True):
            lines.append(f"{name:<{width}} " + " ".join(f"{n:5d}" for n in counts))
        if self.calibration is not None:
            lines.append("")
            lines.append(self.calibration.format())
        return "\n".join(lines)


def near_duplicate_links(test_texts: Sequence[str], other_texts: Sequence[str], threshold: float = 0.8) -> Any:
    """Sparse ``(len(other), len(test))`` matrix, non-zero where the titles are near-identical.

    Titles are the first lines of the texts; similarity is the cosine of
    character 2–3-gram TF-IDF vectors.
    """
    tests = [split_title(t)[0] for t in test_texts]
    others = [split_title(t)[0] for t in other_texts]
    if not tests or not others:
        return sp.csr_matrix((len(others), len(tests)))
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3)).fit(tests + others)
    sims = (vec.transform(others) @ vec.transform(tests).T).tocsr()
    sims.data[sims.data < threshold] = 0
    sims.eliminate_zeros()
    return sims


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    extra_texts: Sequence[str] = (),
    extra_labels: Sequence[str] = (),
    unlabeled: Sequence[str] = (),
    taxonomy: Sequence[Sequence[str]] | None = None,
    make_model: Callable[[], Any] | None = None,
    leak_threshold: float = 0.8,
    random_state: int = 0,
) -> EvalReport:
    """Stratified ``folds``-fold evaluation of a classifier on ``texts``.

    ``make_model`` returns a fresh, unfitted model with the
    :class:`CategoryClassifier` ``fit``/``predict`` signature (default: the
    default :class:`CategoryClassifier`).  Extra rows join every training fold
    but are never tested on.
    """
    texts = list(texts)
    y = np.asarray([str(label) for label in labels])
    extra_texts = list(extra_texts)
    extra_y = np.asarray([str(label) for label in extra_labels])
    unlabeled = list(unlabeled)
    _check_sizes(texts, y, extra_texts, extra_y, folds)
    factory = make_model or (lambda: CategoryClassifier(random_state=random_state))
    extra_links = near_duplicate_links(texts, extra_texts, leak_threshold)
    unl_links = near_duplicate_links(texts, unlabeled, leak_threshold)
    run = _Run(np.empty(len(texts), dtype=object), np.full(len(texts), np.nan))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=random_state)
    for train_idx, test_idx in splitter.split(texts, y):
        keep_extra = np.asarray(extra_links[:, test_idx].sum(axis=1)).ravel() == 0
        keep_unl = np.asarray(unl_links[:, test_idx].sum(axis=1)).ravel() == 0
        run.dropped.append(int((~keep_extra).sum() + (~keep_unl).sum()))
        train_texts = [texts[i] for i in train_idx] + [t for t, k in zip(extra_texts, keep_extra, strict=True) if k]
        train_y = list(y[train_idx]) + list(extra_y[keep_extra])
        fold_unl = [t for t, k in zip(unlabeled, keep_unl, strict=True) if k]
        model = factory()
        start = time.perf_counter()
        if fold_unl or taxonomy:
            model.fit(train_texts, train_y, unlabeled=fold_unl or None, taxonomy=taxonomy)
        else:
            model.fit(train_texts, train_y)
        run.train_seconds.append(time.perf_counter() - start)
        run.test(model, [texts[i] for i in test_idx], test_idx)
        run.fold_f1.append(float(f1_score(y[test_idx], list(run.predicted[test_idx]), average="macro")))
    return run.report(y, folds)


def _check_sizes(texts: list[str], y: Any, extra_texts: list[str], extra_y: Any, folds: int) -> None:
    if len(texts) != len(y) or len(extra_texts) != len(extra_y):
        raise ValueError("texts and labels differ in length")
    counts = np.unique(y, return_counts=True)[1]
    if len(counts) < 2:
        raise ValueError("evaluation needs at least two categories")
    if counts.min() < folds:
        raise ValueError(f"every category needs at least {folds} messages for {folds}-fold CV")


@dataclass
class _Run:
    """What the folds of one cross-validation collect."""

    predicted: Any
    confidence: Any
    threshold: float = 0.5
    predict_seconds: float = 0.0
    train_seconds: list[float] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    fold_f1: list[float] = field(default_factory=list)

    def test(self, model: Any, test_texts: list[str], test_idx: Any) -> None:
        """Predict one fold's test messages (with confidences when the model gives them)."""
        start = time.perf_counter()
        if hasattr(model, "predict_with_confidence"):
            pairs = model.predict_with_confidence(test_texts)
            self.predicted[test_idx] = [label for label, _ in pairs]
            self.confidence[test_idx] = [conf for _, conf in pairs]
            self.threshold = float(getattr(model, "threshold", self.threshold))
        else:
            self.predicted[test_idx] = model.predict(test_texts)
        self.predict_seconds += time.perf_counter() - start

    def report(self, y: Any, folds: int) -> EvalReport:
        """The figures over all folds."""
        classes = sorted(set(y))
        pred = [str(p) for p in self.predicted]
        calibration = None
        if not np.isnan(self.confidence).any():
            calibration = calibration_of(self.confidence, np.asarray(pred) == y, self.threshold)
        precision, recall, f1, support = precision_recall_fscore_support(y, pred, labels=classes, zero_division=0)
        per_class = {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": float(support[i]),
            }
            for i, name in enumerate(classes)
        }
        return EvalReport(
            classes=classes,
            macro_f1=float(f1_score(y, pred, labels=classes, average="macro")),
            per_class=per_class,
            confusion=confusion_matrix(y, pred, labels=classes).tolist(),
            folds=folds,
            n_test=len(pred),
            train_seconds=float(np.mean(self.train_seconds)),
            predict_per_second=len(pred) / self.predict_seconds if self.predict_seconds else float("inf"),
            dropped_leaks=self.dropped,
            fold_f1=self.fold_f1,
            calibration=calibration,
        )
