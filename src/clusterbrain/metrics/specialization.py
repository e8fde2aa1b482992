"""Specialization of regions in industries: location quotient (Balassa RCA), presence, and the LQ's confidence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, special

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, labels_of, relabel_matrix

__all__ = ["LQConfidence", "location_quotient", "lq_confidence", "presence"]


def location_quotient(X: Matrix, /, *, population: Any = None) -> Any:
    r"""Location quotient (Balassa's revealed comparative advantage) of every region in every industry.

    .. math::

        LQ_{ri} = \frac{x_{ri} / x_r}{x_i / x}, \qquad
        x_r = \sum_i x_{ri},\; x_i = \sum_r x_{ri},\; x = \sum_{r,i} x_{ri}

    With ``population`` (per region, :math:`p_r`), the population-based RCA of py-ecomplexity
    ("rpop") replaces the region total by its population:

    .. math::

        RPOP_{ri} = \frac{x_{ri} / p_r}{x_i / \sum_r p_r}

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity (employment, establishments, exports, output). ndarray, scipy
        sparse or DataFrame.
    population : array-like of shape (n_regions,) or Series, optional
        Positive population of each region. A Series (or dict) is aligned on the row labels of
        a DataFrame ``X``; it must hold every region.

    Returns
    -------
    ndarray, csr_array or DataFrame of shape (n_regions, n_industries)
        Same kind as ``X`` (sparse stays sparse: a zero count has LQ 0). The weighted mean over
        regions is one, :math:`\sum_r x_r LQ_{ri} / x = 1`, for every industry with activity.

    Raises
    ------
    InvalidParameterError
        If ``X`` is not a non-empty 2-d matrix of finite non-negative numbers, is all zero, or
        ``population`` is missing a region or holds a non-positive value.

    Notes
    -----
    Cells of an all-zero row (a region without activity) or column (an industry present
    nowhere) are 0/0; they are set to 0 (no specialization), as EconGeo's ``RCA`` does, not NaN.
    The arithmetic order is py-ecomplexity's, so the values agree to the last bit on dense input.

    References
    ----------
    .. [1] B. Balassa, "Trade liberalisation and 'revealed' comparative advantage", The
       Manchester School 33(2), 99-123, 1965.
    .. [2] Harvard Growth Lab, py-ecomplexity, ``ComplexityData.calculate_rca`` and
       ``calculate_rpop``, https://github.com/cid-harvard/py-ecomplexity.

    Examples
    --------
    >>> location_quotient([[10, 10], [10, 30]])
    array([[1.5  , 0.75 ],
           [0.75 , 1.125]])
    >>> location_quotient([[10, 10], [10, 30]], population=[2, 2])
    array([[1. , 0.5],
           [1. , 1.5]])
    """
    values = as_matrix(X, "location_quotient")
    pop = (
        None
        if population is None
        else _region_vector(population, X, values.shape[0], "population", "location_quotient")
    )
    return _like(_lq(values, pop, "location_quotient"), X)


def presence(X: Matrix, /, *, threshold: float = 1.0, population: Any = None) -> Any:
    r"""Binary specialization matrix :math:`M_{ri} = [LQ_{ri} \geq t]` of the activity matrix ``X``.

    .. math::

        M_{ri} = \begin{cases} 1 & LQ_{ri} \geq t \\ 0 & \text{otherwise} \end{cases}

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity (not an RCA matrix: the LQ is computed here).
    threshold : float, default 1.0
        The LQ (or RPOP) at and above which a region counts as specialised; positive, so that
        a zero count is never present and sparse input stays sparse.
    population : array-like of shape (n_regions,) or Series, optional
        Use the population-based RCA (see :func:`location_quotient`).

    Returns
    -------
    ndarray, csr_array or DataFrame of shape (n_regions, n_industries)
        0.0/1.0 floats (so that products such as ``M.T @ M`` run on BLAS and cannot overflow),
        of the kind of ``X``.

    Raises
    ------
    InvalidParameterError
        If ``threshold`` is not positive, or for the reasons of :func:`location_quotient`.

    References
    ----------
    .. [1] C. A. Hidalgo and R. Hausmann, "The building blocks of economic complexity", PNAS
       106(26), 10570-10575, 2009.

    Examples
    --------
    >>> presence([[10, 10], [10, 30]])
    array([[1., 0.],
           [0., 1.]])
    """
    check_scalar(threshold, "threshold", "presence", low=0, closed="neither")
    values = as_matrix(X, "presence")
    pop = None if population is None else _region_vector(population, X, values.shape[0], "population", "presence")
    lq = _lq(values, pop, "presence")
    if sparse.issparse(lq):
        lq.data = (lq.data >= threshold).astype(float)
        lq.eliminate_zeros()
        return _like(lq, X)
    return _like((lq >= threshold).astype(float), X)


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays, whose == is elementwise
class LQConfidence:
    """Location quotients with their confidence interval and the flags of unreliable cells.

    Attributes
    ----------
    lq, lower, upper : ndarray or DataFrame of shape (n_regions, n_industries)
        The LQ and the bounds of its interval (``upper`` is ``inf`` where there is no
        information: in an all-zero row or column).
    small_count : ndarray or DataFrame of bool
        The count :math:`x_{ri}` is below ``min_count``.
    includes_one : ndarray or DataFrame of bool
        The interval contains 1: the LQ is not distinguishable from the national average.
    unreliable : ndarray or DataFrame of bool
        ``small_count | includes_one``: an LQ that a plan must not rest on.
    level, method, min_count
        The parameters used.
    """

    lq: Any
    lower: Any
    upper: Any
    small_count: Any
    includes_one: Any
    unreliable: Any
    level: float
    method: str
    min_count: float


def lq_confidence(
    X: Matrix, /, *, level: float = 0.95, method: str = "poisson", min_count: float = 10.0
) -> LQConfidence:
    r"""Exact confidence interval of every location quotient, and a flag on the unreliable ones.

    ``X`` holds counts (firms, establishments, employees). ``method="poisson"`` treats
    :math:`x_{ri}` as Poisson with mean :math:`LQ_{ri} E_{ri}` around the count expected from
    the national structure, :math:`E_{ri} = x_r x_i / x`, held fixed; the Garwood interval of
    the count, scaled by :math:`E_{ri}`, is

    .. math::

        \left[\frac{\chi^2_{2k,\,\alpha/2}}{2 E_{ri}},\;
              \frac{\chi^2_{2k+2,\,1-\alpha/2}}{2 E_{ri}}\right], \qquad k = x_{ri},

    (lower bound 0 when :math:`k = 0`). ``method="binomial"`` treats :math:`x_{ri}` as
    binomial among the :math:`x_r` units of the region and divides the Clopper-Pearson interval
    of the share :math:`x_{ri}/x_r` by the national share :math:`x_i/x`, held fixed:

    .. math::

        \left[\frac{B^{-1}(\alpha/2;\,k,\,n-k+1)}{x_i/x},\;
              \frac{B^{-1}(1-\alpha/2;\,k+1,\,n-k)}{x_i/x}\right], \qquad n = x_r.

    Both ignore the (small) sampling error of the national share, which is fine when a
    region is a small part of the nation. A cell is ``unreliable`` when its count is below
    ``min_count`` or its interval contains 1.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative counts. Non-integer values are accepted (the chi-square and beta
        quantiles are continuous in :math:`k`) but the interval then loses its exact meaning.
    level : float, default 0.95
        Confidence level, in (0, 1).
    method : {"poisson", "binomial"}, default "poisson"
    min_count : float, default 10.0
        Counts below this are flagged ``small_count``. Pass the establishment matrix to flag
        LQs built on a handful of firms.

    Returns
    -------
    LQConfidence
        Dense matrices (also for sparse ``X``), labelled when ``X`` is a DataFrame.

    Raises
    ------
    InvalidParameterError
        If ``level``, ``method`` or ``min_count`` is out of its domain, or ``X`` is not a valid
        non-zero matrix.

    References
    ----------
    .. [1] R. Moineddin, J. Beyene and E. Boyle, "On the location quotient confidence interval",
       Geographical Analysis 35(3), 249-256, 2003.
    .. [2] J. Beyene and R. Moineddin, "Methods for confidence interval estimation of a ratio
       parameter with application to location quotients", BMC Medical Research Methodology 5, 32, 2005.
    .. [3] F. Garwood, "Fiducial limits for the Poisson distribution", Biometrika 28, 437-442, 1936.
    .. [4] C. J. Clopper and E. S. Pearson, "The use of confidence or fiducial limits illustrated
       in the case of the binomial", Biometrika 26, 404-413, 1934.

    Examples
    --------
    An LQ of 29 on three firms: its interval excludes 1, yet it is flagged for its count.

    >>> ci = lq_confidence([[3, 7], [100, 9890]])
    >>> print(ci.lq.round(2))
    [[29.13  0.71]
     [ 0.97  1.  ]]
    >>> print(ci.lower.round(2))
    [[6.01 0.28]
     [0.79 0.98]]
    >>> print(ci.upper.round(2))
    [[85.12  1.46]
     [ 1.18  1.02]]
    >>> print(ci.includes_one)
    [[False  True]
     [ True  True]]
    >>> print(ci.small_count)
    [[ True  True]
     [False False]]
    """
    check_scalar(level, "level", "lq_confidence", low=0, high=1, closed="neither")
    check_option(method, "method", "lq_confidence", ("poisson", "binomial"))
    check_scalar(min_count, "min_count", "lq_confidence", low=0)
    k = as_dense(as_matrix(X, "lq_confidence"))
    lq = _lq(k, None, "lq_confidence")
    rows, cols, total = k.sum(axis=1), k.sum(axis=0), k.sum()
    alpha = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "poisson":
            low, high = _garwood(k, alpha)
            scale = np.outer(rows, cols) / total
        else:
            low, high = _clopper_pearson(k, np.broadcast_to(rows[:, None], k.shape), alpha)
            scale = np.broadcast_to(cols[None, :] / total, k.shape)
        known = scale > 0
        lower = np.where(known, low / np.where(known, scale, 1.0), 0.0)
        upper = np.where(known, high / np.where(known, scale, 1.0), np.inf)
    small = k < min_count
    includes_one = (lower <= 1.0) & (upper >= 1.0)
    return LQConfidence(
        lq=relabel_matrix(lq, X),
        lower=relabel_matrix(lower, X),
        upper=relabel_matrix(upper, X),
        small_count=relabel_matrix(small, X),
        includes_one=relabel_matrix(includes_one, X),
        unreliable=relabel_matrix(small | includes_one, X),
        level=float(level),
        method=method,
        min_count=float(min_count),
    )


def _garwood(k: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson bounds of counts ``k``: gammaincinv(a, q) = chi2.ppf(q, 2a) / 2."""
    kmax = int(k.max())
    if kmax < k.size and np.array_equal(k, np.floor(k)):
        # Integer counts: the bounds depend on the count only, so one table lookup per cell.
        ks = np.arange(kmax + 1.0)
        low = np.concatenate([[0.0], special.gammaincinv(ks[1:], alpha / 2)])
        return low[k.astype(np.intp)], special.gammaincinv(ks + 1.0, 1.0 - alpha / 2)[k.astype(np.intp)]
    low = np.zeros_like(k)
    positive = k > 0
    low[positive] = special.gammaincinv(k[positive], alpha / 2)
    return low, special.gammaincinv(k + 1.0, 1.0 - alpha / 2)


def _clopper_pearson(k: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial bounds of ``k`` successes in ``n``; zero counts have the closed form 1 - (alpha/2)^(1/n)."""
    low, high = np.zeros_like(k), 1.0 - (alpha / 2) ** (1.0 / n)
    positive, inner = k > 0, (k > 0) & (k < n)
    low[positive] = special.betaincinv(k[positive], n[positive] - k[positive] + 1.0, alpha / 2)
    high[inner] = special.betaincinv(k[inner] + 1.0, n[inner] - k[inner], 1.0 - alpha / 2)
    high[positive & (k >= n)] = 1.0
    return low, high


# --- helpers shared with concentration.py and cluster_strength.py -----------------------------


def _region_vector(values: Any, X: Matrix, n: int, name: str, func: str) -> np.ndarray:
    """Validate a positive per-region vector; a Series or dict is aligned on the rows of a DataFrame ``X``."""
    rows, _ = labels_of(X)
    if isinstance(values, Mapping) and not isinstance(values, pd.Series):
        values = pd.Series(values)
    if isinstance(values, pd.Series) and rows is not None:
        if values.index.has_duplicates:
            raise InvalidParameterError(f"The '{name}' parameter of {func} must have unique region labels.")
        missing = rows[~rows.isin(values.index)]
        if len(missing):
            raise InvalidParameterError(
                f"The '{name}' parameter of {func} must have a value for every region of X. "
                f"Got none for {len(missing)} region(s): {list(missing[:5])} instead."
            )
        vector = values.reindex(rows).to_numpy(dtype=float)
    else:
        vector = np.asarray(values, dtype=float)
    if vector.shape != (n,):
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have shape ({n},), one value per region. Got {vector.shape} instead."
        )
    bad = ~(np.isfinite(vector) & (vector > 0))
    if bad.any():
        where = np.flatnonzero(bad)[0]
        label = rows[where] if rows is not None else where
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must hold positive finite numbers. "
            f"Got {vector[where]!r} for region {label!r} instead."
        )
    return vector


def _lq(values: np.ndarray | sparse.csr_array, pop: np.ndarray | None, func: str) -> Any:
    """LQ (or RPOP with ``pop``) of a validated matrix, as (x_ri / a_r) / (x_i / A); 0 where undefined."""
    rows = np.asarray(values.sum(axis=1)).ravel()
    cols = np.asarray(values.sum(axis=0)).ravel()
    if rows.sum() <= 0:
        raise InvalidParameterError(
            f"The 'X' parameter of {func} must have a positive total. Got an all-zero matrix instead."
        )
    base = rows if pop is None else pop
    national = cols / base.sum()
    # Zero denominators only meet zero numerators (all-zero rows or columns); the 0/0 is set to 0.
    base = np.where(base > 0, base, np.inf)
    national = np.where(national > 0, national, np.inf)
    if sparse.issparse(values):
        out = sparse.csr_array(values, copy=True)
        out.sum_duplicates()  # one entry per cell, so that presence thresholds whole cells
        row_of = np.repeat(np.arange(out.shape[0]), np.diff(out.indptr))
        out.data = (out.data / base[row_of]) / national[out.indices]
        return out
    return (values / base[:, None]) / national[None, :]


def _like(result: Any, X: Matrix) -> Any:
    """Return a matrix result in the kind of ``X``: labelled for a DataFrame, else as computed."""
    if isinstance(X, pd.DataFrame):
        return relabel_matrix(as_dense(result), X)
    return result
