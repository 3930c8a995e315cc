"""One-vs-rest NB-SVM: a linear SVM per class on naive-Bayes-scaled features.

NB-SVM (Wang & Manning, "Baselines and Bigrams", 2012): for each class ``c``
the features are scaled by the log-count ratio

    r_c = log( (α + p_c) / ‖α + p_c‖₁  /  (α + q_c) / ‖α + q_c‖₁ )

where ``p_c`` / ``q_c`` count, per feature, the training rows of class ``c`` /
of the other classes in which the feature occurs (binarized counts), and a
linear SVM separates ``c`` from the rest on the scaled features.  Because the
scaling is a diagonal matrix, ``(X · diag(r_c)) · w_c = X · (r_c ∘ w_c)``: the
fitted model keeps one weight vector per class and predicts with one sparse ×
dense product.

The estimator gives margins (``decision_function``), not probabilities:
:class:`~massline.analysis.classify.model.CategoryClassifier` calibrates them with
scikit-learn's ``CalibratedClassifierCV`` (one sigmoid per class fitted on
held-out folds, then normalised).

The estimator works on a feature matrix (any sparse non-negative features,
e.g. :class:`~massline.analysis.classify.features.MessageVectorizer` output)
and follows the scikit-learn contract.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import LinearSVC

from massline.analysis.classify.linear import rows_dot

__all__ = ["NBSVM", "log_count_ratio"]


def log_count_ratio(features: Any, positive: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Log-count ratio of each feature for rows where ``positive`` is true versus the others.

    Counts are binarized: a feature counts once per row in which it is non-zero.
    """
    present = features.copy().tocsr()
    present.data = np.ones_like(present.data, dtype=np.float64)
    p = alpha + np.asarray(present[positive].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[~positive].sum(axis=0)).ravel()
    return np.asarray(np.log((p / p.sum()) / (q / q.sum())), dtype=np.float64)


class NBSVM(ClassifierMixin, BaseEstimator):
    """One-vs-rest NB-SVM on a sparse non-negative feature matrix.

    Parameters
    ----------
    C:
        regularisation of each one-vs-rest linear SVM.
    alpha:
        smoothing of the log-count ratios.
    random_state:
        seed of the SVM solver.
    """

    def __init__(self, C: float = 0.5, alpha: float = 1.0, random_state: int = 0) -> None:
        self.C = C
        self.alpha = alpha
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> NBSVM:
        """Fit one log-count ratio and one linear SVM per class; keep their product as ``coef_``."""
        X = sp.csr_matrix(X)
        self.classes_, targets = np.unique(np.asarray(y), return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("NBSVM needs at least two classes")
        self.coef_ = np.zeros((len(self.classes_), X.shape[1]), dtype=np.float32)
        self.intercept_ = np.zeros(len(self.classes_))
        for k in range(len(self.classes_)):
            positive = targets == k
            ratio = log_count_ratio(X, positive, self.alpha)
            svm = LinearSVC(C=self.C, random_state=self.random_state)
            svm.fit(X @ sp.diags(ratio), positive.astype(int))
            self.coef_[k] = svm.coef_.ravel() * ratio
            self.intercept_[k] = float(svm.intercept_[0])
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """One-vs-rest margins, shape ``(n, len(classes_))``.

        With two classes, one margin per row as scikit-learn expects (positive
        for ``classes_[1]``): half the difference of the two classes' margins.
        """
        if sp.issparse(X) and X.format == "csr":
            margins = rows_dot(X, self.coef_) + self.intercept_  # the same numbers without copying coef_
        else:
            margins = np.asarray(X @ self.coef_.T) + self.intercept_
        if len(self.classes_) == 2:
            return np.asarray((margins[:, 1] - margins[:, 0]) / 2)
        return margins

    def predict(self, X: Any) -> np.ndarray:
        """The class with the largest margin."""
        scores = self.decision_function(X)
        best = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return np.asarray(self.classes_[best])
