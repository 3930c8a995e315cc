"""Training the place model: the CRF (:func:`~massline.analysis.places.spans.train_tagger`) and the ranker
that chooses among its candidates (:class:`~massline.analysis.places.ranker.PlaceRanker`).

The ranker must learn from candidates found the way they will be found in new messages, so the training
messages are split in ``folds``: a CRF trained on the other folds finds the candidates of each fold, and the
ranker learns from all of them which candidate is the labelled place.  The CRF written is then trained
on every message.  No message's label is used to find its own candidates.

``extra`` examples (titles without a body, labelled for their place alone) are split in the same folds and
join every CRF's training; the ranker learns from their candidates only with ``rank_extra`` (a title alone
is not a message: where its candidates stand differs).

``augment`` makes more examples for the CRF from those it trains on (``augment.augmented``: copies with other
names); each CRF's copies are made from its own training examples only, and the ranker never learns from them.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from massline.analysis.places.language import GENERAL, Language
from massline.analysis.places.ranker import PlaceRanker, ranker_path
from massline.analysis.places.spans import PlaceTagger, train_tagger

__all__ = ["Example", "candidate_groups", "train_places"]

Example = tuple[str, str, str, str]  # title, body, place, place_type


def candidate_groups(
    tagger: PlaceTagger, examples: Sequence[Example]
) -> tuple[list[list[tuple[dict[str, float], bool]]], list[bool], list[list[str]]]:
    """The candidates of each example as the ranker learns from them: (features, is the labelled place),
    whether the example names a place, and the candidates' names."""
    groups, names = [], []
    for title, body, place, _type in examples:
        found = tagger.candidates(title, body, tagger.spans(title, body))
        groups.append([(f, span.text == place) for span, f in found])
        names.append([span.text for span, _ in found])
    return groups, [bool(place) for *_, place, _t in examples], names


def _split(examples: Sequence[Example], folds: int, fold: int, seed: int) -> tuple[list[Example], list[Example]]:
    """(the training examples, the held-out ones) of ``fold`` of a reproducible shuffled split."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
    held = {i for k, i in enumerate(order) if k % folds == fold}
    return [e for i, e in enumerate(examples) if i not in held], [examples[i] for i in sorted(held)]


def train_places(
    examples: Sequence[Example],
    model_path: Path,
    language: Language = GENERAL,
    folds: int = 2,
    seed: int = 13,
    C: float = 1 / 60,  # noqa: N803 - the ranker's (scikit-learn's) name
    extra: Sequence[Example] = (),
    rank_extra: bool = False,
    augment: Callable[[Sequence[Example]], list[Example]] | None = None,
    max_iterations: int = 80,
    c1: float = 0.1,
    c2: float = 0.05,
) -> Path:
    """Train the ranker on candidates of held-out folds, then the CRF on all ``examples`` and ``extra``; write
    both (``model_path`` and :func:`~massline.analysis.places.ranker.ranker_path` of it; no ranker when the
    candidates hold no labelled place or nothing else: the hand-weighted score then chooses).  Every CRF also
    trains on ``augment`` of its training examples, with the L1 and L2 penalties ``c1`` and ``c2``, and stops after
    ``max_iterations``."""

    def crf(crf_examples: list[Example], path: Path) -> Path:
        more = augment(crf_examples) if augment else []
        return train_tagger(crf_examples + more, path, language, c1=c1, c2=c2, max_iterations=max_iterations)

    groups: list[list[tuple[dict[str, float], bool]]] = []
    named: list[bool] = []
    names: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            train, held = _split(examples, folds, fold, seed)
            extra_train, extra_held = _split(extra, folds, fold, seed)
            path = crf(train + extra_train, Path(tmp) / "fold.crfsuite")
            ranked = held + (extra_held if rank_extra else [])
            fold_groups, fold_named, fold_names = candidate_groups(PlaceTagger(path, language), ranked)
            groups += fold_groups
            named += fold_named
            names += fold_names
    crf([*examples, *extra], model_path)
    labels = {y for group in groups for _, y in group}
    if labels == {True, False}:
        PlaceRanker(C=C).fit(groups, named, names).save(ranker_path(model_path))
    else:  # too few messages to learn a choice from: the hand-weighted score chooses
        ranker_path(model_path).unlink(missing_ok=True)
    return model_path
