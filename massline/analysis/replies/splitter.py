"""The learned demand splitter: a CRF that tags each clause of a message.

The message (``title.strip() + "\\n" + body.strip()``) is cut into clauses (at 。！？；,
line breaks, commas and colons); each clause gets a tag ``B-kind`` (a demand of that kind
starts here), ``I-kind`` (it continues) or ``O`` (greeting, background, thanks), learned from
the hand labels (tests/data/replies/demands.jsonl, RULES.md). A clause's features are the
rules' view of it (its clause kind and which cue patterns of the rules match), its closing
mark, its length, its first and last characters and its character bigrams, where it stands
(title, first of the body, start or end of a sentence, start of a paragraph, position in the
message) and the same for the two clauses either side. The demands are runs of ``B``/``I``
clauses; a clause starts a new one when the ``B`` tags together are at least :data:`BEGIN`
probable (the most probable tag sequence splits too rarely: it favours long ``I`` runs).

:func:`train_splitter` writes the model; :data:`DEMAND_MODEL` is the one shipped with the
package (``massline replies train-splitter``). :func:`default_splitter` loads it once, lazily,
and ``pycrfsuite`` only then; without the file ``split_demands`` keeps to the rules. The rules
also split texts shorter than :data:`SHORT` and those the model finds no demand in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from massline.analysis.replies.demands import CUES, as_demands, clause_kind, rule_spans
from massline.analysis.replies.text import clauses, sentences
from massline.analysis.replies.types import Demand

#: The model shipped with the package (trained on every labelled message).
DEMAND_MODEL = Path(__file__).resolve().parents[2] / "data" / "models" / "demands.crfsuite"

#: The demand kinds the model tags.
KINDS = ("question", "action", "complaint")
#: Decoding thresholds (:func:`decide`): a clause is outside every demand when ``O`` is at
#: least this probable, and starts a new demand when the ``B`` tags together are at least this.
OUTSIDE = 0.6
BEGIN = 0.3

#: Texts shorter than this (characters) are split by the rules: the shortest labelled message
#: has 43, so the model has not seen how a one-line message is written.
SHORT = 50

#: A labelled span as ``(kind, start, end)``.
Span = tuple[str, int, int]


class Clause(NamedTuple):
    """A clause of a message with what the features need to know of its place (a named tuple:
    made for every clause of every message, so it must be cheap)."""

    start: int
    end: int
    text: str
    title: bool  # in the title line
    sentence_start: bool
    sentence_end: bool
    paragraph: bool  # the first clause after a line break or an ideographic indent
    sentence: int = 0  # the index of its sentence in the message


def message_clauses(text: str) -> list[Clause]:
    """The clauses of ``text`` in order, each marked with its place in the message."""
    newline = text.find("\n", len(text) - len(text.lstrip()))
    title_end = newline if newline >= 0 and text[newline:].strip() else -1
    out: list[Clause] = []
    previous = 0
    for n, sentence in enumerate(sentences(text)):
        between = text[previous : sentence.start]
        paragraph = previous == 0 or "\n" in between or "\u3000\u3000" in between
        previous = sentence.end
        parts = clauses(sentence.text)
        for k, part in enumerate(parts):
            start, end = sentence.start + part.start, sentence.start + part.end
            out.append(
                Clause(start, end, part.text, start < title_end, k == 0, k == len(parts) - 1, paragraph and k == 0, n)
            )
    return out


def _length(n: int) -> str:
    return "0" if n < 6 else "1" if n < 12 else "2" if n < 25 else "3" if n < 50 else "4"


def _own(c: Clause) -> list[str]:
    """The features of one clause on its own (without prefix)."""
    text = c.text.rstrip()
    mark = text[-1] if text and not text[-1].isalnum() else "none"
    feats = [f"kind={clause_kind(c.text)}", f"mark={mark}", f"len={_length(len(text))}"]
    feats += [f"cue={name}" for name, pattern in CUES.items() if pattern.search(text)]
    for flag in ("title", "sentence_start", "sentence_end", "paragraph"):
        if getattr(c, flag):
            feats.append(flag)
    return feats


#: Every two letters or digits in a row (overlapping): ``[^\W_]`` is what ``str.isalnum`` accepts.
_PAIRS = re.compile(r"(?=([^\W_]{2}))")


def _grams(text: str) -> list[str]:
    """The clause's character bigrams (its words, roughly)."""
    return ["w=" + pair for pair in _PAIRS.findall(text)]


def features(text: str, units: Sequence[Clause] | None = None) -> list[list[str]]:
    """The CRF features of every clause of ``text`` (those of :func:`message_clauses`)."""
    units = message_clauses(text) if units is None else units
    own = [_own(c) for c in units]
    first_body = next((i for i, c in enumerate(units) if not c.title), -1)
    out = []
    for i, c in enumerate(units):
        feats = ["bias", *own[i], f"head={c.text[:2]}", f"tail={c.text.rstrip()[-3:-1]}"]
        feats += [f"pos={5 * i // max(1, len(units))}", *_grams(c.text)]
        if i == first_body:
            feats.append("first_body")
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(units):
                keep = own[j] if abs(offset) == 1 else own[j][:3]
                feats += [f"{offset}:{f}" for f in keep]
            else:
                feats.append(f"{offset}:edge")
        out.append(feats)
    return out


def tags_of(units: Sequence[Clause], spans: Iterable[Span]) -> list[str]:
    """The BIO tags of ``units`` for the demand ``spans``: a clause belongs to the span that
    covers most of it; the first clause of each span is its ``B``."""
    tags = ["O"] * len(units)
    for kind, start, end in spans:
        first = True
        for i, c in enumerate(units):
            inside = min(c.end, end) - max(c.start, start)
            if inside > 0 and inside * 2 >= c.end - c.start:
                tags[i] = ("B-" if first else "I-") + kind
                first = False
    return tags


def spans_of(units: Sequence[Clause], tags: Sequence[str]) -> list[Span]:
    """The demand spans of tagged clauses: a run of ``B``/``I`` tags, a new span at every
    ``B`` (an ``I`` after ``O`` starts one too); the kind is that of its first tag."""
    spans: list[list[Any]] = []
    open_ = False
    for c, tag in zip(units, tags, strict=True):
        if tag == "O":
            open_ = False
        elif tag.startswith("B-") or not open_:
            spans.append([tag[2:], c.start, c.end])
            open_ = True
        else:
            spans[-1][2] = c.end
    return [(kind, start, end) for kind, start, end in spans]


def decide(marginals: Sequence[dict[str, float]], begin: float = BEGIN, outside: float = OUTSIDE) -> list[str]:
    """Tags from each clause's tag probabilities: ``O`` when its probability is at least
    ``outside``; else a ``B`` when the ``B`` tags together reach ``begin`` (or the clause before
    was ``O``), an ``I`` otherwise; the kind is the one most probable over its ``B`` and ``I``."""
    tags = []
    for k, m in enumerate(marginals):
        if m.get("O", 0.0) >= outside:
            tags.append("O")
            continue
        kind = max(KINDS, key=lambda x: m.get("B-" + x, 0.0) + m.get("I-" + x, 0.0))
        starts = sum(m.get("B-" + x, 0.0) for x in KINDS)
        tags.append(("B-" if starts >= begin or k == 0 or tags[-1] == "O" else "I-") + kind)
    return tags


class DemandSplitter:
    """A trained model (``model_path``, written by :func:`train_splitter`) that splits texts."""

    def __init__(self, model_path: Path, begin: float = BEGIN, outside: float = OUTSIDE) -> None:
        import pycrfsuite

        self.model_path, self.begin, self.outside = model_path, begin, outside
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._labels = tuple(self._tagger.labels())

    def spans(self, text: str, fallback: bool = True) -> list[Span]:
        """The demand spans of ``text`` as ``(kind, start, end)``. With ``fallback``, the rules'
        for a text shorter than :data:`SHORT` or one the model finds no demand in."""
        units = message_clauses(text) if len(text.strip()) >= SHORT or not fallback else []
        found = spans_of(units, decide(self.marginals(text, units), self.begin, self.outside)) if units else []
        return rule_spans(text) if fallback and not found else found

    def marginals(self, text: str, units: Sequence[Clause]) -> list[dict[str, float]]:
        """Each clause's probability of every tag."""
        tagger = self._tagger
        tagger.set(features(text, units))
        labels, marginal = self._labels, tagger.marginal
        n = len(labels)
        return [dict(zip(labels, map(marginal, labels, repeat(k, n)), strict=True)) for k in range(len(units))]

    def split(self, text: str) -> list[Demand]:
        """The demands of ``text`` (see :func:`massline.analysis.replies.split_demands`)."""
        if not text.strip():
            return []
        return as_demands(text, self.spans(text))


@lru_cache(maxsize=1)
def _load(path: Path) -> DemandSplitter | None:
    return DemandSplitter(path) if path.is_file() else None


def default_splitter() -> DemandSplitter | None:
    """The shipped model, loaded once (None when :data:`DEMAND_MODEL` is absent)."""
    return _load(DEMAND_MODEL)


def train_splitter(
    examples: Iterable[tuple[str, Sequence[Span]]],
    model_path: Path,
    c1: float = 0.05,
    c2: float = 0.05,
    max_iterations: int = 150,
) -> Path:
    """Train the CRF on ``(text, spans)`` examples (spans ``(kind, start, end)`` of ``text``)
    and write it to ``model_path``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for text, spans in examples:
        units = message_clauses(text)
        if units:
            trainer.append(features(text, units), tags_of(units, spans))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    return model_path
