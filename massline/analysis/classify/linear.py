"""The outputs of fitted linear models from their coefficients, without scikit-learn's per-call work.

A fitted model's ``predict_proba`` checks its input on every call (``check_array``, the array namespace,
the feature names: a few hundred microseconds, most of the time of one message) and multiplies the
sparse features by the transposed coefficients, which scipy first copies whole (a C-ordered copy of
``coef_.T``: 30 MB for a category model of 500,000 features). These functions give the same numbers to
the bit with the same operations in the same order: the product takes only the coefficients of the
columns the rows use (the sparse kernel then adds the same products row by row, in the same order), and
the probabilities follow scikit-learn's own formulas (``softmax``, Platt's sigmoid, the normalisation of
``CalibratedClassifierCV``). A model they do not cover goes to scikit-learn itself
(tests/analysis/classify/test_linear.py compares them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.utils.extmath import softmax

__all__ = ["Narrowed", "calibrated_proba", "logistic_proba", "narrowed", "rows_dot"]


Narrowed = tuple[sp.csr_matrix, np.ndarray]


def narrowed(X: Any) -> Narrowed:
    """A CSR matrix ``X`` restricted to the columns it uses (its entries in the same order) and those columns:
    what :func:`rows_dot` needs, computed once for several models of the same features."""
    if len(X.indices) * 16 < X.shape[1]:  # a few rows: sort their columns
        used, at = np.unique(X.indices, return_inverse=True)
    else:  # a batch: mark the columns (sorting a batch's entries costs more than a pass over the columns)
        marked = np.zeros(X.shape[1], dtype=bool)
        marked[X.indices] = True
        used = np.flatnonzero(marked)
        position = np.zeros(X.shape[1], dtype=np.int64)
        position[used] = np.arange(len(used))
        at = position[X.indices]
    return sp.csr_matrix((X.data, at.reshape(-1), X.indptr), shape=(X.shape[0], len(used))), used


def rows_dot(X: Any, coef: np.ndarray, narrow: Narrowed | None = None) -> np.ndarray:
    """``X @ coef.T`` for a CSR matrix ``X`` and dense ``coef`` (n_outputs, n_features), as scipy computes
    it, reading only the columns of ``coef`` that ``X`` uses (``narrow``: :func:`narrowed` of ``X``)."""
    if X.shape[1] != coef.shape[1]:
        raise ValueError(f"X has {X.shape[1]} features, but the model expects {coef.shape[1]}")
    matrix, used = narrow if narrow is not None else narrowed(X)
    return np.asarray(matrix @ coef[:, used].T)


def _plain_csr(X: Any) -> bool:
    return sp.issparse(X) and X.format == "csr" and X.dtype in (np.float32, np.float64)


def logistic_proba(model: LogisticRegression, X: Any, narrow: Narrowed | None = None) -> np.ndarray:
    """``model.predict_proba(X)`` of a fitted multi-class logistic regression (a CSR ``X``; ``narrow``:
    :func:`narrowed` of ``X``, for several models of the same features)."""
    if not (_plain_csr(X) and type(model) is LogisticRegression and len(model.classes_) > 2):
        return np.asarray(model.predict_proba(X))
    scores = rows_dot(X, model.coef_, narrow) + model.intercept_
    return np.asarray(softmax(scores, copy=False))


def calibrated_proba(model: CalibratedClassifierCV, X: Any) -> np.ndarray:
    """``model.predict_proba(X)`` of a fitted sigmoid-calibrated classifier (a CSR ``X``): its estimators'
    ``decision_function`` without scikit-learn's response checks, then the calibration."""
    if not (_plain_csr(X) and _sigmoid_calibrated(model)):
        return np.asarray(model.predict_proba(X))
    mean = np.zeros((X.shape[0], model.classes_.shape[0]))
    for calibrated in model.calibrated_classifiers_:
        mean += _sigmoid_proba(calibrated, calibrated.estimator.decision_function(X), X.shape[0])
    mean /= len(model.calibrated_classifiers_)
    return mean


def _sigmoid_calibrated(model: Any) -> bool:
    """Whether ``model`` is a fitted sigmoid-calibrated classifier of the layout :func:`_sigmoid_proba` reads
    (a model pickled by another scikit-learn may name its parts otherwise: then scikit-learn predicts)."""
    if type(model) is not CalibratedClassifierCV or getattr(model, "method", None) != "sigmoid":
        return False
    return all(
        hasattr(getattr(c, "estimator", None), "decision_function")
        and hasattr(c, "classes")
        and all(hasattr(s, "a_") and hasattr(s, "b_") for s in getattr(c, "calibrators", [None]))
        for c in getattr(model, "calibrated_classifiers_", [None])
    )


def _sigmoid_proba(calibrated: Any, predictions: np.ndarray, n: int) -> np.ndarray:
    """``_CalibratedClassifier.predict_proba`` (sigmoid) from the estimator's margins."""
    if predictions.ndim == 1:
        predictions = predictions.reshape(-1, 1)
    classes = calibrated.classes
    n_classes = classes.shape[0]
    proba = np.zeros((n, n_classes))
    positions = np.searchsorted(np.unique(classes), calibrated.estimator.classes_)
    for class_idx, this_pred, calibrator in zip(positions, predictions.T, calibrated.calibrators, strict=False):
        column = class_idx + 1 if n_classes == 2 else class_idx  # binary: the margins are classes[1]'s
        proba[:, column] = expit(-(calibrator.a_ * np.ravel(this_pred) + calibrator.b_))
    if n_classes == 2:
        proba[:, 0] = 1.0 - proba[:, 1]
    else:
        denominator = np.sum(proba, axis=1)[:, np.newaxis]
        uniform = np.full_like(proba, 1 / n_classes)
        proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
    proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
    return proba
