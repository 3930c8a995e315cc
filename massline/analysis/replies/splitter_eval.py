"""Cross-validation of the learned demand splitter against the hand labels, with the rules
measured on the same messages as the baseline.

The messages are shuffled with a fixed seed and dealt into ``folds`` folds (by message);
each fold is split by a model trained on the others. The figures are those of
:func:`~massline.analysis.replies.evaluate_boundaries` (overlap/union ≥ 0.5, one-to-one).
The learned splitter is measured as ``split_demands`` runs it, with its fallback to the rules
(short texts, no demand found).
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from massline.analysis.replies.demands import rule_spans
from massline.analysis.replies.evaluation import BoundaryScore, evaluate_boundaries
from massline.analysis.replies.splitter import DemandSplitter, Span, train_splitter

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
