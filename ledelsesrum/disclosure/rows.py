"""Grouping columns of a sparse 0/1 matrix by their exact pattern (array utilities shared by
the engine and the audit; the disclosure arguments built on them stay in each)."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def column_signatures(matrix: sparse.csc_matrix | sparse.csr_matrix,
                      columns: np.ndarray) -> np.ndarray:
    """Per column of ``columns``, the sorted row indices of its entries, padded with -1: two
    columns hold entries in the same rows exactly when their signatures are equal."""
    sub = sparse.csc_matrix(matrix)[:, columns]
    sub.sort_indices()
    lengths = np.diff(sub.indptr)
    width = max(int(lengths.max()) if lengths.size else 0, 1)
    col = np.repeat(np.arange(columns.size), lengths)
    pos = np.arange(col.size) - np.repeat(sub.indptr[:-1], lengths)
    out = np.full((columns.size, width), -1, dtype=np.int64)
    out[col, pos] = sub.indices
    return out


def unique_rows(rows: np.ndarray) -> np.ndarray:
    """The inverse of ``np.unique(rows, axis=0)`` (a group id per row, equal rows alike), fast:
    rows are hashed to one integer, and the grouping is then checked row by row against the
    first row of its group — exact; on a collision the slow exact way is taken."""
    if rows.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    mult = np.random.default_rng(20261208).integers(1, 2**61, size=rows.shape[1],
                                                     dtype=np.int64) | 1
    with np.errstate(over="ignore"):
        h = (rows * mult).sum(axis=1)
    _u, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if np.array_equal(rows, rows[first[inverse]]):
        return inverse
    _u, inverse = np.unique(rows, axis=0, return_inverse=True)
    return inverse.reshape(-1)
