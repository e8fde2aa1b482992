"""Matrix inputs of the metric kernels: one orientation (rows regions, columns industries), labels in, labels out."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["Matrix", "as_dense", "as_matrix", "labels_of", "relabel", "relabel_matrix"]

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
    data = values.data if sparse.issparse(values) else values
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
    return values.toarray() if sparse.issparse(values) else values


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
