"""Concentration and diversity: Krugman, Hoover, locational Gini, Herfindahl, Theil, Ellison-Glaeser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, labels_of, relabel
from clusterbrain.metrics.specialization import _region_vector

__all__ = [
    "EllisonGlaeser",
    "ellison_glaeser",
    "ellison_glaeser_from_firms",
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
    r, c, d, rows, cols, total = _parts(X, "krugman_index")
    _require_active(rows, X, 0, "krugman_index")
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
    r, c, d, rows, cols, total = _parts(X, "hoover_index")
    _require_active(cols, X, 1, "hoover_index")
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
    _require_active(cols, X, 1, "locational_gini")
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
    r, c, d, rows, cols, _ = _parts(X, "herfindahl_index")
    axis = 0 if over == "industries" else 1
    idx, totals = (r, rows) if axis == 0 else (c, cols)
    _require_active(totals, X, axis, "herfindahl_index")
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
    r, c, d, rows, cols, _ = _parts(X, "theil_entropy")
    _require_active(rows, X, 0, "theil_entropy")
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
    r, c, d, rows, cols, total = _parts(X, "theil_index")
    _require_active(rows, X, 0, "theil_index")
    share = d / rows[r]
    if reference == "total":
        value = np.bincount(r, share * np.log(share / (cols[c] / total)), len(rows))
    else:
        value = np.log(len(cols)) + np.bincount(r, share * np.log(share), len(rows))
    return relabel(np.maximum(value, 0.0), labels_of(X)[0], "theil_index")


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays, whose == is elementwise
class EllisonGlaeser:
    """Ellison-Glaeser agglomeration index of each industry, with its parts.

    Attributes
    ----------
    gamma : ndarray or Series of shape (n_industries,)
        The index; NaN where ``plant_herfindahl`` is 1 (a single plant: undefined).
    raw_concentration : ndarray or Series
        :math:`G_i = \\sum_r (s_{ri} - x_r)^2`.
    plant_herfindahl : ndarray or Series
        :math:`H_i`, the Herfindahl index of the industry's plant sizes.
    region_herfindahl : float
        :math:`\\sum_r x_r^2`.
    """

    gamma: Any
    raw_concentration: Any
    plant_herfindahl: Any
    region_herfindahl: float


def ellison_glaeser(X: Matrix, plant_herfindahl: Any, /, *, region_share: Any = None) -> EllisonGlaeser:
    r"""Ellison-Glaeser index of each industry from regional employment and plant concentration.

    Ellison & Glaeser (1997), eq. (5):

    .. math::

        \gamma_i = \frac{G_i - \left(1 - \sum_r x_r^2\right) H_i}{\left(1 - \sum_r x_r^2\right)(1 - H_i)},
        \qquad G_i = \sum_r (s_{ri} - x_r)^2, \quad H_i = \sum_j z_{j}^2,

    with :math:`s_{ri} = x_{ri}/x_i` the industry's regional shares, :math:`x_r` the regions'
    shares of aggregate employment and :math:`z_j` the employment shares of the industry's plants.
    :math:`E[\gamma] = 0` when plants locate at random (a "dartboard"); values above 0.05 are
    highly, below 0.02 not very localized in EG's reading.

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative employment; every industry must have some.
    plant_herfindahl : array-like of shape (n_industries,) or Series
        :math:`H_i` in (0, 1]; a Series is aligned on the columns of a DataFrame ``X``.
    region_share : array-like of shape (n_regions,) or Series, optional
        Aggregate employment (or its shares) per region, normalised here to sum to one; by
        default the row sums of ``X``. EG use all manufacturing.

    Returns
    -------
    EllisonGlaeser

    Raises
    ------
    InvalidParameterError
        If an industry has no employment, ``plant_herfindahl`` is outside (0, 1], or all
        employment is in one region (:math:`\sum_r x_r^2 = 1`).

    References
    ----------
    .. [1] G. Ellison and E. L. Glaeser, "Geographic concentration in U.S. manufacturing
       industries: a dartboard approach", Journal of Political Economy 105(5), 889-927, 1997.

    Examples
    --------
    Two equal regions; an industry of two equal plants, both in the first region:

    >>> ellison_glaeser([[20, 5], [0, 5]], [0.5, 0.5], region_share=[1, 1]).gamma
    array([ 1., -1.])
    """
    values = as_matrix(X, "ellison_glaeser")
    rows_l, cols_l = labels_of(X)
    h = _industry_vector(plant_herfindahl, cols_l, values.shape[1])
    share = (
        None
        if region_share is None
        else _region_vector(region_share, X, values.shape[0], "region_share", "ellison_glaeser")
    )
    gamma, g, hh, sum_x2 = _ellison_glaeser(values, h, share, X)
    return EllisonGlaeser(
        gamma=relabel(gamma, cols_l, "gamma"),
        raw_concentration=relabel(g, cols_l, "raw_concentration"),
        plant_herfindahl=relabel(hh, cols_l, "plant_herfindahl"),
        region_herfindahl=sum_x2,
    )


def ellison_glaeser_from_firms(
    firm_region: Any, firm_industry: Any, firm_size: Any, /, *, region_share: Any = None
) -> EllisonGlaeser:
    r"""Ellison-Glaeser index of each industry from plant (firm) records.

    Builds :math:`x_{ri}` and :math:`H_i = \sum_{j \in i} z_j^2` (with :math:`z_j` the plant's
    share of its industry's employment) and applies :func:`ellison_glaeser`.

    Parameters
    ----------
    firm_region, firm_industry : array-like of shape (n_firms,)
        Region and industry label of each plant.
    firm_size : array-like of shape (n_firms,)
        Positive employment of each plant.
    region_share : Series or dict, optional
        Aggregate employment (or shares) per region label, normalised to sum to one; it may
        hold regions without any plant. By default the plants' own regional totals.

    Returns
    -------
    EllisonGlaeser
        Labelled by the sorted industry labels.

    Raises
    ------
    InvalidParameterError
        If the arrays differ in length or are empty, a size is not positive, or a plant's
        region is missing from ``region_share``.

    References
    ----------
    .. [1] G. Ellison and E. L. Glaeser, "Geographic concentration in U.S. manufacturing
       industries: a dartboard approach", Journal of Political Economy 105(5), 889-927, 1997.

    Examples
    --------
    >>> eg = ellison_glaeser_from_firms(["a", "a", "a", "b"], ["x", "x", "y", "y"], [10, 10, 5, 5],
    ...                                 region_share={"a": 1, "b": 1})
    >>> eg.gamma.tolist(), eg.plant_herfindahl.tolist()
    ([1.0, -1.0], [0.5, 0.5])
    """
    func = "ellison_glaeser_from_firms"
    region = pd.Series(np.asarray(firm_region, dtype=object).ravel())
    industry = pd.Series(np.asarray(firm_industry, dtype=object).ravel())
    size = np.asarray(firm_size, dtype=float).ravel()
    if not (len(region) == len(industry) == len(size) > 0):
        raise InvalidParameterError(
            f"The firm arrays of {func} must be non-empty and of one length. "
            f"Got {len(region)}, {len(industry)} and {len(size)} instead."
        )
    if not np.all(np.isfinite(size) & (size > 0)):
        raise InvalidParameterError(
            f"The 'firm_size' parameter of {func} must be positive. Got {size.min()!r} instead."
        )
    if region_share is None:
        r_codes, r_labels = pd.factorize(region, sort=True)
        share = None
    else:
        shares = pd.Series(region_share) if not isinstance(region_share, pd.Series) else region_share
        r_labels = shares.index
        r_codes = r_labels.get_indexer(region)
        if np.any(r_codes < 0):
            missing = region[r_codes < 0].unique()[:5].tolist()
            raise InvalidParameterError(
                f"The 'region_share' parameter of {func} must hold every plant's region. Got none for {missing} instead."
            )
        share = _region_vector(shares.to_numpy(), None, len(shares), "region_share", func)
    i_codes, i_labels = pd.factorize(industry, sort=True)
    shape = (len(r_labels), len(i_labels))
    values = sparse.csr_array((size, (r_codes, i_codes)), shape=shape)
    h = np.bincount(i_codes, size**2, shape[1]) / np.bincount(i_codes, size, shape[1]) ** 2
    gamma, g, hh, sum_x2 = _ellison_glaeser(values, h, share, None)
    index = pd.Index(i_labels, name="industry")
    return EllisonGlaeser(
        gamma=pd.Series(gamma, index=index, name="gamma"),
        raw_concentration=pd.Series(g, index=index, name="raw_concentration"),
        plant_herfindahl=pd.Series(hh, index=index, name="plant_herfindahl"),
        region_herfindahl=sum_x2,
    )


def _ellison_glaeser(
    values: Any, h: np.ndarray, share: np.ndarray | None, X: Matrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    r, c, d, rows, cols, total = _entries(values, "ellison_glaeser")
    _require_active(cols, X, 1, "ellison_glaeser")
    x = rows / total if share is None else share / share.sum()
    sum_x2 = float(np.sum(x**2))
    if sum_x2 >= 1.0 - 1e-12:
        raise InvalidParameterError(
            "The 'X' parameter of ellison_glaeser must spread aggregate employment over at least two regions. "
            "Got all of it in one region instead."
        )
    s = d / cols[c]
    # G = sum_r s^2 - 2 sum_r s x_r + sum_r x_r^2, the first two over non-zero cells only.
    g = np.bincount(c, s * s - 2.0 * s * x[r], len(cols)) + sum_x2
    g = np.maximum(g, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = np.where(h < 1.0, (g - (1.0 - sum_x2) * h) / ((1.0 - sum_x2) * (1.0 - h)), np.nan)
    return gamma, g, h, sum_x2


def _industry_vector(values: Any, cols: pd.Index | None, k: int) -> np.ndarray:
    """Validate the plant Herfindahl per industry; a Series is aligned on the column labels."""
    if isinstance(values, pd.Series) and cols is not None:
        values = values.reindex(cols)
    h = np.asarray(values, dtype=float)
    if h.shape != (k,) or not np.all((h > 0) & (h <= 1)):
        raise InvalidParameterError(
            f"The 'plant_herfindahl' parameter of ellison_glaeser must hold one value in (0, 1] per industry ({k}). "
            f"Got shape {h.shape} with values {h[:5].tolist()} instead."
        )
    return h


def _parts(X: Matrix, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    return _entries(as_matrix(X, func), func)


def _entries(values: Any, func: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
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


def _require_active(totals: np.ndarray, X: Matrix, axis: int, func: str) -> None:
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
