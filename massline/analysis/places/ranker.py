"""Choosing the place a message is about among its candidates: a small learned ranker.

The candidates of a message (:func:`candidates`) are the CRF's spans, the suffix rules' names it did not
tag, the runs of characters the CRF thinks likely enough to be part of a place although its best path
leaves them out, and each of these with one or two characters cut from or added to its start (so that
glued words such as ``代表晶华美地小区`` can lose their glue).  Each is described by a few features
(:func:`features`): the CRF's confidence and the probability that a place *begins* at its first
character (the edges the labels taught the CRF), where it stands (title, how far into the body, how
often it is named), its type and length, the character before it and its last character, whether a
comparison word or an administrative unit stands just before it.

:class:`PlaceRanker` is a linear score over these features, learned as a choice among each message's candidates
and "no place" (a softmax), trained on candidates the CRF found
in messages it was *not* trained on (``training.train_places``), with the label "this candidate is
the labelled place".  The choice is made per *name* (:meth:`PlaceRanker.choose`): the candidates that
read the same (a name written twice, or found by the CRF and by a rule) add their odds against no place, as
the softmax they were learned with shares a name's choice among its candidates; the name with the highest
probability is the place (its best-scored candidate gives the offsets), unless that probability
is below the ranker's threshold (chosen on the same training candidates, choosing the same way): then the
message names no place.  Weights, bias and threshold are a small JSON file beside the CRF's.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

__all__ = ["CHOICE", "Candidate", "PlaceRanker", "candidates", "features", "ranker_path"]

#: How many characters a candidate's start may move (cut glue, or take a unit or name part before it).
SHIFTS = (-2, -1, 1, 2)
#: How many characters a candidate's end may move (cut a glued word, or take the rest of the name).
END_SHIFTS = (-2, -1, 1, 2)
#: A shifted start or end is a candidate only if the CRF gives a place edge there at least this probability.
SHIFT_FLOOR = 0.05
#: A run of characters at least this likely to be part of a place is a candidate.
RUN_FLOOR = 0.1
_COMPARISON_RE = re.compile("比如|例如|譬如|像|隔壁|邻近|参照|参考|不如|如同|好比|相比")
_UNIT_BEFORE = re.compile(r"(?:[A-Z]\d{0,2}|[\u4e00-\u9fff]{2})[省市县区]$")
_HAN = re.compile("[\u4e00-\u9fffA-Za-z0-9]")

#: How the place is chosen (:meth:`PlaceRanker.choose`, then ``spans.with_tail``; part of the tagger's
#: ``model_version``: a new rule redoes the place step).
CHOICE = "name-odds+tail"

Edge = Callable[[int], float]  # the probability that a place begins at an offset


@dataclass(frozen=True)
class Candidate:
    """A candidate place: its offsets in ``title + "\\n" + body``, type, source (``crf``, ``rule``, ``run``,
    ``shift``) and the CRF's confidence (the least probable character's marginal for a CRF span, the mean
    probability of being part of a place otherwise)."""

    start: int
    end: int
    type: str
    source: str
    confidence: float
    moved: str = ""  # how a shifted candidate was made: "s-1" (start one earlier), "e+2" (end two later) …


def ranker_path(model_path: Path) -> Path:
    """The ranker file that goes with a CRF file (``places.crfsuite`` -> ``places.ranker.json``)."""
    return model_path.with_name(model_path.stem + ".ranker.json")


def _inside(start: int, end: int, p_out: Sequence[float]) -> float:
    return sum(1 - p_out[k] for k in range(start, end)) / max(1, end - start)


def candidates(text: str, found: Sequence[Candidate], p_out: Sequence[float], begin: Edge) -> list[Candidate]:
    """``found`` (the CRF's spans and the rules' names), the likely runs the CRF left out, and the shifted
    starts of all of these. ``p_out[k]``: the probability that character ``k`` is no place; ``begin(k)``:
    that a place begins at ``k``."""
    out = list(found)
    covered = {k for c in found for k in range(c.start, c.end)}
    run: int | None = None
    for k in range(len(text) + 1):
        likely = k < len(text) and p_out[k] < 1 - RUN_FLOOR and k not in covered and _HAN.match(text[k])
        if likely and run is None:
            run = k
        elif not likely and run is not None:
            if k - run >= 2:
                out.append(Candidate(run, k, "other", "run", _inside(run, k, p_out)))
            run = None
    seen = {(c.start, c.end) for c in out}
    for c in list(out):
        moved = [(c.start + d, c.end, f"s{d:+d}") for d in SHIFTS] + [
            (c.start, c.end + d, f"e{d:+d}") for d in END_SHIFTS
        ]
        for start, end, how in moved:
            if start < 0 or end > len(text) or end - start < 2 or (start, end) in seen:
                continue
            if "\n" in text[start:end] or not (_HAN.match(text[start]) and _HAN.match(text[end - 1])):
                continue
            if (how[0] == "s" and begin(start) < SHIFT_FLOOR) or (end < len(text) and p_out[end] < SHIFT_FLOOR):
                continue  # the CRF sees no edge there
            seen.add((start, end))
            out.append(Candidate(start, end, c.type, "shift", _inside(start, end, p_out), how))
    return out


def features(
    c: Candidate, text: str, title_len: int, begin: Edge, p_out: Sequence[float], best_confidence: float
) -> dict[str, float]:
    """The ranker's features of candidate ``c`` of ``text`` (title, newline, body)."""
    name = text[c.start : c.end]
    in_title = c.start < title_len
    body_at = 0 if in_title else c.start - title_len - 1
    before = text[c.start - 1] if c.start else "^"
    after_out = p_out[c.end] if c.end < len(text) else 1.0
    length = len(name)
    f = {
        "conf": c.confidence,
        "conf_best": float(c.confidence >= best_confidence - 1e-9),
        "begin": begin(c.start),
        "before_out": p_out[c.start - 1] if c.start else 1.0,
        "after_out": after_out,
        "src=" + c.source: 1.0,
        "moved=" + c.moved: 1.0,
        "conf*title": c.confidence * in_title,
        "conf*begin": c.confidence * begin(c.start),
        "type=" + c.type: 1.0,
        "title": float(in_title),
        "also_title": float(not in_title and name in text[:title_len]),
        "body_near": float(not in_title and body_at < 60),
        "body_far": float(not in_title and body_at >= 150),
        "count": math.log1p(text.count(name)),
        "len=" + (str(length) if length < 5 else "5-6" if length < 7 else "7-9" if length < 10 else "10+"): 1.0,
        "prev=" + before: 1.0,
        "next=" + (text[c.end] if c.end < len(text) else "$"): 1.0,
        "last=" + name[-1]: 1.0,
        "first=" + name[0]: 1.0,
        "cmp": float(bool(_COMPARISON_RE.search(text[max(0, c.start - 8) : c.start]))),
        "unit_before": float(bool(_UNIT_BEFORE.search(text[max(0, c.start - 6) : c.start]))),
    }
    return f


class PlaceRanker:
    """A linear score choosing the place among candidates (scikit-learn's contract: ``fit`` returns
    ``self``, learned state ends in ``_``); ``C`` its inverse regularisation."""

    def __init__(self, C: float = 1 / 60) -> None:  # noqa: N803 - scikit-learn's name
        self.C = C
        self.weights_: dict[str, float] = {}
        self.bias_ = 0.0
        self.threshold_ = 0.5

    def score(self, feats: dict[str, float]) -> float:
        """The log-odds of a candidate with features ``feats`` against no place (bounded to ±30)."""
        z = self.bias_ + sum(map(operator.mul, map(self.weights_.get, feats, repeat(0.0)), feats.values()))
        return max(-30.0, min(30.0, z))

    def probability(self, feats: dict[str, float]) -> float:
        """The probability that a candidate with features ``feats`` is the place the message is about."""
        return 1 / (1 + math.exp(-self.score(feats)))

    def choose(self, group: Sequence[tuple[str, dict[str, float]]]) -> tuple[float, int]:
        """The probability of the most likely name among a message's candidates ``(name, features)`` and the
        index of that name's best-scored candidate; ``(0.0, -1)`` when there is none.  The candidates of one
        name add their odds against no place (``exp(score)``): a name's probability is ``odds / (1 + odds)``."""
        odds: dict[str, float] = {}
        best: dict[str, tuple[float, int]] = {}
        for k, (name, feats) in enumerate(group):
            z = self.score(feats)
            odds[name] = odds.get(name, 0.0) + math.exp(min(z, 700.0))  # (no OverflowError on an odd text)
            if name not in best or z > best[name][0]:
                best[name] = (z, k)
        if not odds:
            return 0.0, -1
        name = max(odds, key=lambda n: (odds[n], -best[n][1]))
        return odds[name] / (1 + odds[name]), best[name][1]

    def fit(
        self,
        groups: Sequence[Sequence[tuple[dict[str, float], bool]]],
        named: Sequence[bool],
        names: Sequence[Sequence[str]] | None = None,
    ) -> PlaceRanker:
        """Learn from the candidates of each training message (features, is the labelled place), whether the
        message names a place at all and the candidates' ``names`` (their text; None: each candidate its own
        name); the threshold is the one that gets most messages exactly right (the name :meth:`choose` chooses,
        or no place below it).

        The weights are those of a choice among each message's candidates and "no place" (a softmax over the
        message's candidates' scores and a learned score of no place, :func:`_choice_weights`): a candidate's
        probability is that of it against no place alone."""
        from sklearn.feature_extraction import DictVectorizer

        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform([f for group in groups for f, _ in group])
        weights, none = _choice_weights(matrix, [[y for _, y in group] for group in groups], self.C)
        columns = vectorizer.get_feature_names_out()
        self.weights_ = {str(n): float(w) for n, w in zip(columns, weights, strict=True) if abs(w) > 1e-6}
        self.bias_ = -none
        best = []  # (probability of the chosen name, is it the place, does the message name one)
        for k, (group, has_place) in enumerate(zip(groups, named, strict=True)):
            texts = names[k] if names is not None else [str(i) for i in range(len(group))]
            probability, chosen = self.choose([(text, f) for text, (f, _) in zip(texts, group, strict=True)])
            best.append((probability, chosen >= 0 and group[chosen][1], has_place))
        right = {t / 100: sum((p >= t / 100 and y) or (p < t / 100 and not named) for p, y, named in best)
                 for t in range(5, 96)}  # fmt: skip
        self.threshold_ = max(right, key=lambda t: (right[t], -abs(t - 0.5)))
        return self

    def save(self, path: Path) -> Path:
        """Write the weights, bias and threshold as JSON."""
        data = {"bias": self.bias_, "threshold": self.threshold_, "C": self.C, "weights": self.weights_}
        path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> PlaceRanker:
        """A ranker written by :meth:`save`; ``ValueError`` naming the file when it is not one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            ranker = cls(C=float(data.get("C", 0.3)))
            ranker.weights_ = {str(k): float(v) for k, v in data["weights"].items()}
            ranker.bias_, ranker.threshold_ = float(data["bias"]), float(data["threshold"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not a place ranker file ({exc!r})") from exc
        return ranker


def _choice_weights(matrix: Any, labels: Sequence[Sequence[bool]], C: float) -> tuple[Any, float]:  # noqa: N803
    """Weights ``w`` and the score of "no place" ``b`` maximising the likelihood of each message's choice — its
    labelled candidate, or no place when none is — under a softmax over ``matrix @ w`` of its candidates (rows
    in the order of ``labels``) and ``b``, with an L2 penalty ``|w|² / 2C`` (L-BFGS)."""
    import numpy as np
    from scipy.optimize import minimize

    sizes = [len(group) for group in labels]
    group_of = np.repeat(np.arange(len(sizes)), sizes)
    chosen = np.array([y for group in labels for y in group], dtype=float)
    named = np.zeros(len(sizes))
    np.add.at(named, group_of, chosen)
    target = chosen / np.maximum(named[group_of], 1)  # a place written twice: its candidates share the choice
    none = (named == 0).astype(float)

    def loss(params: Any) -> tuple[float, Any]:
        w, b = params[:-1], params[-1]
        scores = matrix @ w
        top = np.full(len(sizes), b)
        np.maximum.at(top, group_of, scores)
        exp = np.exp(scores - top[group_of])
        total = np.exp(b - top)
        np.add.at(total, group_of, exp)
        log_total = top + np.log(total)
        likelihood = target @ scores + none @ np.full(len(sizes), b) - log_total.sum()
        gradient_w = matrix.T @ (target - exp / total[group_of]) - w / C
        gradient_b = (none - np.exp(b - log_total)).sum()
        return -likelihood + (w @ w) / (2 * C), -np.r_[gradient_w, gradient_b]

    found = minimize(loss, np.zeros(matrix.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return found.x[:-1], float(found.x[-1])
