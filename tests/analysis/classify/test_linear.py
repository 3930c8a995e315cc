"""The models' outputs computed without scikit-learn's per-call checks are scikit-learn's to the bit: the
TF-IDF step and the word counts of fitted vectorizers, the product with the coefficients, the logistic
regressions' and the calibrated NB-SVM's probabilities, in batches and one message at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from massline.analysis.classify import CategoryClassifier, MessageModel, read_labelled, text_of
from massline.analysis.classify.features import weight_title
from massline.analysis.classify.linear import calibrated_proba, logistic_proba, narrowed, rows_dot
from massline.analysis.classify.nbsvm import NBSVM
from massline.analysis.classify.rules import rule_answers
from massline.analysis.classify.tfidf import words_tfidf

ROOT = Path(__file__).resolve().parents[3]
LABELS = ROOT / "tests" / "data" / "labels"


@pytest.fixture(scope="module")
def messages() -> list:
    return read_labelled(LABELS)[:240]


def _same(a: object, b: object) -> None:
    assert type(a) is type(b)
    if sp.issparse(a):
        assert isinstance(b, sp.csr_matrix) and a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data)
    else:
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


def _batches(n: int) -> list[slice]:
    return [slice(k, k + 60) for k in range(0, n, 60)] + [slice(k, k + 1) for k in range(12)]


def test_the_shipped_models_features_and_probabilities(messages: list) -> None:
    model = MessageModel.load(ROOT / "massline" / "data" / "models" / "understanding.joblib")
    titles, bodies = [m.title for m in messages], [m.body for m in messages]
    for part in _batches(len(messages)):
        texts = [f"{t}\n{b}" for t, b in zip(titles[part], bodies[part], strict=True)]
        _same(words_tfidf(model.word_vectorizer_, texts), model.word_vectorizer_.transform(texts))
        answers = [rule_answers(t, b) for t, b in zip(titles[part], bodies[part], strict=True)]
        features = model._features(titles[part], bodies[part], answers)
        for task, regression in model.models_.items():
            assert len(regression.classes_) > 2, task  # the fast path, not the fallback, is what is compared
            _same(logistic_proba(regression, features), regression.predict_proba(features))


@pytest.mark.parametrize("estimators", ["nbsvm", "svm", "lr"])
def test_a_category_models_probabilities(messages: list, estimators: str) -> None:
    common = {k for k in {m.kind for m in messages} if sum(m.kind == k for m in messages) >= 10}
    texts = [text_of(m.title, m.body) for m in messages if m.kind in common]
    labels = [m.kind for m in messages if m.kind in common]
    assert len(common) > 2
    model = CategoryClassifier(estimators=estimators, char_ngrams=(1, 3)).fit(texts, labels)
    for part in _batches(len(texts)):
        features = model.vectorizer_.transform(texts[part])
        weighted = [weight_title(t, model.title_weight) for t in texts[part]]
        assert model.vectorizer_.word_ is not None
        _same(words_tfidf(model.vectorizer_.word_, weighted), model.vectorizer_.word_.transform(weighted))
        fitted = model.models_[0]
        fast = calibrated_proba(fitted, features) if estimators != "lr" else logistic_proba(fitted, features)
        _same(fast, fitted.predict_proba(features))


def test_two_classes_and_the_margins_of_one_row() -> None:
    rng = np.random.default_rng(3)
    X = sp.random(120, 400, density=0.05, format="csr", dtype=np.float64, random_state=rng)
    y = np.where(np.asarray(X[:, :200].sum(axis=1)).ravel() > np.asarray(X[:, 200:].sum(axis=1)).ravel(), "a", "b")
    calibrated = CalibratedClassifierCV(NBSVM(), method="sigmoid", cv=3, ensemble=False).fit(X, y)
    svm = CalibratedClassifierCV(LinearSVC(), method="sigmoid", cv=3).fit(X, y)
    for rows in (slice(0, 120), slice(5, 6)):
        _same(calibrated_proba(calibrated, X[rows]), calibrated.predict_proba(X[rows]))
        _same(calibrated_proba(svm, X[rows]), svm.predict_proba(X[rows]))
    isotonic = CalibratedClassifierCV(NBSVM(), method="isotonic", cv=3).fit(X, y)
    _same(calibrated_proba(isotonic, X[:9]), isotonic.predict_proba(X[:9]))  # not covered: scikit-learn's own
    binary = LogisticRegression().fit(X, y)
    _same(logistic_proba(binary, X[:9]), binary.predict_proba(X[:9]))  # two classes: scikit-learn's own


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rows_dot_is_scipys_product(dtype: type) -> None:
    rng = np.random.default_rng(7)
    dense = sp.random(50, 300, density=0.03, dtype=dtype, random_state=rng).toarray()
    dense[3] = 0  # an empty row
    X = sp.csr_matrix(dense)
    coef = rng.standard_normal((4, 300)).astype(np.float32)
    _same(rows_dot(X, coef), np.asarray(X @ coef.T))  # many entries: the columns marked
    assert 0 < X[:1].nnz * 16 < 300
    _same(rows_dot(X[:1], coef), np.asarray(X[:1] @ coef.T))  # a few: the columns sorted
    narrow = narrowed(X)
    _same(rows_dot(X, coef[:2], narrow), np.asarray(X @ coef[:2].T))
    _same(rows_dot(X[:0], coef), np.asarray(X[:0] @ coef.T))
    with pytest.raises(ValueError, match="300 features, but the model expects 299"):
        rows_dot(X, coef[:, :299])


@pytest.mark.parametrize(
    "options",
    [
        {"sublinear_tf": True, "dtype": np.float32},
        {"norm": "l1", "use_idf": False},
        {"norm": None, "binary": True},
        {"ngram_range": (1, 2), "min_df": 2},
    ],
)
def test_words_tfidf_is_scikit_learns_transform(messages: list, options: dict) -> None:
    texts = [f"{m.title}\n{m.body}" for m in messages]
    vectorizer = TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", **options).fit(texts[:150])
    for part in _batches(len(texts)):
        _same(words_tfidf(vectorizer, texts[part]), vectorizer.transform(texts[part]))
    with pytest.raises(ValueError, match="string object received"):
        words_tfidf(vectorizer, "one text")
