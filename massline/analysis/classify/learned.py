"""Learned kind, urgency and feeling of a message, each with its evidence.

:class:`MessageModel` follows the scikit-learn contract (``__init__`` stores
parameters, ``fit`` returns ``self``, learned state ends in ``_``). Features:
character n-gram TF-IDF of the title (counted ``title_weight`` times) and of
the body in one space; the same of the body's last ``tail_chars`` characters
in a space of their own (the closing request usually says what the writer
wants: ``tail_weight``); the segmenter's words of two characters or more
(``word_weight``); the word rules' scores
(:mod:`~massline.analysis.classify.rules`) and the cues; one logistic
regression per task with balanced class weights. Evidence of a decision: the n-grams of the text
that pushed it most towards the chosen label (with their offsets in
``title + "\\n" + body``) and the rule features that did.

Rare classes are handled openly: a class with fewer than ``min_examples``
training examples is not learned (too few to generalise). Its examples train
its neighbour class instead (``紧急`` → ``较急``) or are left out, and the rule
decides it: the rule's ``紧急`` stands, whatever the model says, when the rule saw a current,
factual danger said to be happening now (an immediacy word such as ``正在``, ``马上``, ``随时``
in its clause or the next: ``楼道里有很浓的煤气味，请马上派人来``) — also once 紧急 has enough
examples to be learned, since a class that rare is almost never the model's most probable one,
and a board's letters teach the model little about emergencies (smells there are mostly a
nuisance); a 紧急 without such words stays the model's. The rule's ``表扬`` (or another rare
kind) stands whatever the model says.

Models are saved as one versioned file (:meth:`MessageModel.save` /
:meth:`MessageModel.load`, joblib: load only files you trust).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import rjieba
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from massline.analysis.classify.blocks import dense_rows, join_columns
from massline.analysis.classify.chargrams import char_tfidf
from massline.analysis.classify.cues import CUE_FEATURES, cue_row, cue_words
from massline.analysis.classify.decision import Decision, EvidenceSpan
from massline.analysis.classify.linear import logistic_proba, narrowed
from massline.analysis.classify.model import ModelFormatError
from massline.analysis.classify.rules import RULE_FEATURES, TASK_LABELS, RuleAnswers, rule_answers, rule_matrix
from massline.analysis.classify.tfidf import words_tfidf
from massline.analysis.classify.threshold import choose_threshold

__all__ = ["TASKS", "MessageModel"]

TASKS = ("kind", "urgency", "feeling")
FORMAT_VERSION = 3
_MAGIC = "massline-message-model"
#: A rare class's examples train this class instead; the rule's rare class then stands only over it.
NEIGHBOUR = {"紧急": "较急"}
#: The urgency threshold applies to the probability of anything but this class; past it, the more probable
#: of the other classes (较急, or 紧急 once it has enough examples to be learned).
NORMAL = "一般"
MAX_SPANS = 5
_CANDIDATES = 40  # the strongest features looked at for the spans
MIN_RULE_CONTRIBUTION = 0.05
_RULE_TASK = {"类型": "kind", "紧急": "urgency", "情绪": "feeling"}


class MessageModel(BaseEstimator):
    """Kind (类型), urgency (紧急程度) and feeling (情绪) of citizens' messages.

    Parameters: ``title_weight`` (the title's TF-IDF counted this many times),
    ``char_ngrams``, ``min_df`` and ``max_features`` of the character n-grams,
    ``C`` of the logistic regressions, ``rule_weight`` (scale of the rule
    features), ``min_examples`` (fewer examples: the class is left to the rule),
    ``cue_weight`` (scale of the cue features of :mod:`.cues`; 0: none),
    ``tail_chars`` and ``tail_weight`` (the body's end as features of its own; weight 0: none),
    ``word_weight`` (the segmenter's words; 0: none),
    ``urgency_recall`` and ``urgency_agreement`` (the 较急 threshold is chosen
    by an inner cross-validation of the training messages to find this share of
    较急/紧急 while keeping this agreement; None: the most probable class).
    """

    def __init__(
        self,
        title_weight: float = 2.0,
        char_ngrams: tuple[int, int] = (1, 3),
        min_df: int = 2,
        max_features: int = 30000,
        C: float = 4.0,
        rule_weight: float = 1.0,
        min_examples: int = 8,
        random_state: int = 0,
        cue_weight: float = 1.0,
        urgency_recall: float | None = 0.72,
        urgency_agreement: float = 0.86,
        tail_chars: int = 150,
        tail_weight: float = 2.0,
        word_weight: float = 1.0,
    ) -> None:
        self.title_weight = title_weight
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.C = C
        self.rule_weight = rule_weight
        self.min_examples = min_examples
        self.random_state = random_state
        self.cue_weight = cue_weight
        self.urgency_recall = urgency_recall
        self.urgency_agreement = urgency_agreement
        self.tail_chars = tail_chars
        self.tail_weight = tail_weight
        self.word_weight = word_weight

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        titles: Sequence[str],
        bodies: Sequence[str],
        labels: Mapping[str, Sequence[str]],
        tune: Sequence[bool] | None = None,
    ) -> MessageModel:
        """Train one classifier per task of ``labels`` (``{"kind": [...], ...}``) on the messages' texts.

        ``tune``: the messages whose out-of-fold answers choose the 较急 threshold (the random draws, not a
        targeted set that over-represents 较急); all when None.
        """
        titles, bodies = list(titles), list(bodies)
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char", ngram_range=self.char_ngrams, min_df=self.min_df,
            max_features=self.max_features, sublinear_tf=True, dtype=np.float32,
        )  # fmt: skip
        self.vectorizer_.fit(titles + bodies)
        self.tail_vectorizer_ = TfidfVectorizer(
            analyzer="char", ngram_range=(2, 3), min_df=self.min_df, max_features=self.max_features,
            sublinear_tf=True, dtype=np.float32,
        ).fit([self._tail(b) for b in bodies]) if self.tail_weight else None  # fmt: skip
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=_words, min_df=self.min_df, sublinear_tf=True, dtype=np.float32
        ).fit([f"{t}\n{b}" for t, b in zip(titles, bodies, strict=True)]) if self.word_weight else None  # fmt: skip
        self.ngrams_ = [str(n) for n in self.vectorizer_.get_feature_names_out()]
        self.tail_from_ = len(self.ngrams_)  # the columns of the body's end, then of the words
        for extra in (self.tail_vectorizer_, self.word_vectorizer_):
            self.ngrams_ += [] if extra is None else [str(n) for n in extra.get_feature_names_out()]
        features = self._features(titles, bodies, [rule_answers(t, b) for t, b in zip(titles, bodies, strict=True)])
        self.models_: dict[str, LogisticRegression] = {}
        self.rare_: dict[str, list[str]] = {}
        self.counts_: dict[str, dict[str, int]] = {}
        self.threshold_: float | None = None
        tuning = np.ones(len(titles), dtype=bool) if tune is None else np.asarray(tune, dtype=bool)
        for task, raw in labels.items():
            y = np.asarray([str(v) for v in raw])
            if len(y) != len(titles):
                raise ValueError(f"{task}: {len(y)} labels for {len(titles)} messages")
            counts = Counter(y.tolist())
            rare = [c for c in TASK_LABELS[task] if counts[c] < self.min_examples]
            y = np.asarray([NEIGHBOUR.get(v, v) if v in rare else v for v in y])
            keep = ~np.isin(y, rare)
            if len(set(y[keep].tolist())) < 2:
                raise ValueError(f"{task}: training needs at least two classes with {self.min_examples} examples")
            model = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000, random_state=self.random_state)
            model.fit(features[np.flatnonzero(keep)], y[keep])
            if task == "urgency" and self.urgency_recall is not None:
                self.threshold_ = self._threshold(model, features, y, keep & tuning)
            model.coef_ = model.coef_.astype(np.float32)
            self.models_[task] = model
            self.rare_[task] = rare
            self.counts_[task] = {c: counts[c] for c in TASK_LABELS[task]}
        self.trained_at_ = dt.datetime.now(dt.UTC)
        self.n_train_ = len(titles)
        return self

    def _threshold(self, model: LogisticRegression, features: sp.csr_matrix, y: np.ndarray, rows: np.ndarray) -> float:
        """The threshold on the probability of 较急 or worse (1 − P(一般)) from a 3-fold inner cross-validation
        of the tuning messages."""
        rows = np.flatnonzero(rows)
        wanted = y[rows] != NORMAL
        if wanted.sum() < 3 or (~wanted).sum() < 3:
            return 0.5
        inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=self.random_state)
        proba = cross_val_predict(model, features[rows], y[rows], cv=inner, method="predict_proba")
        column = list(np.unique(y[rows])).index(NORMAL)
        return choose_threshold(1.0 - proba[:, column], wanted, self.urgency_recall or 0.0, self.urgency_agreement)

    def _features(
        self, titles: list[str], bodies: list[str], answers: list[RuleAnswers], cues: np.ndarray | None = None
    ) -> sp.csr_matrix:
        # each block is a new matrix: weighed in place (the product ``block * weight`` gives)
        title = _weighed(char_tfidf(self.vectorizer_, titles), self.title_weight)
        blocks = [title + char_tfidf(self.vectorizer_, bodies)]
        if self.tail_vectorizer_ is not None:
            tail = char_tfidf(self.tail_vectorizer_, [self._tail(b) for b in bodies])
            blocks.append(_weighed(tail, self.tail_weight))
        if self.word_vectorizer_ is not None:
            texts = [f"{t}\n{b}" for t, b in zip(titles, bodies, strict=True)]
            blocks.append(_weighed(words_tfidf(self.word_vectorizer_, texts), self.word_weight))
        dense = [rule_matrix(answers) * self.rule_weight]
        if self.cue_weight:
            cues = self._cues(titles, bodies) if cues is None else cues
            dense.append(cues * np.float32(self.cue_weight))  # float32 values: exact in float64
        blocks.append(dense_rows(np.hstack(dense), np.float32))  # the rules and cues in one block
        return join_columns(blocks)

    def _tail(self, body: str) -> str:
        return body[-self.tail_chars :]

    def _cues(self, titles: list[str], bodies: list[str]) -> np.ndarray:
        if not self.cue_weight:
            return np.zeros((len(titles), 0), dtype=np.float32)
        return np.asarray([cue_row(t, b) for t, b in zip(titles, bodies, strict=True)], dtype=np.float32)

    # -------------------------------------------------------------- predict
    def predict(self, titles: Sequence[str], bodies: Sequence[str]) -> list[dict[str, Decision]]:
        """Each message's decision per task, with its evidence (``[{"kind": Decision, ...}, ...]``)."""
        self._check_fitted()
        titles, bodies = list(titles), list(bodies)
        if not titles:
            return []
        answers = [rule_answers(t, b) for t, b in zip(titles, bodies, strict=True)]
        cues = self._cues(titles, bodies)
        features = self._features(titles, bodies, answers, cues)
        out: list[dict[str, Decision]] = [{} for _ in titles]
        narrow = narrowed(features)  # the columns the messages use, found once for the three tasks
        for task, model in self.models_.items():
            proba = logistic_proba(model, features, narrow)
            weights = self._weights(task, model)
            for row, best in enumerate(self._best(task, model, proba)):
                label = str(model.classes_[best])
                text = f"{titles[row]}\n{bodies[row]}"
                decision = Decision(
                    label, round(float(proba[row, best]), 3), "model",
                    self._spans(features, row, weights[best], text),
                    self._rules(weights[best], answers[row], cues[row], f"{titles[row]}\n{bodies[row]}", task),
                    {str(c): round(float(p), 3) for c, p in zip(model.classes_, proba[row], strict=True)},
                )  # fmt: skip
                out[row][task] = self._rare_rule(task, decision, answers[row])
        return out

    def _weights(self, task: str, model: LogisticRegression) -> list[np.ndarray]:
        """The task's per-class evidence weights, computed once per loaded model (not saved with it)."""
        cache: dict[str, list[np.ndarray]] = self.__dict__.setdefault("_weights_cache", {})
        if task not in cache:
            cache[task] = _class_weights(model)
        return cache[task]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_weights_cache", None)
        return state

    def _best(self, task: str, model: LogisticRegression, proba: np.ndarray) -> np.ndarray:
        """Per row, the index of the chosen class: the most probable; for urgency, past the chosen threshold on
        1 − P(一般) the more probable of the other classes, else 一般."""
        classes = [str(c) for c in model.classes_]
        threshold = getattr(self, "threshold_", None)
        if task != "urgency" or threshold is None or NORMAL not in classes or len(classes) < 2:
            return np.asarray(proba.argmax(axis=1))
        normal = classes.index(NORMAL)
        others = np.where(np.arange(len(classes)) == normal, -1.0, proba)  # 一般 never the best of the others
        return np.where(1.0 - proba[:, normal] >= threshold, others.argmax(axis=1), normal)

    def _rare_rule(self, task: str, decision: Decision, answers: RuleAnswers) -> Decision:
        said = answers.labels[task]
        if said not in self.rare_.get(task, []) and said not in NEIGHBOUR:
            return decision  # a learned class decides, except 紧急: the rule for a current danger keeps its say
        if said in NEIGHBOUR and not answers.danger_now:
            return decision  # the rule's 紧急 stands for a danger said to be happening now, whatever the model says
        rules = [f"规则判断：{said}（{'、'.join(answers.words[task][:5])}）", *decision.rules]
        return Decision(said, round(answers.confidence[task], 3), "rule", decision.spans, rules, decision.probabilities)

    def _spans(self, features: sp.csr_matrix, row: int, weights: np.ndarray, text: str) -> list[EvidenceSpan]:
        start, end = features.indptr[row], features.indptr[row + 1]
        cols, values = features.indices[start:end], features.data[start:end]
        n_text = len(self.ngrams_)
        scores = values * weights[cols]
        top = np.arange(len(scores))
        if len(scores) > _CANDIDATES:
            top = np.argpartition(-scores, _CANDIDATES)[:_CANDIDATES]
        chosen: list[EvidenceSpan] = []
        for i in top[np.argsort(-scores[top])]:
            col, score = int(cols[i]), float(scores[i])
            if score <= 0 or len(chosen) >= MAX_SPANS:
                break
            gram = self.ngrams_[col] if col < n_text else ""
            if len(gram.strip()) < 2 or any(gram in c.text or c.text in gram for c in chosen):
                continue
            at = text.rfind(gram) if self.tail_from_ <= col else text.find(gram)  # the body's end, the words
            if at >= 0:
                chosen.append(EvidenceSpan(gram, at, at + len(gram), round(score, 3)))
        return chosen

    def _rules(self, weights: np.ndarray, answers: RuleAnswers, cues: np.ndarray, text: str, task: str) -> list[str]:
        n_text = len(self.ngrams_)
        out = []
        for k, name in enumerate(RULE_FEATURES):
            score = answers.features[k] * self.rule_weight * float(weights[n_text + k])
            if score >= MIN_RULE_CONTRIBUTION:
                words = answers.words.get(_RULE_TASK.get(name[:2], ""), [])
                out.append(f"{name}（{'、'.join(words[:5])}）" if words else name)
        at = n_text + len(RULE_FEATURES)
        for j in np.flatnonzero(cues).tolist():
            if cues[j] * self.cue_weight * float(weights[at + j]) >= MIN_RULE_CONTRIBUTION:
                name = CUE_FEATURES[j]
                words = _cue_words(text, name.split("：", 1)[1])
                out.append(f"{name}（{'、'.join(words[:5])}）")
        threshold = getattr(self, "threshold_", None)
        if task == "urgency" and threshold is not None:
            out.append(f"较急阈值 {threshold:.2f}")
        return out

    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise RuntimeError("MessageModel is not fitted; call fit() or load() first")

    # ---------------------------------------------------------- save / load
    def model_version(self) -> str:
        """A version string for results stamped by this model (format + training time)."""
        self._check_fitted()
        return f"understand-v{FORMAT_VERSION}-{self.trained_at_:%Y%m%dT%H%M%SZ}"

    def save(self, path: str | Path) -> None:
        """Write the fitted model and a header (format, version, training counts) to ``path``."""
        self._check_fitted()
        header = {
            "magic": _MAGIC, "format_version": FORMAT_VERSION, "model_version": self.model_version(),
            "trained_at": self.trained_at_.isoformat(), "n_train": self.n_train_, "counts": self.counts_,
            "rare": self.rare_, "params": self.get_params(),
        }  # fmt: skip
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"header": header, "model": self}, Path(path), compress=3)

    @classmethod
    def load(cls, path: str | Path) -> MessageModel:
        """Read a model written by :meth:`save`; refuse other files and formats with a clear error."""
        try:
            payload = joblib.load(Path(path))
        except FileNotFoundError:
            raise
        except Exception as exc:  # unpickling errors come in many types
            raise ModelFormatError(f"{path}: not a readable model file ({exc.__class__.__name__})") from exc
        header = payload.get("header") if isinstance(payload, dict) else None
        if not isinstance(header, dict) or header.get("magic") != _MAGIC:
            raise ModelFormatError(f"{path}: not a Massline message model file")
        if header.get("format_version") != FORMAT_VERSION or not isinstance(payload.get("model"), cls):
            raise ModelFormatError(f"{path}: message model format {header.get('format_version')!r} is not supported")
        model: MessageModel = payload["model"]
        model.header_ = header
        return model


def _weighed(block: sp.csr_matrix, weight: float) -> sp.csr_matrix:
    """``block * np.float32(weight)``, computed in ``block`` (a matrix of the caller's)."""
    block.data *= np.float32(weight)
    return block


def _words(text: str) -> list[str]:
    """The segmenter's words of two characters or more (the word features' analyser; picklable)."""
    return [w for w in rjieba.cut(text) if len(w) > 1 and not w.isspace()]


@lru_cache(maxsize=4096)
def _cue_words(text: str, name: str) -> list[str]:
    """The cue's words in ``text``, found once for the three tasks of a message."""
    return cue_words(text, "", name)


def _class_weights(model: LogisticRegression) -> list[np.ndarray]:
    """Per class, the weights that push towards it (relative to the other classes)."""
    coef = np.asarray(model.coef_, dtype=np.float32)
    if coef.shape[0] == 1:  # binary: the row pushes towards classes_[1]
        return [-coef[0], coef[0]]
    return [row - coef.mean(axis=0) for row in coef]
