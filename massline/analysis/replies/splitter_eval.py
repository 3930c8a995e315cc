"""Cross-validation of the learned demand splitter against the hand labels, with the rules
measured on the same messages as the baseline.

The messages are shuffled with a fixed seed and dealt into ``folds`` folds (by message);
each fold is split by a model trained on the others. The figures are those of
:func:`~massline.analysis.replies.evaluate_boundaries` (overlap/union ≥ 0.5, one-to-one).
The learned splitter is measured as ``split_demands`` runs it, with its fallback to the rules
(short texts, no demand found).

:func:`nested_cross_validate_splitter` also chooses the decoding thresholds (``BEGIN``,
``OUTSIDE``) honestly: for each outer fold, among :data:`THRESHOLDS` by an inner
cross-validation on the outer training folds only, so the held-out fold plays no part in the
choice.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from massline.analysis.replies.demands import rule_spans
from massline.analysis.replies.evaluation import BoundaryScore, evaluate_boundaries
from massline.analysis.replies.splitter import (
    SHORT,
    DemandSplitter,
    Span,
    decide,
    message_clauses,
    spans_of,
    train_splitter,
)

#: A labelled message: its text (``title.strip() + "\\n" + body.strip()``) and its demand spans.
Labelled = tuple[str, list[Span]]


def load_demand_labels(path: Path) -> list[Labelled]:
    """The labelled messages of a ``demands.jsonl`` file (tests/data/replies/RULES.md)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            text = record["title"].strip() + "\n" + record["body"].strip()
            out.append((text, [(d["kind"], d["start"], d["end"]) for d in record["demands"]]))
    return out


def _as_eval(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    return [(start, end, kind) for kind, start, end in spans]


def _trimmed(text: str, spans: Sequence[Span]) -> list[Span]:
    """The spans as ``split_demands`` returns them (trailing commas and blanks trimmed)."""
    out = []
    for kind, start, end in spans:
        while end > start and text[end - 1] in "，,：: \t\n":
            end -= 1
        out.append((kind, start, end))
    return out


def cross_validate_splitter(
    data: Sequence[Labelled],
    folds: int = 5,
    seed: int = 14,
    progress: Callable[[str], None] | None = None,
    **params: float,
) -> tuple[BoundaryScore, BoundaryScore]:
    """``folds``-fold cross-validated boundary scores of the learned splitter, and the rules'
    on the same messages; ``params`` go to :func:`train_splitter` (c1, c2, max_iterations)."""
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
    predicted: dict[int, list[Span]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            held = {i for k, i in enumerate(order) if k % folds == fold}
            train = [data[i] for i in order if i not in held]
            path = train_splitter(train, Path(tmp) / f"fold{fold}.crfsuite", **params)  # type: ignore[arg-type]
            splitter = DemandSplitter(path)
            for i in held:
                predicted[i] = _trimmed(data[i][0], splitter.spans(data[i][0]))
            if progress:
                progress(f"fold {fold + 1}/{folds} done")
    model = evaluate_boundaries((_as_eval(predicted[i]), _as_eval(gold)) for i, (_t, gold) in enumerate(data))
    rules = evaluate_boundaries((_as_eval(_trimmed(text, rule_spans(text))), _as_eval(gold)) for text, gold in data)
    return model, rules


#: The decoding thresholds nested cross-validation chooses among: (begin, outside).
THRESHOLDS = tuple((b, o) for o in (0.4, 0.5, 0.6) for b in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8))


def _decoded(text: str, units: list, marginals: list[dict[str, float]], begin: float, outside: float) -> list[Span]:
    """The spans ``DemandSplitter.spans`` gives with these thresholds (and its fallback to the rules)."""
    found = spans_of(units, decide(marginals, begin, outside)) if units else []
    return _trimmed(text, found or rule_spans(text))


def _marginals(splitter: DemandSplitter, text: str) -> tuple[list, list[dict[str, float]]]:
    units = message_clauses(text) if len(text.strip()) >= SHORT else []
    return units, splitter.marginals(text, units) if units else []


def _choose(train: Sequence[Labelled], inner: int, seed: int, tmp: Path, **params: float) -> tuple[float, float]:
    """The thresholds of :data:`THRESHOLDS` with the best F1 over an ``inner``-fold
    cross-validation of ``train`` (ties: the first)."""
    order = list(range(len(train)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
    held_out: list[tuple[int, list, list[dict[str, float]]]] = []
    for fold in range(inner):
        held = {i for k, i in enumerate(order) if k % inner == fold}
        path = train_splitter([train[i] for i in order if i not in held], tmp / f"inner{fold}.crfsuite", **params)  # type: ignore[arg-type]
        splitter = DemandSplitter(path)
        held_out += [(i, *_marginals(splitter, train[i][0])) for i in sorted(held)]

    def f1(pair: tuple[float, float]) -> float:
        return evaluate_boundaries(
            (_as_eval(_decoded(train[i][0], units, m, *pair)), _as_eval(train[i][1])) for i, units, m in held_out
        ).f1

    return max(THRESHOLDS, key=f1)


def nested_cross_validate_splitter(
    data: Sequence[Labelled],
    folds: int = 5,
    inner: int = 4,
    seed: int = 14,
    progress: Callable[[str], None] | None = None,
    **params: float,
) -> tuple[BoundaryScore, list[tuple[float, float]]]:
    """``folds``-fold cross-validated boundary scores of the learned splitter whose thresholds
    are chosen, for each fold, by an ``inner``-fold cross-validation of its training folds; and
    the thresholds chosen per fold."""
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
    predicted: dict[int, list[Span]] = {}
    chosen = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            held = {i for k, i in enumerate(order) if k % folds == fold}
            train = [data[i] for i in order if i not in held]
            pair = _choose(train, inner, seed, Path(tmp), **params)
            chosen.append(pair)
            splitter = DemandSplitter(train_splitter(train, Path(tmp) / f"fold{fold}.crfsuite", **params))  # type: ignore[arg-type]
            for i in held:
                predicted[i] = _decoded(data[i][0], *_marginals(splitter, data[i][0]), *pair)
            if progress:
                progress(f"fold {fold + 1}/{folds} done: thresholds begin {pair[0]}, outside {pair[1]}")
    model = evaluate_boundaries((_as_eval(predicted[i]), _as_eval(gold)) for i, (_t, gold) in enumerate(data))
    return model, chosen


def boundary_rows(score: BoundaryScore) -> list[str]:
    """The figures as lines: totals, precision/recall/F1 and kind agreement, then per kind."""
    lines = [
        f"labelled {score.gold}, predicted {score.predicted}, matched {score.matched}: "
        f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}  "
        f"kind agreement {score.kind_agreement:.3f}"
    ]
    for kind, (predicted, gold, matched_p, matched_g) in sorted(score.by_kind.items()):
        p = matched_p / predicted if predicted else 0.0
        r = matched_g / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(
            f"  {kind:9} labelled {gold:4}  predicted {predicted:4}  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}"
        )
    return lines
