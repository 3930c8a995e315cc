"""Evaluating the demand splitter against hand-labelled spans.

A predicted demand *matches* a labelled one when their spans overlap by at least
``threshold`` of their union (characters in both / characters in either; 0.5 by default).
Matching is one-to-one, best overlaps first. Precision is the share of predicted demands
that match a labelled one, recall the share of labelled demands matched; the kind
agreement is the share of matched pairs whose kinds are equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: A span as ``(start, end, kind)``.
Span = tuple[int, int, str]


def overlap(a: Span, b: Span) -> float:
    """Characters in both spans over characters in either (0 when disjoint)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def match_spans(predicted: Sequence[Span], gold: Sequence[Span], threshold: float = 0.5) -> list[tuple[int, int]]:
    """One-to-one pairs ``(predicted index, gold index)`` whose overlap is at least ``threshold``."""
    candidates = sorted(
        ((overlap(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for score, i, j in candidates:
        if score < threshold or i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return sorted(pairs)


@dataclass
class BoundaryScore:
    """Counts over many messages and the precision, recall and F1 of demand boundaries."""

    predicted: int = 0
    gold: int = 0
    matched: int = 0
    same_kind: int = 0
    #: kind -> [predicted of the kind, labelled of the kind, predicted of it matched, labelled of it matched]
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        """Matched predicted demands over predicted demands."""
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Matched labelled demands over labelled demands."""
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kind_agreement(self) -> float:
        """Of the matched pairs, the share with the same kind."""
        return self.same_kind / self.matched if self.matched else 0.0


def evaluate_boundaries(
    messages: Iterable[tuple[Sequence[Span], Sequence[Span]]], threshold: float = 0.5
) -> BoundaryScore:
    """Precision and recall of the predicted spans against the labelled ones, over
    ``(predicted, gold)`` pairs of messages; per kind, precision counts the predicted kind
    and recall the labelled kind (boundaries only: a matched pair may differ in kind)."""
    score = BoundaryScore()
    for predicted, gold in messages:
        pairs = match_spans(predicted, gold, threshold)
        score.predicted += len(predicted)
        score.gold += len(gold)
        score.matched += len(pairs)
        score.same_kind += sum(predicted[i][2] == gold[j][2] for i, j in pairs)
        for span in predicted:
            score.by_kind.setdefault(span[2], [0, 0, 0, 0])[0] += 1
        for span in gold:
            score.by_kind.setdefault(span[2], [0, 0, 0, 0])[1] += 1
        for i, j in pairs:
            score.by_kind[predicted[i][2]][2] += 1
            score.by_kind[gold[j][2]][3] += 1
    return score
