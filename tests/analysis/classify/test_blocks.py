"""The feature blocks joined as scipy joins them: the same entries, order, index and value types."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from massline.analysis.classify.blocks import dense_rows, join_columns


def _same(a: sp.spmatrix, b: sp.spmatrix) -> None:
    assert type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
    assert a.indptr.dtype == b.indptr.dtype and a.indices.dtype == b.indices.dtype
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)


def _block(rng: np.random.Generator, rows: int, width: int, density: float, dtype: type) -> sp.csr_matrix:
    block = sp.random(rows, width, density=density, format="csr", dtype=dtype, random_state=rng)
    block.indptr, block.indices = block.indptr.astype(np.int32), block.indices.astype(np.int32)
    return block


@pytest.mark.parametrize("rows", [1, 2, 7, 100])
def test_joined_blocks_are_scipys(rows: int) -> None:
    """Blocks with empty rows, an empty block, a block of one column, float32 and float64 values."""
    rng = np.random.default_rng(rows)
    for dtypes in ([np.float32] * 4, [np.float32, np.float64, np.float32, np.float32]):
        widths, densities = [500, 1, 40, 9], [0.05, 0.5, 0.0, 0.3]
        blocks = [_block(rng, rows, w, d, t) for w, d, t in zip(widths, densities, dtypes, strict=True)]
        _same(join_columns(blocks), sp.hstack(blocks, format="csr"))
        _same(join_columns(blocks[:1]), sp.hstack(blocks[:1], format="csr"))


def test_what_it_does_not_join_is_scipys() -> None:
    """No entries, 64-bit indices, rows that differ, a sparse array: scipy's own result or error."""
    rng = np.random.default_rng(0)
    empty = [sp.csr_matrix((3, 4), dtype=np.float32), sp.csr_matrix((3, 2), dtype=np.float32)]
    _same(join_columns(empty), sp.hstack(empty, format="csr"))
    wide = _block(rng, 3, 10, 0.5, np.float32)
    wide.indptr, wide.indices = wide.indptr.astype(np.int64), wide.indices.astype(np.int64)
    _same(join_columns([wide, wide]), sp.hstack([wide, wide], format="csr"))
    with pytest.raises(ValueError):
        join_columns([_block(rng, 3, 5, 0.5, np.float32), _block(rng, 4, 5, 0.5, np.float32)])


@pytest.mark.parametrize("shape", [(1, 20), (5, 3), (0, 4), (3, 0)])
def test_dense_rows_are_scipys(shape: tuple[int, int]) -> None:
    """Zeros dropped before the conversion (a value float32 rounds to 0 stays), float64 to float32."""
    rng = np.random.default_rng(sum(shape))
    array = rng.random(shape) * (rng.random(shape) < 0.4)
    if array.size:
        array.flat[0] = 1e-60  # not 0 in float64: an explicit 0 in float32, as scipy keeps it
    _same(dense_rows(array, np.float32), sp.csr_matrix(array, dtype=np.float32))
