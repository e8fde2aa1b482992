"""Matrix inputs of the metric kernels: one orientation (rows regions, columns industries), labels in, labels out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["Matrix", "as_dense", "as_matrix", "entries", "labels_of", "relabel", "relabel_matrix", "require_active"]

Matrix = Any
"""array-like of shape (n_regions, n_industries): ndarray, scipy sparse, or DataFrame."""


def labels_of(X: Matrix) -> tuple[pd.Index | None, pd.Index | None]:
    """Row and column labels of ``X`` when it is a DataFrame, else ``(None, None)``."""
    if isinstance(X, pd.DataFrame):
        return X.index, X.columns
    return None, None


def as_matrix(X: Matrix, func: str, *, name: str = "X", nonnegative: bool = True) -> np.ndarray | sparse.csr_array:
    """Validate ``X`` and return its values as a float ndarray or a CSR sparse array.

    Raises
    ------
    InvalidParameterError
        If ``X`` is not two-dimensional, is empty, holds NaN or infinity, or (with
        ``nonnegative``) negative values.
    """
    if isinstance(X, pd.DataFrame):
        values: np.ndarray | sparse.csr_array = X.to_numpy(dtype=float)
    elif sparse.issparse(X):
        values = sparse.csr_array(X, dtype=float)
    else:
        values = np.asarray(X, dtype=float)
    if values.ndim != 2 or 0 in values.shape:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be a non-empty 2-d array (regions x industries). "
            f"Got shape {values.shape} instead."
        )
    data = np.asarray(values.data if sparse.issparse(values) else values)
    if not np.all(np.isfinite(data)):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must hold finite numbers. Got NaN or inf instead."
        )
    if nonnegative and np.any(data < 0):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be non-negative. Got {data.min()!r} instead."
        )
    return values


def as_dense(values: np.ndarray | sparse.csr_array) -> np.ndarray:
    """Dense ndarray view of a validated matrix."""
    if isinstance(values, np.ndarray):
        return values
    return values.toarray()


def relabel_matrix(values: np.ndarray, like: Matrix) -> np.ndarray | pd.DataFrame:
    """Give a result of the shape of ``like`` its labels when ``like`` was a DataFrame."""
    rows, cols = labels_of(like)
    if rows is None:
        return values
    return pd.DataFrame(values, index=rows, columns=cols)


def relabel(values: np.ndarray, labels: pd.Index | None, name: str | None = None) -> np.ndarray | pd.Series:
    """Give a vector result the labels of the axis it describes (rows or columns of the input)."""
    if labels is None:
        return values
    return pd.Series(values, index=labels, name=name)


def entries(values: Any, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    """Non-zero cells as (row, column, value), with the row sums, column sums and total.

    Working on the non-zero cells makes every index here linear in them, for dense and sparse
    input alike.
    """
    if sparse.issparse(values):
        coo = sparse.coo_array(values)
        coo.sum_duplicates()  # squares and logs below need one value per cell
        keep = coo.data != 0
        r, c, d = coo.row[keep], coo.col[keep], coo.data[keep]
    else:
        r, c = np.nonzero(values)
        d = values[r, c]
    n, k = values.shape
    rows, cols = np.bincount(r, d, n), np.bincount(c, d, k)
    total = float(rows.sum())
    if total <= 0:
        raise InvalidParameterError(
            f"The 'X' parameter of {func} must have a positive total. Got an all-zero matrix instead."
        )
    return r, c, d, rows, cols, total


def require_active(totals: np.ndarray, X: Matrix, axis: int, func: str) -> None:
    """Raise if a region (axis 0) or industry (axis 1) the index describes has no activity."""
    empty = np.flatnonzero(totals <= 0)
    if len(empty):
        labels = labels_of(X)[axis] if X is not None else None
        named = [labels[i] for i in empty[:5]] if labels is not None else empty[:5].tolist()
        what = "region (row)" if axis == 0 else "industry (column)"
        raise InvalidParameterError(
            f"The 'X' parameter of {func} must have activity in every {what}. "
            f"Got {len(empty)} all-zero one(s) instead: {named}."
        )
