"""Cross-validated figures of the learned kind, urgency and feeling models, and of the rules.

:func:`evaluate_understanding` splits the *random* samples into stratified
folds (by kind); each fold is predicted by a :class:`MessageModel` trained on
the other folds plus the whole targeted set (which is never tested: it is not
a random draw). The rules (:func:`rule_answers`) are scored on the same
messages as the baseline. :func:`evaluate_holdout` trains on the first random
sample (and the targeted set) and tests on the second draw. :func:`format_report` prints accuracy per task,
precision/recall per class, the share of 较急 and 紧急 messages found and the
confusion matrices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from massline.analysis.classify.labelled import LabelledMessage
from massline.analysis.classify.learned import TASKS, MessageModel
from massline.analysis.classify.rules import TASK_LABELS, rule_answers

__all__ = [
    "HELD_OUT_DRAW",
    "Scores",
    "UnderstandingReport",
    "evaluate_holdout",
    "evaluate_understanding",
    "format_report",
]

#: The random draw tested by :func:`evaluate_holdout` (labelled by other labellers than the first).
HELD_OUT_DRAW = "sample2"

TASK_NAMES = {"kind": "类型", "urgency": "紧急程度", "feeling": "情绪"}


@dataclass
class Scores:
    """One task's figures: accuracy, per-class (precision, recall, support), confusion matrix (rows: truth)."""

    accuracy: float
    per_class: dict[str, tuple[float, float, int]]
    confusion: list[list[int]]
    labels: tuple[str, ...]
    found: float | None = None  # urgency: share of 较急 and 紧急 messages predicted 较急 or 紧急


@dataclass
class UnderstandingReport:
    """Model and rule figures per task, with the sizes of the sets used."""

    n_random: int
    n_targeted: int
    folds: int
    model: dict[str, Scores] = field(default_factory=dict)
    rules: dict[str, Scores] = field(default_factory=dict)


def _scores(task: str, truth: Sequence[str], predicted: Sequence[str]) -> Scores:
    labels = TASK_LABELS[task]
    p, r, _, support = precision_recall_fscore_support(truth, predicted, labels=list(labels), zero_division=0)
    per_class = {c: (float(p[i]), float(r[i]), int(support[i])) for i, c in enumerate(labels)}
    matrix = confusion_matrix(truth, predicted, labels=list(labels)).tolist()
    accuracy = float(np.mean([t == q for t, q in zip(truth, predicted, strict=True)])) if truth else 0.0
    found = None
    if task == "urgency":
        wanted = [q != "一般" for t, q in zip(truth, predicted, strict=True) if t != "一般"]
        found = float(np.mean(wanted)) if wanted else 0.0
    return Scores(accuracy, per_class, matrix, labels, found)


def _predict(
    train: Sequence[LabelledMessage], test: Sequence[LabelledMessage], random_state: int, params: dict[str, Any]
) -> list[dict[str, str]]:
    """Labels of ``test`` by a :class:`MessageModel` trained on ``train``."""
    model = MessageModel(random_state=random_state, **params).fit(
        [m.title for m in train],
        [m.body for m in train],
        {t: [m.label(t) for m in train] for t in TASKS},
        tune=[m.source == "random" for m in train],
    )
    answers = model.predict([m.title for m in test], [m.body for m in test])
    return [{task: answer[task].label for task in TASKS} for answer in answers]


def _report(
    tested: Sequence[LabelledMessage], predicted: Sequence[dict[str, str]], report: UnderstandingReport
) -> UnderstandingReport:
    rules = [rule_answers(m.title, m.body).labels for m in tested]
    for task in TASKS:
        truth = [m.label(task) for m in tested]
        report.model[task] = _scores(task, truth, [p[task] for p in predicted])
        report.rules[task] = _scores(task, truth, [r[task] for r in rules])
    return report


def evaluate_understanding(
    messages: Sequence[LabelledMessage], folds: int = 5, random_state: int = 0, **params: Any
) -> UnderstandingReport:
    """Cross-validate :class:`MessageModel` (``params``) on the random samples; score the rules too."""
    random = [m for m in messages if m.source == "random"]
    targeted = [m for m in messages if m.source != "random"]
    if len(random) < folds * 2:
        raise ValueError(f"{len(random)} random-sample messages are too few for {folds} folds")
    predicted: list[dict[str, str]] = [{} for _ in random]
    kinds = [m.kind for m in random]
    smallest = min(kinds.count(k) for k in set(kinds))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    stratify = kinds if smallest >= folds else ["all"] * len(random)
    for train_idx, test_idx in splitter.split(np.zeros(len(random)), stratify):
        train = [random[i] for i in train_idx] + targeted
        answers = _predict(train, [random[i] for i in test_idx], random_state, params)
        for i, answer in zip(test_idx, answers, strict=True):
            predicted[i] = answer
    return _report(random, predicted, UnderstandingReport(len(random), len(targeted), folds))


def evaluate_holdout(messages: Sequence[LabelledMessage], random_state: int = 0, **params: Any) -> UnderstandingReport:
    """Train on every other draw (the first, third and later random samples, the targeted set), test on the second
    draw (``sample2``).

    The second draw was labelled by other labellers than the first, so this is a held-out figure in
    the contract's sense: other messages, other readers. ``folds`` of the report is 0.
    """
    held = [m for m in messages if m.draw == HELD_OUT_DRAW]
    train = [m for m in messages if m.draw != HELD_OUT_DRAW]
    if not held:
        raise ValueError(f"no labelled message of {HELD_OUT_DRAW}.jsonl to test on")
    predicted = _predict(train, held, random_state, params)
    return _report(held, predicted, UnderstandingReport(len(held), len(train), 0))


def _task_lines(task: str, model: Scores, rules: Scores) -> list[str]:
    lines = [f"## {TASK_NAMES[task]} ({task})", f"accuracy: model {model.accuracy:.1%}, rules {rules.accuracy:.1%}"]
    if model.found is not None and rules.found is not None:
        lines.append(f"较急+紧急 found: model {model.found:.1%}, rules {rules.found:.1%}")
    lines.append("class  support  model P / R      rules P / R")
    for c in model.labels:
        mp, mr, n = model.per_class[c]
        rp, rr, _ = rules.per_class[c]
        lines.append(f"{c}  {n:>5}  {mp:6.1%} / {mr:6.1%}  {rp:6.1%} / {rr:6.1%}")
    for name, scores in (("model", model), ("rules", rules)):
        lines.append(f"confusion ({name}; rows: label, columns: predicted {' '.join(scores.labels)})")
        rows = zip(scores.labels, scores.confusion, strict=True)
        lines += [f"{c}  " + " ".join(f"{v:>4}" for v in row) for c, row in rows]
    return lines


def format_report(report: UnderstandingReport) -> str:
    """The report as plain text: per task accuracy, per-class precision/recall and confusion matrices."""
    if report.folds:
        head = (
            f"{report.folds}-fold cross-validation on the random samples ({report.n_random} messages); "
            f"targeted set ({report.n_targeted} messages) used for training only"
        )
    else:
        head = (
            f"held out: trained on {report.n_targeted} messages (the other random draws and the targeted set), "
            f"tested on {report.n_random} of the second random draw"
        )
    lines = [head]
    for task in TASKS:
        lines += ["", *_task_lines(task, report.model[task], report.rules[task])]
    return "\n".join(lines)
