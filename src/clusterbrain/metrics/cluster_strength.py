"""Cluster strength as the US Cluster Mapping Project computes it, and aggregation of industries to clusters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, labels_of, relabel, relabel_matrix
from clusterbrain.metrics.specialization import _lq

__all__ = ["ClusterStrength", "aggregate_columns", "cluster_strength"]


def aggregate_columns(X: Matrix, groups: Any, /) -> Any:
    r"""Sum the columns of ``X`` (industries) into groups (e.g. NAICS codes into clusters).

    .. math::

        Y = X A, \qquad A_{ig} = [\,\text{group}(i) = g\,],

    with :math:`A` a sparse 0/1 membership matrix, so each industry counts in at most one group.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Any finite values (sums are linear).
    groups : array-like of shape (n_industries,), Series or dict
        The group label of each column; missing (None/NaN) leaves the column out. A Series or
        dict is looked up by the column labels of a DataFrame ``X`` (columns it lacks are left
        out, so check the match rate); otherwise it is read in column order.

    Returns
    -------
    ndarray, csr_array or DataFrame of shape (n_regions, n_groups)
        Groups in sorted order of their labels; the kind of ``X``.

    Raises
    ------
    InvalidParameterError
        If ``groups`` does not have one entry per column, or no column has a group.

    Examples
    --------
    >>> aggregate_columns([[1, 2, 3], [4, 5, 6]], ["b", "a", "b"])
    array([[ 2.,  4.],
           [ 5., 10.]])
    """
    values = as_matrix(X, "aggregate_columns", nonnegative=False)
    cols = labels_of(X)[1]
    if isinstance(groups, Mapping) and not isinstance(groups, pd.Series):
        groups = pd.Series(groups)
    if isinstance(groups, pd.Series) and cols is not None:
        if groups.index.has_duplicates:
            raise InvalidParameterError("The 'groups' parameter of aggregate_columns must have unique column labels.")
        labels = groups.reindex(cols)
    else:
        labels = pd.Series(np.asarray(groups, dtype=object).ravel())
    k = values.shape[1]
    if len(labels) != k:
        raise InvalidParameterError(
            f"The 'groups' parameter of aggregate_columns must have one label per column ({k}). Got {len(labels)} instead."
        )
    codes, uniques = pd.factorize(labels, sort=True)
    member = np.flatnonzero(codes >= 0)
    if len(member) == 0:
        raise InvalidParameterError(
            "The 'groups' parameter of aggregate_columns must give a group to at least one column. Got none instead."
        )
    indicator = sparse.csr_array((np.ones(len(member)), (member, codes[member])), shape=(k, len(uniques)))
    out = values @ indicator
    if isinstance(X, pd.DataFrame):
        return pd.DataFrame(as_dense(out), index=X.index, columns=pd.Index(uniques, name=_groups_name(groups)))
    return out


def _groups_name(groups: Any) -> str | None:
    """Name of the group axis: the Series name when there is one."""
    name = getattr(groups, "name", None)
    return None if name is None else str(name)


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays, whose == is elementwise
class ClusterStrength:
    """Cluster strength flags of each region x cluster and the thresholds behind them.

    Attributes
    ----------
    strong, strong10, significant, qualifying : ndarray or DataFrame of bool, shape (n_regions, n_clusters)
        The USCMP flags (see :func:`cluster_strength`).
    lq : ndarray or DataFrame of shape (n_regions, n_clusters)
        The employment location quotients used.
    lq_p25, lq_p50, lq_p75, lq_p90, employment_p25, establishments_p25 : ndarray or Series of shape (n_clusters,)
        Percentiles over the regions where the cluster has employment; NaN for a cluster with
        employment nowhere (all its flags are then False).
    n_present : ndarray or Series of shape (n_clusters,)
        How many regions have employment in the cluster.
    """

    strong: Any
    strong10: Any
    significant: Any
    qualifying: Any
    lq: Any
    lq_p25: Any
    lq_p50: Any
    lq_p75: Any
    lq_p90: Any
    employment_p25: Any
    establishments_p25: Any
    n_present: Any

    def thresholds(self) -> pd.DataFrame:
        """The thresholds as one table, one row per cluster (for reports)."""
        names = ("n_present", "lq_p25", "lq_p50", "lq_p75", "lq_p90", "employment_p25", "establishments_p25")
        index = self.lq.columns if isinstance(self.lq, pd.DataFrame) else None
        return pd.DataFrame({name: np.asarray(getattr(self, name)) for name in names}, index=index)


def cluster_strength(employment: Matrix, establishments: Matrix, /, *, lq: Matrix | None = None) -> ClusterStrength:
    r"""Strong, significant and qualifying clusters of each region, as the US Cluster Mapping Project defines them.

    For each cluster (column), percentiles are taken over the regions where it has employment
    (:math:`e_{rc} > 0`), by linear interpolation between order statistics (d3.quantile, R
    type 7, NumPy "linear"). With :math:`Q_p` such a percentile and

    .. math::

        \text{size}_{rc} = e_{rc} > Q_{25}(e_{\cdot c}) \;\wedge\; n_{rc} > Q_{25}(n_{\cdot c})

    (employment :math:`e`, establishments :math:`n`), the flags are

    .. math::

        \text{strong}_{rc} &= LQ_{rc} \geq Q_{75}(LQ_{\cdot c}) \wedge LQ_{rc} \geq 1 \wedge \text{size}_{rc} \\
        \text{strong10}_{rc} &= LQ_{rc} \geq Q_{90}(LQ_{\cdot c}) \wedge LQ_{rc} \geq 1 \wedge \text{size}_{rc} \\
        \text{significant}_{rc} &= LQ_{rc} > Q_{50}(LQ_{\cdot c}) \wedge \text{size}_{rc} \\
        \text{qualifying}_{rc} &= LQ_{rc} > Q_{25}(LQ_{\cdot c}) \wedge \text{size}_{rc}

    This follows the project's own code (``data/processing/cluster_calcs_reducer.js`` of
    clustermapping/cmp), including its strict ">" on the size percentiles and its "≥" on the
    LQ percentiles of strong clusters. There the traded-cluster LQ is a cluster's share of the
    region's traded employment over its share of national traded employment, which is what
    :func:`~clusterbrain.metrics.location_quotient` gives on a matrix of the traded clusters.

    Parameters
    ----------
    employment : array-like of shape (n_regions, n_clusters)
        Non-negative employment. Pass the regions of one type (counties, metro areas,
        economic areas or states) at a time: the percentiles compare like with like.
    establishments : array-like of shape (n_regions, n_clusters)
        Non-negative establishment counts, same shape (and labels) as ``employment``.
    lq : array-like of shape (n_regions, n_clusters), optional
        Location quotients to use instead of those of ``employment`` (e.g. against national
        totals that include regions not in the matrix).

    Returns
    -------
    ClusterStrength
        Boolean matrices and per-cluster thresholds, labelled when the input is a DataFrame.

    Raises
    ------
    InvalidParameterError
        If the matrices are invalid, differ in shape, or (as DataFrames) in labels.

    References
    ----------
    .. [1] M. Delgado, M. E. Porter and S. Stern, "Clusters, convergence, and economic
       performance", Research Policy 43(10), 1785-1799, 2014.
    .. [2] M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries",
       Journal of Economic Geography 16(1), 1-38, 2016.
    .. [3] U.S. Cluster Mapping Project, methodology, https://clustermapping.us, and its code,
       https://github.com/clustermapping/cmp.

    Examples
    --------
    Five regions, one cluster:

    >>> emp = [[40], [30], [30], [60], [90]]
    >>> est = [[4], [3], [2], [6], [9]]
    >>> cs = cluster_strength(emp, est, lq=[[2.5], [1.0], [2.0], [3.0], [4.0]])
    >>> cs.thresholds().iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'n_present': 5.0, 'lq_p25': 2.0, 'lq_p50': 2.5, 'lq_p75': 3.0, 'lq_p90': 3.6,
     'employment_p25': 30.0, 'establishments_p25': 3.0}
    >>> cs.strong.ravel().tolist(), cs.strong10.ravel().tolist()
    ([False, False, False, True, True], [False, False, False, False, True])
    >>> cs.significant.ravel().tolist(), cs.qualifying.ravel().tolist()
    ([False, False, False, True, True], [True, False, False, True, True])
    """
    func = "cluster_strength"
    emp = as_dense(as_matrix(employment, func, name="employment"))
    est = as_dense(as_matrix(establishments, func, name="establishments"))
    _same_frame(employment, establishments, emp.shape, est.shape, "establishments")
    if lq is None:
        quotient = as_dense(_lq(emp, None, func))
    else:
        quotient = as_dense(as_matrix(lq, func, name="lq"))
        _same_frame(employment, lq, emp.shape, quotient.shape, "lq")
    present = emp > 0
    lq_p25, lq_p50, lq_p75, lq_p90 = _percentiles(quotient, present, (0.25, 0.5, 0.75, 0.9))
    (emp_p25,) = _percentiles(emp, present, (0.25,))
    (est_p25,) = _percentiles(est, present, (0.25,))
    # NaN thresholds (cluster present nowhere) make every comparison False, as they should.
    size = (emp > emp_p25) & (est > est_p25)
    flags = {
        "strong": (quotient >= lq_p75) & (quotient >= 1.0) & size,
        "strong10": (quotient >= lq_p90) & (quotient >= 1.0) & size,
        "significant": (quotient > lq_p50) & size,
        "qualifying": (quotient > lq_p25) & size,
    }
    cols = labels_of(employment)[1]
    vectors = {
        "lq_p25": lq_p25,
        "lq_p50": lq_p50,
        "lq_p75": lq_p75,
        "lq_p90": lq_p90,
        "employment_p25": emp_p25,
        "establishments_p25": est_p25,
        "n_present": present.sum(axis=0),
    }
    return ClusterStrength(
        **{name: relabel_matrix(flag, employment) for name, flag in flags.items()},
        lq=relabel_matrix(quotient, employment),
        **{name: relabel(vector, cols, name) for name, vector in vectors.items()},
    )


def _percentiles(values: np.ndarray, present: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """Column percentiles over the present cells, linear between order statistics (R type 7)."""
    ordered = np.sort(np.where(present, values, np.nan), axis=0)  # NaN sort last
    n = present.sum(axis=0)
    cols = np.arange(values.shape[1])
    out = []
    for q in qs:  # a handful of percentiles, each vectorised over all columns
        h = np.maximum(n - 1, 0) * q
        lo = np.floor(h).astype(int)
        hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
        a, b = ordered[lo, cols], ordered[hi, cols]
        # a + 0 * (b - a) is exactly a, so an order statistic is its own percentile (as in d3).
        value = np.where(hi > lo, a + (h - lo) * (b - a), a)
        out.append(np.where(n > 0, value, np.nan))
    return out


def _same_frame(first: Matrix, other: Matrix, shape: tuple[int, ...], other_shape: tuple[int, ...], name: str) -> None:
    """Raise unless ``other`` has the shape, and (both being DataFrames) the labels, of ``employment``."""
    if shape != other_shape:
        raise InvalidParameterError(
            f"The '{name}' parameter of cluster_strength must have the shape of employment {shape}. Got {other_shape} instead."
        )
    if isinstance(first, pd.DataFrame) and isinstance(other, pd.DataFrame):
        if not (first.index.equals(other.index) and first.columns.equals(other.columns)):
            raise InvalidParameterError(
                f"The '{name}' parameter of cluster_strength must have the row and column labels of employment, "
                "in the same order. Got different labels instead."
            )
