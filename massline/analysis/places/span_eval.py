"""Cross-validation of the place extractor against labelled messages, and the same figures for the
suffix rules (:func:`~massline.analysis.places.extract_places`) as the baseline.

A labelled message is ``(title, body, place, place_type, area)``; ``place`` is ``""`` when the message
names no place below its area.  Place *exact*: the answer equals the label (both empty counts);
*partial*: one contains the other (both non-empty) or both are empty; *bare*: equal after removing the
administrative units written in front (``长沙市岳麓区含浦镇`` and ``含浦镇``: the contract allows the prefix);
*area*: equal names.  Recall per place type: the share of the labelled places of a type found exactly. The misses
are counted by kind (:func:`miss_kind`): a length disagreement, no place answered, a place where the label
has none, another place chosen.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from massline.analysis.places.area import area_of
from massline.analysis.places.keys import KIND_PRIORITY, extract_places
from massline.analysis.places.language import GENERAL, Language
from massline.analysis.places.regions import regions_of
from massline.analysis.places.spans import BODY_CHARS, PlaceTagger
from massline.analysis.places.training import train_places

__all__ = [
    "MISS_KINDS",
    "Labelled",
    "PlaceScores",
    "baseline_answer",
    "cross_validate",
    "holdout",
    "miss_kind",
    "score",
]

Labelled = tuple[str, str, str, str, str]  # title, body, place, place_type, area
Answer = tuple[str, str]  # place, area


@dataclass(frozen=True)
class PlaceScores:
    """Shares of messages with the place exactly / partly right and the area right."""

    messages: int
    exact: float
    partial: float
    area: float
    misses: dict[str, int] = field(default_factory=dict)
    bare: float = 0.0
    by_type: dict[str, tuple[int, int]] = field(default_factory=dict)  # type -> (found exactly, labelled)

    def as_row(self) -> str:
        """One line of figures (percentages)."""
        return (
            f"{self.messages} messages: place exact {self.exact:.1%}, partial {self.partial:.1%}, "
            f"bare {self.bare:.1%}, area {self.area:.1%}"
        )

    def types_row(self) -> str:
        """Recall per labelled place type, one line."""
        return "recall by type: " + ", ".join(
            f"{name} {right}/{total} = {right / max(1, total):.0%}"
            for name, (right, total) in sorted(self.by_type.items())
        )

    def misses_row(self) -> str:
        """The misses by kind, one line."""
        return "misses: " + ", ".join(f"{name} {count}" for name, count in self.misses.items())


#: The kinds of miss counted by :func:`miss_kind`, in the order they are printed.
MISS_KINDS = ("length", "none answered", "false place", "wrong choice")


def miss_kind(found: str, place: str) -> str:
    """How an answer misses the labelled place: ``""`` (right), ``length`` (one inside the other),
    ``none answered``, ``false place`` (a place where the label has none) or ``wrong choice``."""
    if found == place:
        return ""
    if not found:
        return "none answered"
    if not place:
        return "false place"
    return "length" if found in place or place in found else "wrong choice"


def bare(name: str, language: Language = GENERAL) -> str:
    """``name`` without the administrative units written in front of it (``长沙市岳麓区含浦镇`` -> ``含浦镇``)."""
    while (unit := language.admin_re.match(name)) and unit.end() < len(name):
        name = name[unit.end() :]
    return name


def score(gold: Sequence[Labelled], answers: Sequence[Answer], language: Language = GENERAL) -> PlaceScores:
    """Exact, partial and bare place matches, recall per type and area accuracy of ``answers`` against ``gold``."""
    exact = partial = area = bare_right = 0
    misses = dict.fromkeys(MISS_KINDS, 0)
    by_type: dict[str, list[int]] = {}
    for (_t, _b, place, place_type, gold_area), (found, found_area) in zip(gold, answers, strict=True):
        exact += found == place
        bare_right += bare(found, language) == bare(place, language)
        if place:
            counts = by_type.setdefault(place_type, [0, 0])
            counts[0] += found == place
            counts[1] += 1
        partial += (found == place == "") or bool(found and place and (found in place or place in found))
        area += found_area == gold_area
        if kind := miss_kind(found, place):
            misses[kind] += 1
    n = max(1, len(gold))
    types = {name: (right, total) for name, (right, total) in by_type.items()}
    return PlaceScores(len(gold), exact / n, partial / n, area / n, misses, bare_right / n, types)


def baseline_answer(title: str, body: str, language: Language = GENERAL) -> Answer:
    """What the library gave before the extractor: the most specific named place of the title, else of
    the body (suffix rules); the area as issue features read it, the last unit of the title's units, else
    of the body's start."""
    place = ""
    for part in (extract_places(title, sections=True, language=language), extract_places(body, language=language)):
        if part:
            place = max(part, key=lambda m: (KIND_PRIORITY.get(m.kind, 0), -m.start)).name
            break
    units = regions_of(title, language) or regions_of(body[:200], language)
    return place, units[-1] if units else ""


def model_answer(tagger: PlaceTagger, title: str, body: str) -> Answer:
    """The extractor's place and area."""
    text = f"{title}\n{body[:BODY_CHARS]}"
    place, spans = tagger.read(title, body)
    found = area_of(text, place, tagger.language, title_len=len(title), spans=spans)
    return (place.text if place else ""), (found.name if found else "")


def _answers(tagger: PlaceTagger, data: Sequence[Labelled]) -> tuple[list[Answer], list[Answer]]:
    """The answers of ``tagger`` with its ranker, and of the same CRF with the hand-weighted score."""
    ranked = [model_answer(tagger, t, b) for t, b, *_ in data]
    ranker, tagger.ranker = tagger.ranker, None
    hand = [model_answer(tagger, t, b) for t, b, *_ in data]
    tagger.ranker = ranker
    return ranked, hand


def cross_validate(
    data: Sequence[Labelled],
    language: Language = GENERAL,
    folds: int = 5,
    seed: int = 13,
    progress: Callable[[str], None] | None = None,
    extra: Sequence[Labelled] = (),
    **training: Any,
) -> tuple[PlaceScores, PlaceScores, PlaceScores]:
    """``folds``-fold cross-validation of the extractor (CRF and ranker, both trained inside each fold: the
    ranker on inner folds, :func:`~massline.analysis.places.training.train_places`), of the same CRF with the
    hand-weighted choice, and of the suffix rules, on the same messages; ``extra`` (titles without a body)
    joins every fold's training, never its test; ``training``: ``train_places``' ``augment``, ``max_iterations``,
    ``c1``, ``c2``."""
    more = [(t, b, p, k) for t, b, p, k, _a in extra]
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)  # noqa: S311 - a reproducible split, not a secret
    ranked: dict[int, Answer] = {}
    hand: dict[int, Answer] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(folds):
            test = [i for k, i in enumerate(order) if k % folds == fold]
            held = set(test)
            train = [(t, b, p, k) for i, (t, b, p, k, _a) in enumerate(data) if i not in held]
            path = train_places(train, Path(tmp) / f"fold{fold}.crfsuite", language, extra=more, **training)
            tagger = PlaceTagger(path, language)
            answers = _answers(tagger, [data[i] for i in test])
            ranked.update(zip(test, answers[0], strict=True))
            hand.update(zip(test, answers[1], strict=True))
            if progress:
                progress(f"fold {fold + 1}/{folds} done")
    return (
        score(data, [ranked[i] for i in range(len(data))], language),
        score(data, [hand[i] for i in range(len(data))], language),
        score(data, [baseline_answer(t, b, language) for t, b, *_ in data], language),
    )


def holdout(
    train: Sequence[Labelled], test: Sequence[Labelled], language: Language = GENERAL, extra: Sequence[Labelled] = (),
    **training: Any,
) -> tuple[PlaceScores, PlaceScores, PlaceScores]:  # fmt: skip
    """The extractor (CRF and ranker) trained on ``train`` (and ``extra``: titles without a body) and scored on
    ``test`` (another draw, other labellers), the same CRF with the hand-weighted choice, and the suffix rules on
    ``test``; ``training`` as :func:`cross_validate`'s."""
    if not test:
        raise ValueError("no labelled message to test on")
    with tempfile.TemporaryDirectory() as tmp:
        path = train_places([(t, b, p, k) for t, b, p, k, _a in train], Path(tmp) / "held.crfsuite", language,
                            extra=[(t, b, p, k) for t, b, p, k, _a in extra], **training)  # fmt: skip
        ranked, hand = _answers(PlaceTagger(path, language), test)
    rules = [baseline_answer(t, b, language) for t, b, *_ in test]
    return score(test, ranked, language), score(test, hand, language), score(test, rules, language)
