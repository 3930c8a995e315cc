"""The TF-IDF step of a fitted ``TfidfVectorizer`` without scikit-learn's per-call checks.

``TfidfVectorizer.transform`` checks the count matrix it has just built (``check_array`` twice, the
array namespace, the sparse interface): for one message that costs more than the arithmetic.
:func:`tfidf_step` does the arithmetic of ``TfidfTransformer.transform`` on a count matrix the caller
owns, with the same operations in the same order (sublinear tf, the IDF of each column, each row's
norm by scikit-learn's own in-place routines), so the matrix is scikit-learn's to the bit
(tests/analysis/classify/test_linear.py compares them). A transformer or matrix it does not cover is
transformed by scikit-learn itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l1, inplace_csr_row_normalize_l2

__all__ = ["tfidf_step", "words_tfidf"]

_NORMS = {"l1": inplace_csr_row_normalize_l1, "l2": inplace_csr_row_normalize_l2, None: None}


def _covered(transformer: Any, counts: Any) -> bool:
    return (
        type(transformer) is TfidfTransformer
        and transformer.norm in _NORMS
        and sp.isspmatrix_csr(counts)
        and counts.dtype in (np.float32, np.float64)
        and counts.shape[1] == len(getattr(transformer, "idf_", ()))
        and sklearn.get_config()["sparse_interface"] == "spmatrix"
    )


def tfidf_step(vectorizer: TfidfVectorizer, counts: sp.csr_matrix) -> Any:
    """``vectorizer._tfidf.transform(counts, copy=False)`` of a fitted vectorizer (``counts`` is changed)."""
    transformer = vectorizer._tfidf
    if not _covered(transformer, counts):
        return transformer.transform(counts, copy=False)
    if transformer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    counts.data *= transformer.idf_[counts.indices]
    normalize = _NORMS[transformer.norm]
    if normalize is not None:
        normalize(counts)
    return counts


def words_tfidf(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> Any:
    """``vectorizer.transform(texts)`` of a fitted ``TfidfVectorizer``: its own counting, then
    :func:`tfidf_step`."""
    if isinstance(texts, str) or not getattr(vectorizer, "vocabulary_", None) or vectorizer.input != "content":
        return vectorizer.transform(texts)  # scikit-learn's own checks and errors
    counts = vectorizer._count_vocab(texts, fixed_vocab=True)[1]
    if vectorizer.binary:
        counts.data.fill(1)
    return tfidf_step(vectorizer, counts)
