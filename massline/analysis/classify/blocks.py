"""The classifiers' feature blocks joined side by side without scipy's per-call checks.

``scipy.sparse.hstack(blocks, format="csr")`` checks and converts its input (an object array of the
blocks, their formats, shapes and index types) before its compiled kernel copies each row's entries block
after block; ``csr_matrix(dense)`` goes through a COO matrix. For the one message the pipeline analyses
at a time these checks cost more than the copies. :func:`join_columns` and :func:`dense_rows` build the
same matrices (the same entries in the same order, the same index and value types) with a few numpy
operations; tests/analysis/classify/test_blocks.py compares them with scipy's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["dense_rows", "join_columns"]


def _plain(block: sp.csr_matrix) -> bool:
    """A CSR matrix (not array) with 32-bit indices: scipy would give a 64-bit result otherwise."""
    return type(block) is sp.csr_matrix and block.indptr.dtype == np.int32 and block.indices.dtype == np.int32


def join_columns(blocks: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """``scipy.sparse.hstack(blocks, format="csr")`` of CSR matrices with the same number of rows (each
    row: the entries of the first block, then those of the second, ... with their columns shifted)."""
    if not blocks or not all(_plain(b) for b in blocks) or len({b.shape[0] for b in blocks}) != 1:
        return sp.hstack(list(blocks), format="csr")  # scipy's own checks and errors
    n_rows = blocks[0].shape[0]
    width = sum(b.shape[1] for b in blocks)
    size = sum(b.nnz for b in blocks)
    if size == 0 or max(size, width) > np.iinfo(np.int32).max:
        return sp.hstack(list(blocks), format="csr")
    counts = [np.diff(b.indptr) for b in blocks]
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(np.sum(counts, axis=0), out=indptr[1:])
    indices = np.empty(size, dtype=np.int32)
    data = np.empty(size, dtype=np.result_type(*(b.dtype for b in blocks)))
    before = indptr[:-1].astype(np.int64)  # where each row's entries of the next block start
    offset = 0
    for block, count in zip(blocks, counts, strict=True):
        if n_rows == 1:
            at = np.arange(before[0], before[0] + block.nnz)
        else:  # each entry's row start in the result, plus its place in its row of the block
            rows = np.repeat(np.arange(n_rows), count)
            at = before[rows] + (np.arange(block.nnz) - block.indptr[rows])
        indices[at] = block.indices + offset
        data[at] = block.data
        before += count
        offset += block.shape[1]
    return sp.csr_matrix((data, indices, indptr), shape=(n_rows, width))


def dense_rows(array: np.ndarray, dtype: type[np.floating]) -> sp.csr_matrix:
    """``scipy.sparse.csr_matrix(array, dtype=dtype)`` of a 2-d array: its non-zero entries, row by row, taken
    before the conversion to ``dtype`` as scipy takes them."""
    if array.ndim != 2:
        return sp.csr_matrix(array, dtype=dtype)
    rows, columns = array.nonzero()
    indptr = np.zeros(array.shape[0] + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=array.shape[0]), out=indptr[1:])
    values = array[rows, columns].astype(dtype, copy=False)
    return sp.csr_matrix((values, columns.astype(np.int32), indptr), shape=array.shape)
