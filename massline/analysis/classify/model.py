"""Category classifier: assigns a message to a first-level category (一级标签).

:class:`CategoryClassifier` follows the scikit-learn contract (``__init__``
stores parameters, ``fit`` returns ``self``, learned state ends in ``_``).  Its
input is one string per message built by :func:`text_of` (title on the first
line, detail after it); it can also be trained on titles alone.

The model joins character 1–4-gram and word TF-IDF features
(:class:`~massline.analysis.classify.features.MessageVectorizer`, title counted
``title_weight`` times, taxonomy terms in the segmenter's dictionary) and a
one-vs-rest NB-SVM (:class:`~massline.analysis.classify.nbsvm.NBSVM`) whose
margins become probabilities by one sigmoid per class fitted on held-out folds
(``CalibratedClassifierCV``, 3 folds), normalised.  ``estimators="svm"`` with
``char_ngrams=(1, 3)`` is the previous default (sigmoid-calibrated linear SVM).
Options (measured in ``docs/classifier.md``; none beat the default by more than
the noise) add a logistic regression to the average, fit the TF-IDF vocabulary
on unlabelled messages, self-train on confident predictions for unlabelled
messages, or turn taxonomy rows into short training examples.

A prediction whose probability is below ``threshold`` should go to a person:
see :meth:`CategoryClassifier.needs_review`.  Models are saved as one versioned
file (:meth:`CategoryClassifier.save` / :meth:`CategoryClassifier.load`);
files of format 1 (the calibrated-SVM models of earlier releases) still load.
Loading uses pickle: load only model files you trust.
"""

from __future__ import annotations

import datetime as dt
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy
import scipy.sparse as sp
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from massline.analysis.classify.features import MessageVectorizer, taxonomy_terms
from massline.analysis.classify.inputs import text_of
from massline.analysis.classify.linear import calibrated_proba, logistic_proba
from massline.analysis.classify.nbsvm import NBSVM

__all__ = [
    "MODEL_FORMAT_VERSION",
    "CategoryClassifier",
    "READABLE_FORMAT_VERSIONS",
    "ModelFormatError",
    "text_of",
]

#: Version of the saved-model layout written by :meth:`CategoryClassifier.save`.
#: 2: NB-SVM default (new module ``classify_nbsvm``; older Massline cannot read it).
MODEL_FORMAT_VERSION = 2
#: Versions :meth:`CategoryClassifier.load` accepts (1: calibrated SVM, same object layout).
READABLE_FORMAT_VERSIONS = (1, 2)
_ESTIMATORS = ("nbsvm", "svm", "lr")
_MAGIC = "massline-category-classifier"


class ModelFormatError(ValueError):
    """A model file is not a Massline category model or has another format version."""


class CategoryClassifier(ClassifierMixin, BaseEstimator):
    """First-level category classifier for citizens' messages.

    Parameters
    ----------
    threshold:
        confidence below which :meth:`needs_review` says a person must classify.
    random_state:
        seed for the calibration folds and solvers.
    C:
        regularisation of the linear SVMs (the logistic regression uses ``10 * C``).
    estimators:
        which linear models to average, joined by ``+``: ``"nbsvm"`` (NB-SVM),
        ``"svm"`` (linear SVM, sigmoid-calibrated),
        ``"lr"`` (logistic regression); e.g. ``"svm+lr"``.  The SVMs'
        probabilities are sigmoid-calibrated on 3 held-out folds (the NB-SVM
        is then refitted on all rows; the SVM keeps the 3 fold models).
    title_weight, char_ngrams, word_ngrams, min_df, word_weight:
        passed to :class:`MessageVectorizer`.
    self_training:
        probability above which an unlabelled text joins the training set with
        its predicted label; ``None`` disables self-training.
    unlabeled_vocabulary:
        fit the TF-IDF vocabulary and IDF on unlabelled texts too.
    taxonomy_examples:
        add each taxonomy row (``"二级 三级"`` → 一级) as a short training example
        for the categories that occur in the labels.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        random_state: int = 0,
        C: float = 0.5,
        estimators: str = "nbsvm",
        title_weight: int = 2,
        char_ngrams: tuple[int, int] = (1, 4),
        word_ngrams: tuple[int, int] | None = (1, 1),
        min_df: int = 2,
        word_weight: float = 1.0,
        self_training: float | None = None,
        unlabeled_vocabulary: bool = False,
        taxonomy_examples: bool = False,
    ) -> None:
        self.threshold = threshold
        self.random_state = random_state
        self.C = C
        self.estimators = estimators
        self.title_weight = title_weight
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.min_df = min_df
        self.word_weight = word_weight
        self.self_training = self_training
        self.unlabeled_vocabulary = unlabeled_vocabulary
        self.taxonomy_examples = taxonomy_examples

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        unlabeled: Sequence[str] | None = None,
        taxonomy: Sequence[Sequence[str]] | None = None,
    ) -> CategoryClassifier:
        """Train on ``texts`` (built with :func:`text_of`) and their ``labels``.

        ``unlabeled`` texts (optional) are used without labels; ``taxonomy``
        rows are ``(一级分类, 二级分类, 三级分类)`` tuples whose sub-category
        terms join the word segmenter's dictionary.
        """
        texts = list(texts)
        labels = [str(label) for label in labels]
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("training needs at least two distinct categories")
        unlabeled = [t for t in (unlabeled or []) if t.strip()]
        taxonomy_rows = [tuple(row) for row in (taxonomy or [])]
        if self.taxonomy_examples and taxonomy_rows:
            known = set(labels)
            for row in taxonomy_rows:
                if row and row[0] in known:
                    texts.append(" ".join(part for part in row[1:] if part))
                    labels.append(row[0])

        self.vectorizer_ = MessageVectorizer(
            char_ngrams=self.char_ngrams,
            word_ngrams=self.word_ngrams,
            title_weight=self.title_weight,
            min_df=self.min_df,
            user_words=taxonomy_terms(taxonomy_rows),
            word_weight=self.word_weight,
        )
        self.vectorizer_.fit(texts + unlabeled if self.unlabeled_vocabulary else texts)
        features = self.vectorizer_.transform(texts)
        self.models_ = self._fit_models(features, np.asarray(labels))
        self.classes_ = self.models_[0].classes_
        self.n_self_trained_ = 0
        if unlabeled and self.self_training is not None:
            unl_features = self.vectorizer_.transform(unlabeled)
            proba = self._proba_of(unl_features)
            keep = proba.max(axis=1) >= self.self_training
            if keep.any():
                pseudo = self.classes_[proba[keep].argmax(axis=1)]
                features = sp.vstack([features, unl_features[keep]], format="csr")
                all_labels = np.concatenate([np.asarray(labels), pseudo])
                self.models_ = self._fit_models(features, all_labels)
                self.n_self_trained_ = int(keep.sum())
        self.n_train_ = len(texts)
        self.trained_at_ = dt.datetime.now(dt.UTC)
        self.n_unlabeled_ = len(unlabeled)
        self.n_taxonomy_rows_ = len(taxonomy_rows)
        self.format_version_ = MODEL_FORMAT_VERSION
        return self

    def _fit_models(self, features: Any, labels: np.ndarray) -> list[Any]:
        names = self.estimators.split("+")
        unknown = set(names) - set(_ESTIMATORS)
        if unknown or not names:
            raise ValueError(f"unknown estimators {self.estimators!r}; use {', '.join(_ESTIMATORS)} joined by +")
        models: list[Any] = []
        for name in names:
            if name == "nbsvm":
                model: Any = CalibratedClassifierCV(
                    NBSVM(C=self.C, random_state=self.random_state),
                    method="sigmoid",
                    cv=3,
                    ensemble=False,
                )
            elif name == "svm":
                model = CalibratedClassifierCV(
                    LinearSVC(C=self.C, random_state=self.random_state),
                    method="sigmoid",
                    cv=3,
                )
            else:
                model = LogisticRegression(C=10 * self.C, max_iter=3000, random_state=self.random_state)
            models.append(model.fit(features, labels))
        return models

    # -------------------------------------------------------------- predict
    def _proba_of(self, features: Any) -> np.ndarray:
        probs = [_proba(model, features) for model in self.models_]
        return np.asarray(np.mean(probs, axis=0))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n, len(classes_))`` array of calibrated class probabilities."""
        self._check_fitted()
        return self._proba_of(self.vectorizer_.transform(list(texts)))

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Return the most probable category of each text."""
        return [label for label, _ in self.predict_with_confidence(texts)]

    def predict_with_confidence(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """Return ``(category, probability)`` for each text."""
        texts = list(texts)
        if not texts:
            return []
        proba = self.predict_proba(texts)
        best = proba.argmax(axis=1)
        return [(str(self.classes_[i]), float(proba[row, i])) for row, i in enumerate(best)]

    def needs_review(self, confidence: float) -> bool:
        """True when ``confidence`` is below ``threshold``: a person should classify."""
        return confidence < self.threshold

    def _check_fitted(self) -> None:
        if not hasattr(self, "models_"):
            raise RuntimeError("CategoryClassifier is not fitted; call fit() or load() first")

    # ---------------------------------------------------------- save / load
    def save(self, path: str | Path) -> None:
        """Write the fitted model and a header (version, date, classes, sizes) to ``path``."""
        self._check_fitted()
        header = {
            "magic": _MAGIC,
            "format_version": self.format_version(),
            "model_version": self.model_version(),
            "trained_at": self.trained_at_.isoformat(),
            "classes": [str(c) for c in self.classes_],
            "n_train": self.n_train_,
            "n_unlabeled": self.n_unlabeled_,
            "n_self_trained": self.n_self_trained_,
            "n_taxonomy_rows": self.n_taxonomy_rows_,
            "params": self.get_params(),
            "libraries": _library_versions(),
        }
        joblib.dump({"header": header, "model": self}, Path(path), compress=3)

    def format_version(self) -> int:
        """The model format of this fitted model (1 for a model loaded from a format-1 file)."""
        self._check_fitted()
        return int(getattr(self, "format_version_", 1))

    def model_version(self) -> str:
        """A version string for results stamped by this model (format + training time)."""
        return f"category-v{self.format_version()}-{self.trained_at_:%Y%m%dT%H%M%SZ}"

    @classmethod
    def load(cls, path: str | Path) -> CategoryClassifier:
        """Read a model written by :meth:`save`; refuse other formats with a clear error."""
        header, model = _read(Path(path))
        version = header.get("format_version")
        if version not in READABLE_FORMAT_VERSIONS:
            readable = ", ".join(str(v) for v in READABLE_FORMAT_VERSIONS)
            raise ModelFormatError(
                f"{path}: model format version {version!r} is not supported (this Massline "
                f"reads versions {readable}); retrain the model with this version"
            )
        if not isinstance(model, cls):
            raise ModelFormatError(f"{path}: file does not hold a CategoryClassifier")
        model.header_ = header
        return model

    @staticmethod
    def read_header(path: str | Path) -> dict[str, Any]:
        """Return the header dict of a saved model (format version, classes, ...)."""
        return _read(Path(path))[0]


def _proba(model: Any, features: Any) -> np.ndarray:
    """``model.predict_proba(features)``, the same numbers without scikit-learn's per-call checks."""
    if isinstance(model, CalibratedClassifierCV):
        return calibrated_proba(model, features)
    if isinstance(model, LogisticRegression):
        return logistic_proba(model, features)
    return np.asarray(model.predict_proba(features))


def _read(path: Path) -> tuple[dict[str, Any], Any]:
    try:
        payload = joblib.load(path)
    except FileNotFoundError:
        raise
    except Exception as exc:  # unpickling errors come in many types
        raise ModelFormatError(f"{path}: not a readable model file ({exc.__class__.__name__})") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("header"), dict):
        raise ModelFormatError(f"{path}: not a Massline category model file")
    header = payload["header"]
    if header.get("magic") != _MAGIC:
        raise ModelFormatError(f"{path}: not a Massline category model file")
    return header, payload.get("model")


def _library_versions() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }
