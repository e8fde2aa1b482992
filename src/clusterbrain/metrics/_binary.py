"""Inputs of the complexity and relatedness kernels: the binary matrix M and the vectors and matrices beside it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, labels_of

Vector = Any
"""array-like of shape (n,): an ndarray, or a Series labelled like the rows or columns of a DataFrame input."""

__all__ = [
    "Vector",
    "as_binary",
    "as_industry_vector",
    "as_like_m",
    "as_square",
    "left_product",
    "require_nonempty",
    "standardize",
    "well_filled",
]

_SHOWN = 5
# Above this share of ones, BLAS on the dense 0/1 matrix beats scipy's sparse products
# (measured: 3,000 x 1,500 at 10 % ones, M^T M takes 0.07 s dense and 0.16 s sparse).
_DENSE_FILL = 0.05


def as_binary(M: Matrix, func: str, *, name: str = "M") -> sparse.csr_array:
    """Validate a 0/1 specialisation matrix and return it as a canonical CSR array (a copy).

    Raises
    ------
    InvalidParameterError
        If ``M`` is not a non-empty 2-d finite array, or holds a value other than 0 and 1.
    """
    values = as_matrix(M, func, name=name)
    # A copy: canonicalising in place would touch the caller's sparse matrix.
    csr = sparse.csr_array(values, dtype=float, copy=True)
    csr.sum_duplicates()
    csr.eliminate_zeros()
    bad = csr.data[csr.data != 1.0]
    if bad.size:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be a binary 0/1 matrix (regions x industries). "
            f"Got the value {float(bad[0])!r} instead."
        )
    return csr


def require_nonempty(diversity: np.ndarray, ubiquity: np.ndarray, M: Matrix, func: str) -> None:
    """Refuse regions specialised in nothing and industries in which no region is specialised.

    Raises
    ------
    InvalidParameterError
        Naming how many there are and the first few (by label for a DataFrame, else by position).
    """
    rows, cols = labels_of(M)
    problems = []
    for kind, counts, labels in (("region(s)", diversity, rows), ("industry(ies)", ubiquity, cols)):
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            shown = [labels[i] if labels is not None else int(i) for i in empty[:_SHOWN]]
            more = ", ..." if empty.size > _SHOWN else ""
            problems.append(f"{empty.size} {kind} with no specialisation ({', '.join(map(repr, shown))}{more})")
    if problems:
        raise InvalidParameterError(
            f"The 'M' parameter of {func} must have at least one 1 in every row and every column; "
            f"complexity is undefined for {' and '.join(problems)}. Drop them first."
        )
    if diversity.size < 2 or ubiquity.size < 2:
        raise InvalidParameterError(
            f"The 'M' parameter of {func} must have at least 2 regions and 2 industries. Got shape "
            f"{(diversity.size, ubiquity.size)} instead."
        )


def as_industry_vector(v: object, name: str, func: str, M: Matrix, n: int, *, allow_nan: bool = False) -> np.ndarray:
    """One value per industry (column of ``M``): aligned by label when both are labelled.

    Raises
    ------
    InvalidParameterError
        If the length or labels do not match the columns of ``M``, or values are not finite.
    """
    _, cols = labels_of(M)
    if isinstance(v, pd.Series) and cols is not None:
        missing = cols.difference(v.index)
        if len(missing):
            raise InvalidParameterError(
                f"The '{name}' parameter of {func} must have a value for every industry (column of M). "
                f"Got none for {list(missing[:_SHOWN])!r} instead."
            )
        v = v.reindex(cols)
    try:
        values = np.asarray(v, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be a 1-d array of numbers. Got {type(v).__name__} instead."
        ) from exc
    if values.shape != (n,):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have shape ({n},), one value per industry. "
            f"Got shape {values.shape} instead."
        )
    finite = np.isfinite(values) | (allow_nan & np.isnan(values))
    if not finite.all():
        i = int(np.flatnonzero(~finite)[0])
        where = repr(cols[i]) if cols is not None else f"position {i}"
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must hold finite numbers. Got {float(values[i])!r} for industry {where} instead."
        )
    return values


def as_square(phi: Matrix, func: str, M: Matrix, n: int, *, name: str = "phi") -> np.ndarray:
    """A non-negative industry x industry matrix as a dense ndarray, in the column order of ``M``.

    Raises
    ------
    InvalidParameterError
        If the shape or labels do not match the columns of ``M``.
    """
    _, cols = labels_of(M)
    if isinstance(phi, pd.DataFrame) and cols is not None:
        if not (cols.isin(phi.index).all() and cols.isin(phi.columns).all()):
            missing = cols[~(cols.isin(phi.index) & cols.isin(phi.columns))]
            raise InvalidParameterError(
                f"The '{name}' parameter of {func} must have a row and a column for every industry (column of M). "
                f"Got none for {list(missing[:_SHOWN])!r} instead."
            )
        phi = phi.loc[cols, cols]
    values = as_dense(as_matrix(phi, func, name=name))
    if values.shape != (n, n):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have shape ({n}, {n}), industries x industries. "
            f"Got shape {values.shape} instead."
        )
    return values


def as_like_m(values: Matrix, M: Matrix, shape: tuple[int, int], func: str, *, name: str) -> np.ndarray:
    """A finite non-negative region x industry matrix as a dense ndarray, in the row and column order of ``M``.

    Raises
    ------
    InvalidParameterError
        If a label of ``M`` is missing (DataFrames) or the shape differs.
    """
    rows, cols = labels_of(M)
    if isinstance(values, pd.DataFrame) and rows is not None and cols is not None:
        if not (rows.isin(values.index).all() and cols.isin(values.columns).all()):
            raise InvalidParameterError(
                f"The '{name}' parameter of {func} must have the region and industry labels of 'M'. "
                "Got a DataFrame missing some of them instead."
            )
        values = values.loc[rows, cols]
    dense = as_dense(as_matrix(values, func, name=name))
    if dense.shape != shape:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have the shape of 'M' {shape}. Got shape {dense.shape} instead."
        )
    return dense


def standardize(x: np.ndarray, *, ddof: int = 0) -> np.ndarray:
    """``(x - mean) / sd`` with the given degrees of freedom; the caller guarantees sd > 0."""
    return (x - x.mean()) / x.std(ddof=ddof)


def well_filled(Ms: sparse.csr_array) -> bool:
    """Whether BLAS on the dense matrix beats the sparse product."""
    return Ms.nnz > _DENSE_FILL * Ms.shape[0] * Ms.shape[1]


def left_product(Ms: sparse.csr_array, A: np.ndarray) -> np.ndarray:
    """Dense ``M @ A``, by BLAS when ``M`` is well filled, else by the sparse product."""
    if well_filled(Ms):
        return as_dense(Ms) @ A
    return np.asarray(Ms @ A)
