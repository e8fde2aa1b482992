"""Concentration and diversity: Krugman, Hoover, locational Gini, Herfindahl, Theil, Ellison-Glaeser."""

from __future__ import annotations

from typing import Any

import numpy as np

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, entries, labels_of, relabel, require_active

__all__ = [
    "herfindahl_index",
    "hoover_index",
    "krugman_index",
    "locational_gini",
    "theil_entropy",
    "theil_index",
]


def krugman_index(X: Matrix, /, *, reference: str = "total") -> Any:
    r"""Krugman specialization index of each region: how far its industry mix is from the reference mix.

    .. math::

        K_r = \sum_i \left| \frac{x_{ri}}{x_r} - \frac{x_i}{x} \right| \quad (\text{reference="total"}),
        \qquad
        K_r = \sum_i \left| \frac{x_{ri}}{x_r} - \frac{x_i - x_{ri}}{x - x_r} \right| \quad (\text{"rest"})

    0 for a region with the reference structure, approaching 2 for one with no industry in common.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity; every region must have some.
    reference : {"total", "rest"}, default "total"
        Compare with the whole (including the region) or with the rest of the regions.

    Returns
    -------
    ndarray or Series of shape (n_regions,)

    Raises
    ------
    InvalidParameterError
        If a region has no activity, or (with "rest") a single region holds all activity.

    References
    ----------
    .. [1] P. Krugman, Geography and Trade, MIT Press, 1991, chapter 3 and appendix D.

    Examples
    --------
    >>> krugman_index([[10, 0], [10, 20]])
    array([1.        , 0.33333333])
    """
    check_option(reference, "reference", "krugman_index", ("total", "rest"))
    r, c, d, rows, cols, total = entries(as_matrix(X, "krugman_index"), "krugman_index")
    require_active(rows, X, 0, "krugman_index")
    share = d / rows[r]
    if reference == "total":
        ref = cols / total
        # Zero cells contribute their reference share; their sum is 1 minus that of the non-zero cells.
        value = np.bincount(r, np.abs(share - ref[c]) - ref[c], len(rows)) + 1.0
    else:
        rest = total - rows
        if np.any(rest <= 0):
            raise InvalidParameterError(
                "The 'X' parameter of krugman_index with reference='rest' must have activity outside every region. "
                "Got a region holding all activity instead."
            )
        ref_cell = (cols[c] - d) / rest[r]
        outside = (total - np.bincount(r, cols[c], len(rows))) / rest
        value = np.bincount(r, np.abs(share - ref_cell), len(rows)) + outside
    return relabel(np.maximum(value, 0.0), labels_of(X)[0], "krugman_index")


def hoover_index(X: Matrix, /) -> Any:
    r"""Hoover (coefficient of localization) index of each industry against the distribution of all activity.

    .. math::

        HC_i = \frac{1}{2} \sum_r \left| \frac{x_{ri}}{x_i} - \frac{x_r}{x} \right|

    The share of the industry that would have to move for it to be spread like all activity:
    0 when it is, approaching 1 when it sits in one tiny region.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity; every industry must have some.

    Returns
    -------
    ndarray or Series of shape (n_industries,)

    Raises
    ------
    InvalidParameterError
        If an industry has no activity.

    References
    ----------
    .. [1] E. M. Hoover, "The measurement of industrial localization", Review of Economics and
       Statistics 18(4), 162-171, 1936.

    Examples
    --------
    >>> hoover_index([[10, 0], [10, 20]])
    array([0.25, 0.25])
    """
    r, c, d, rows, cols, total = entries(as_matrix(X, "hoover_index"), "hoover_index")
    require_active(cols, X, 1, "hoover_index")
    weight = rows / total
    value = 0.5 * (np.bincount(c, np.abs(d / cols[c] - weight[r]) - weight[r], len(cols)) + 1.0)
    return relabel(np.maximum(value, 0.0), labels_of(X)[1], "hoover_index")


def locational_gini(X: Matrix, /) -> Any:
    r"""Locational Gini coefficient of each industry: Gini of its regional shares against all activity.

    Regions are ordered by ascending :math:`LQ_{ri}`; with :math:`w_{(r)} = x_{(r)}/x` the
    total-activity shares and :math:`S_{(r)}` the cumulated industry shares
    :math:`x_{(r)i}/x_i` in that order (:math:`S_{(0)} = 0`), the Gini is one minus twice the
    area under the Lorenz curve:

    .. math::

        G_i = 1 - \sum_{r=1}^{n} w_{(r)} \left( S_{(r-1)} + S_{(r)} \right)

    0 when the industry is spread like all activity, at most :math:`1 - \min_r w_r` (the whole
    industry in the smallest region). Ties in LQ do not change the value.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity; every industry must have some. Sparse input is made dense (the
        ordering is per column).

    Returns
    -------
    ndarray or Series of shape (n_industries,)

    Raises
    ------
    InvalidParameterError
        If an industry has no activity.

    References
    ----------
    .. [1] P. Krugman, Geography and Trade, MIT Press, 1991, appendix D.
    .. [2] D. B. Audretsch and M. P. Feldman, "R&D spillovers and the geography of innovation
       and production", American Economic Review 86(3), 630-640, 1996.

    Examples
    --------
    >>> locational_gini([[10, 0], [10, 20]])
    array([0.25, 0.25])
    """
    values = as_dense(as_matrix(X, "locational_gini"))
    rows, cols = values.sum(axis=1), values.sum(axis=0)
    require_active(cols, X, 1, "locational_gini")
    weight = rows / rows.sum()
    share = values / cols
    # LQ = industry share / activity share; regions without activity hold no share and sort first.
    lq = share / np.where(weight > 0, weight, np.inf)[:, None]
    order = np.argsort(lq, axis=0, kind="stable")
    cum = np.cumsum(np.take_along_axis(share, order, axis=0), axis=0)
    before = np.vstack([np.zeros((1, cum.shape[1])), cum[:-1]])
    value = 1.0 - (weight[order] * (before + cum)).sum(axis=0)
    return relabel(np.maximum(value, 0.0), labels_of(X)[1], "locational_gini")


def herfindahl_index(X: Matrix, /, *, over: str = "industries", normalized: bool = False) -> Any:
    r"""Herfindahl-Hirschman index of each region over industries, or of each industry over regions.

    .. math::

        HHI_r = \sum_i \left( \frac{x_{ri}}{x_r} \right)^2 \quad (\text{over="industries"}), \qquad
        HHI_i = \sum_r \left( \frac{x_{ri}}{x_i} \right)^2 \quad (\text{over="regions"}),

    in :math:`[1/N, 1]` with :math:`N` the number of industries (or regions), zeros included;
    ``normalized`` rescales to :math:`[0, 1]`: :math:`(HHI - 1/N) / (1 - 1/N)`.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity; every region (or industry) described must have some.
    over : {"industries", "regions"}, default "industries"
        The axis the shares run over: "industries" gives one value per region (low = diverse),
        "regions" one per industry (high = geographically concentrated).
    normalized : bool, default False

    Returns
    -------
    ndarray or Series of shape (n_regions,) or (n_industries,)

    Raises
    ------
    InvalidParameterError
        If a described region or industry has no activity, or ``normalized`` with N = 1.

    References
    ----------
    .. [1] O. C. Herfindahl, Concentration in the Steel Industry, PhD thesis, Columbia
       University, 1950; A. O. Hirschman, National Power and the Structure of Foreign Trade, 1945.

    Examples
    --------
    >>> herfindahl_index([[10, 0], [10, 30]])
    array([1.   , 0.625])
    >>> herfindahl_index([[10, 0], [10, 30]], over="regions", normalized=True)
    array([0., 1.])
    """
    check_option(over, "over", "herfindahl_index", ("industries", "regions"))
    r, c, d, rows, cols, _ = entries(as_matrix(X, "herfindahl_index"), "herfindahl_index")
    axis = 0 if over == "industries" else 1
    idx, totals = (r, rows) if axis == 0 else (c, cols)
    require_active(totals, X, axis, "herfindahl_index")
    value = np.bincount(idx, (d / totals[idx]) ** 2, len(totals))
    if normalized:
        n = len(cols) if axis == 0 else len(rows)
        if n == 1:
            raise InvalidParameterError(
                f"The 'normalized' parameter of herfindahl_index needs at least two {over}. Got one instead."
            )
        value = np.clip((value - 1.0 / n) / (1.0 - 1.0 / n), 0.0, 1.0)
    return relabel(value, labels_of(X)[axis], "herfindahl_index")


def theil_entropy(X: Matrix, /, *, normalized: bool = False) -> Any:
    r"""Theil's entropy of each region's industry shares: a measure of diversity.

    .. math::

        E_r = -\sum_i s_{ri} \ln s_{ri}, \qquad s_{ri} = \frac{x_{ri}}{x_r}, \quad 0 \ln 0 = 0,

    0 for a region with one industry, :math:`\ln N` for one spread evenly over all :math:`N`;
    ``normalized`` divides by :math:`\ln N`.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity; every region must have some.
    normalized : bool, default False

    Returns
    -------
    ndarray or Series of shape (n_regions,)

    Raises
    ------
    InvalidParameterError
        If a region has no activity, or ``normalized`` with a single industry.

    References
    ----------
    .. [1] H. Theil, Economics and Information Theory, North-Holland, 1967.

    Examples
    --------
    >>> theil_entropy([[10, 10], [10, 0]], normalized=True)
    array([1., 0.])
    """
    r, c, d, rows, cols, _ = entries(as_matrix(X, "theil_entropy"), "theil_entropy")
    require_active(rows, X, 0, "theil_entropy")
    share = d / rows[r]
    value = np.maximum(-np.bincount(r, share * np.log(share), len(rows)), 0.0)
    if normalized:
        if len(cols) == 1:
            raise InvalidParameterError(
                "The 'normalized' parameter of theil_entropy needs at least two industries. Got one instead."
            )
        value = value / np.log(len(cols))
    return relabel(value, labels_of(X)[0], "theil_entropy")


def theil_index(X: Matrix, /, *, reference: str = "total") -> Any:
    r"""Theil index of each region: the relative entropy of its industry mix to a reference mix.

    .. math::

        T_r = \sum_i s_{ri} \ln \frac{s_{ri}}{x_i / x} = \sum_i s_{ri} \ln LQ_{ri}
        \quad (\text{reference="total"}), \qquad
        T_r = \ln N - E_r \quad (\text{"uniform"}),

    with :math:`s_{ri} = x_{ri}/x_r` and :math:`E_r` the :func:`theil_entropy`. Non-negative,
    0 when the region has the national structure ("total", the Kullback-Leibler divergence) or
    equal shares in all :math:`N` industries ("uniform").

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity; every region must have some.
    reference : {"total", "uniform"}, default "total"

    Returns
    -------
    ndarray or Series of shape (n_regions,)

    Raises
    ------
    InvalidParameterError
        If a region has no activity.

    References
    ----------
    .. [1] H. Theil, Economics and Information Theory, North-Holland, 1967.
    .. [2] A. Cutrini, "Using entropy measures to disentangle regional from national
       localization patterns", Regional Science and Urban Economics 39(2), 243-250, 2009.

    Examples
    --------
    >>> theil_index([[10, 10], [10, 10]])
    array([0., 0.])
    >>> theil_index([[10, 0], [0, 10]]).round(4)
    array([0.6931, 0.6931])
    """
    check_option(reference, "reference", "theil_index", ("total", "uniform"))
    r, c, d, rows, cols, total = entries(as_matrix(X, "theil_index"), "theil_index")
    require_active(rows, X, 0, "theil_index")
    share = d / rows[r]
    if reference == "total":
        value = np.bincount(r, share * np.log(share / (cols[c] / total)), len(rows))
    else:
        value = np.log(len(cols)) + np.bincount(r, share * np.log(share), len(rows))
    return relabel(np.maximum(value, 0.0), labels_of(X)[0], "theil_index")
