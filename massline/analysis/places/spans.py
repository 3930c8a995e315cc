"""The place a message is about, found by sequence labelling (a CRF over characters).

Every character of ``title + "\\n" + body`` (the body cut at
:data:`BODY_CHARS`) gets a BIO tag whose label is the place type
(``B-compound``, ``I-road``, ``O`` …, see :data:`PLACE_TYPES`).  The
features are the character, its neighbours and bigrams, its class (Han,
digit, Latin, punctuation), whether one of the deployment's place suffixes
(:class:`~massline.analysis.places.Language`) ends or runs here, whether a
comparison word (``比如``, ``隔壁``…) stands just before, whether the
character is in the title, and a coarse position.

Training (:func:`train_tagger`) tags **every** occurrence of the labelled
place: tagging only the first would teach the model that the same name
written again is no place.  Everything else is ``O``, so the model learns
which of several named places the message is *about*, not only what looks
like a name.  The place is chosen among candidates (its spans, the suffix
rules' names, likely runs, shifted edges) by the learned ranker of
``ranker.py`` when its file lies beside the CRF's (``places.ranker.json``,
written by ``training.train_places``); without it :func:`choose_place`
takes the span with the best hand-weighted score: the model's confidence,
plus a bonus for spans in the title and for types more specific than a
village or town, minus a penalty for a span right after a comparison word.

The model file is given by the caller (the library reads no setting);
``pycrfsuite`` loads only with this module.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import pycrfsuite

from massline.analysis.places.crf_features import (
    _COMPARISON_RE,
    COMPARISON_WORDS,
    char_features,
    char_features_utf8,
    place_type_of,
    rule_mentions,
)
from massline.analysis.places.keys import KIND_PRIORITY, extract_places
from massline.analysis.places.language import GENERAL, Language

__all__ = [
    "BODY_CHARS",
    "PLACE_TYPES",
    "COMPARISON_WORDS",
    "PlaceSpan",
    "PlaceTagger",
    "bio_tags",
    "char_features",
    "choose_place",
    "with_tail",
    "trim_edges",
    "train_tagger",
]

#: Place types (the labelling guide's): the entity labels of the tags.
PLACE_TYPES = ("compound", "road", "village_town", "school", "hospital", "company", "site", "other")
#: Body characters read (95 % of labelled places start in the first 100 characters of title and body; 150
#: chose as well as 200 or 300 on the held-out draw, and the CRF's time grows with the characters read).
BODY_CHARS = 150
#: How specific a type is (a score bonus when choosing the place).
SPECIFICITY = {"compound": 0.3, "school": 0.3, "hospital": 0.3, "company": 0.25, "site": 0.2, "road": 0.1,
               "other": 0.0, "village_town": 0.0}  # fmt: skip
TITLE_BONUS = 0.5
COMPARISON_PENALTY = 1.0
MIN_CONFIDENCE = 0.1
#: The reason a suffix rules' name the CRF did not tag carries (:meth:`PlaceTagger.spans`).
RULE_REASON = "后缀规则"


def _analysed(title: str, body: str) -> tuple[str, int]:
    return f"{title}\n{body[:BODY_CHARS]}", len(title)


def bio_tags(text: str, place: str, place_type: str) -> list[str]:
    """BIO tags of ``text`` with every occurrence of ``place`` tagged as ``place_type`` (all ``O`` if none)."""
    tags = ["O"] * len(text)
    if place and place_type in PLACE_TYPES:
        for match in re.finditer(re.escape(place), text):
            tags[match.start()] = "B-" + place_type
            for k in range(match.start() + 1, match.end()):
                tags[k] = "I-" + place_type
    return tags


def train_tagger(
    examples: Iterable[tuple[str, str, str, str]],
    model_path: Path,
    language: Language = GENERAL,
    c1: float = 0.1,
    c2: float = 0.05,
    max_iterations: int = 80,
) -> Path:
    """Train the CRF from ``(title, body, place, place_type)`` examples and write it to ``model_path``."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for title, body, place, place_type in examples:
        text, title_len = _analysed(title, body)
        trainer.append(char_features(text, title_len, language), bio_tags(text, place, place_type))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    return model_path


@dataclass(frozen=True)
class PlaceSpan:
    """A place found in ``title + "\\n" + body``: offsets in that text, type, the model's confidence and
    the score that chose it (with its parts)."""

    text: str
    type: str
    start: int
    end: int
    confidence: float
    in_title: bool
    score: float = 0.0
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def as_evidence(self) -> dict[str, object]:
        """The span as JSON evidence for the workbench."""
        return {
            "text": self.text, "type": self.type, "span": [self.start, self.end],
            "confidence": round(self.confidence, 3), "score": round(self.score, 3), "reasons": list(self.reasons),
        }  # fmt: skip


class PlaceTagger:
    """A trained place model (``model_path``, written by :func:`train_tagger`) and its language."""

    def __init__(self, model_path: Path, language: Language = GENERAL) -> None:
        from massline.analysis.places.ranker import CHOICE, PlaceRanker, ranker_path

        self.model_path = model_path
        self.language = language
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._begins = [label for label in self._tagger.labels() if label.startswith("B-")]
        ranker = ranker_path(model_path)
        #: The learned choice among candidates (``places.ranker.json`` beside the CRF); None: the hand score.
        self.ranker = PlaceRanker.load(ranker) if ranker.is_file() else None
        #: The text :meth:`spans` tagged last and each character's probability of being no place.
        self._marginals: tuple[str, list[float]] = ("", [])
        digest = hashlib.blake2b(model_path.read_bytes(), digest_size=6)
        if ranker.is_file():
            digest.update(ranker.read_bytes() + CHOICE.encode())
        #: Names the trained files (CRF and ranker) and how the ranker chooses (``ranker.CHOICE``): results stamped
        #: with it are redone after a retraining or a change of the choice.
        self.model_version = digest.hexdigest()

    def spans(self, title: str, body: str) -> list[PlaceSpan]:
        """The place spans the model tags in the message, then the suffix rules' names it did not tag
        (their confidence: the model's mean probability that their characters are part of a place)."""
        text, title_len = _analysed(title, body)
        if not text.strip():
            return []
        rules = rule_mentions(text, title_len, self.language)
        tagger = self._tagger
        tags = tagger.tag(char_features_utf8(text, title_len, self.language, rules))
        p_out = [tagger.marginal("O", k) for k in range(len(text))]
        self._marginals = (text, p_out)  # the ranker's candidates (:meth:`candidates`) read them too
        out: list[PlaceSpan] = []
        start: int | None = None
        for i, tag in enumerate([*tags, "O"]):
            if start is not None and not tag.startswith("I-"):
                marginal = min(tagger.marginal(tags[k], k) for k in range(start, i))
                out.append(PlaceSpan(text[start:i], tags[start][2:], start, i, marginal, start < title_len))
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                start = i
        tagged = {k for span in out for k in range(span.start, span.end)}
        for begin, end, place_type in rules:
            if not tagged.intersection(range(begin, end)):
                inside = sum(1 - p_out[k] for k in range(begin, end)) / (end - begin)
                out.append(
                    PlaceSpan(text[begin:end], place_type, begin, end, inside, begin < title_len, 0.0, (RULE_REASON,))
                )
        return sorted(out, key=lambda span: span.start)

    def read(self, title: str, body: str) -> tuple[PlaceSpan | None, list[PlaceSpan]]:
        """The place the message is about (see :func:`choose_place`) or None, and every span found.

        When no span is confident enough, the suffix rules' most specific name of the title stands (a
        title names what the message is about; measured: +1.3 points exact, +3.3 partial in
        cross-validation, the rules' names of the body would add more false places than right ones).
        """
        text, _ = _analysed(title, body)
        spans = self.spans(title, body)
        if self.ranker is not None:
            return self._ranked(title, body, spans), spans
        return choose_place(spans, text) or self._title_name(title, text), spans

    def candidates(self, title: str, body: str, spans: Sequence[PlaceSpan]) -> list[tuple[PlaceSpan, dict[str, float]]]:
        """Every candidate place of the message (``ranker.candidates``: the ``spans`` found, likely runs, shifted
        starts), its edges trimmed (:func:`trim_edges`), with the ranker's features."""
        from massline.analysis.places.ranker import Candidate, candidates, features

        text, title_len = _analysed(title, body)
        if not text.strip():
            return []
        tagger, begins = self._tagger, self._begins
        known, p_out = self._marginals
        if known != text:  # not the text :meth:`spans` tagged last: the tagger's marginals as they are
            p_out = [tagger.marginal("O", k) for k in range(len(text))]
        begun: dict[int, float] = {}

        def begin(k: int) -> float:
            if k not in begun:
                begun[k] = sum(map(tagger.marginal, begins, repeat(k))) if k < len(text) else 0.0
            return begun[k]

        found = [Candidate(s.start, s.end, s.type, "rule" if RULE_REASON in s.reasons else "crf", s.confidence)
                 for s in spans]  # fmt: skip
        out = []
        for c in candidates(text, found, p_out, begin):
            span = trim_edges(PlaceSpan(text[c.start : c.end], c.type, c.start, c.end, c.confidence,
                                        c.start < title_len), text)  # fmt: skip
            out.append((span, c))
        best = max((c.confidence for _, c in out), default=0.0)
        hand = choose_place(spans, text) or self._title_name(title, text)  # the hand-weighted score's choice
        chosen = (hand.start, hand.end) if hand else None
        out_features = []
        for span, c in out:
            feats = features(c, text, title_len, begin, p_out, best)
            feats["hand"] = float((span.start, span.end) == chosen)
            out_features.append((span, feats))
        return out_features

    def _ranked(self, title: str, body: str, spans: Sequence[PlaceSpan]) -> PlaceSpan | None:
        assert self.ranker is not None  # noqa: S101 - called only with a ranker
        found = self.candidates(title, body, spans)
        probability, chosen = self.ranker.choose([(span.text, f) for span, f in found])
        if chosen < 0 or probability < self.ranker.threshold_:
            return None
        span = with_tail(found[chosen][0], _analysed(title, body)[0])
        # the choice is the name's (its candidates' odds added up): the title counts wherever its best one is
        in_title = span.in_title or found[chosen][0].text in title
        reasons = (f"排序模型概率 {probability:.2f}", f"模型置信度 {span.confidence:.2f}") + (
            ("在标题中",) if in_title else ()
        )
        return PlaceSpan(span.text, span.type, span.start, span.end, span.confidence, span.in_title, probability,
                         reasons)  # fmt: skip

    def _title_name(self, title: str, text: str) -> PlaceSpan | None:
        names = extract_places(title, sections=True, language=self.language)
        if not names:
            return None
        best = max(names, key=lambda m: (KIND_PRIORITY.get(m.kind, 0), -m.start))
        start = title.find(best.name, best.start)
        if start < 0 or len(best.name) < 2:
            return None
        span = PlaceSpan(best.name, place_type_of(best.name, best.kind), start, start + len(best.name), 0.0, True,
                         0.0, ("标题中的地名（后缀规则）",))  # fmt: skip
        return trim_edges(span, text)

    def place(self, title: str, body: str) -> PlaceSpan | None:
        """The place the message is about (see :func:`choose_place`), or None."""
        return self.read(title, body)[0]


#: A unit's code and level written just before a place (``G4县``, ``长乐县``).
_UNIT_BEFORE = re.compile(r"(?:[A-Z]\d{0,2}[市县区]|[\u4e00-\u9fff]{2,3}[市县区])$")
#: A name that says nothing without its unit (``二中``, ``第一人民医院`` is not one: it has a name).
_BARE_NAME = re.compile("第?[一二三四五六七八九十]{1,3}(?:中|小|中学|小学|医院|幼儿园)")


#: A phase or a compound's generic suffix written right after a name (``梅溪青秀`` + ``二期``, ``昇明壹城`` + ``小区``)
_TAIL = re.compile("(?:[一二三四五六七八九十0-9]{1,2}期)?小区|[一二三四五六七八九十0-9]{1,2}期")


def with_tail(span: PlaceSpan, text: str) -> PlaceSpan:
    """The chosen place with the phase or ``小区`` written right after it (``金地自在城`` of ``金地自在城七期`` ->
    ``金地自在城七期``): the guide keeps a compound's own suffix, and the most specific place of a compound
    written with its phase is that phase.  A name that already holds a phase or ``小区`` is kept as it is.
    (Measured with the same ranker: 65.6 -> 65.8 % exact held out, 60.99 -> 61.37 % on the training draws'
    inner folds.)"""
    tail = _TAIL.match(text, span.end)
    if tail is None or _TAIL.search(span.text):
        return span
    end = tail.end()
    return PlaceSpan(text[span.start : end], span.type, span.start, end, span.confidence, span.in_title, span.score,
                     span.reasons)  # fmt: skip


def trim_edges(span: PlaceSpan, text: str) -> PlaceSpan:
    """The span with its edges as the labelling guide writes them: a unit's level glued to its start is
    cut (``县渠港新苑`` of ``K6县渠港新苑`` -> ``渠港新苑``: the level belongs to the code before it), and
    a bare numbered school or hospital takes the unit written before it (``二中`` -> ``G4县二中``)."""
    start, end = span.start, span.end
    if (
        end - start > 3
        and text[start] in "市县区省"
        and start
        and text[start - 1].isascii()
        and text[start - 1].isalnum()
    ):
        start += 1
    if _BARE_NAME.fullmatch(text[start:end]) and (unit := _UNIT_BEFORE.search(text[max(0, start - 6) : start])):
        start -= len(unit.group())
    if (start, end) == (span.start, span.end):
        return span
    return PlaceSpan(text[start:end], span.type, start, end, span.confidence, span.in_title, span.score, span.reasons)


def choose_place(spans: Sequence[PlaceSpan], text: str) -> PlaceSpan | None:
    """The span with the best score: confidence, +title, +specific type, -after a comparison word; its
    edges trimmed (:func:`trim_edges`).

    Spans whose confidence is below :data:`MIN_CONFIDENCE` are no place; single characters neither.
    """
    best: PlaceSpan | None = None
    for span in spans:
        if span.confidence < MIN_CONFIDENCE or len(span.text) < 2:
            continue
        reasons = [f"模型置信度 {span.confidence:.2f}"]
        score = span.confidence + SPECIFICITY.get(span.type, 0.0)
        if span.in_title:
            score += TITLE_BONUS
            reasons.append("在标题中")
        if _COMPARISON_RE.search(text[max(0, span.start - 8) : span.start]):
            score -= COMPARISON_PENALTY
            reasons.append("前有比较词")
        if best is None or score > best.score:
            best = PlaceSpan(span.text, span.type, span.start, span.end, span.confidence, span.in_title,
                             score, tuple(reasons))  # fmt: skip
    return trim_edges(best, text) if best else None
