"""Agglomeration of an industry beyond what its plant sizes explain: the Ellison–Glaeser index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_matrix, entries, labels_of, relabel, require_active
from clusterbrain.metrics.specialization import _region_vector

__all__ = ["EllisonGlaeser", "ellison_glaeser", "ellison_glaeser_from_matrix"]


@dataclass(frozen=True, eq=False)  # eq=False: fields are arrays, whose == is elementwise
class EllisonGlaeser:
    r"""Ellison-Glaeser index of each industry with its parts (Series, or arrays for unlabelled input).

    Attributes
    ----------
    gamma : ndarray or Series of shape (n_industries,)
        The index; NaN where ``plant_herfindahl`` is 1 (a single plant: undefined).
    raw_concentration : ndarray or Series
        :math:`G_i = \sum_r (s_{ri} - x_r)^2`.
    plant_herfindahl : ndarray or Series
        :math:`H_i`, the Herfindahl index of the industry's plant sizes.
    region_herfindahl : float
        :math:`\sum_r x_r^2`.
    """

    gamma: Any
    raw_concentration: Any
    plant_herfindahl: Any
    region_herfindahl: float


def ellison_glaeser(
    firm_industry: Any, firm_region: Any, firm_size: Any, /, *, region_share: Any = None
) -> EllisonGlaeser:
    r"""Ellison-Glaeser agglomeration index of each industry, from plant (firm) records.

    Ellison & Glaeser (1997), eq. (5):

    .. math::

        \gamma_i = \frac{G_i - \left(1 - \sum_r x_r^2\right) H_i}{\left(1 - \sum_r x_r^2\right)(1 - H_i)},
        \qquad G_i = \sum_r (s_{ri} - x_r)^2, \quad H_i = \sum_{j \in i} z_j^2,

    with :math:`s_{ri}` the industry's employment shares by region, :math:`x_r` the regions'
    shares of aggregate employment and :math:`z_j` plant :math:`j`'s share of its industry.
    :math:`E[\gamma] = 0` when plants locate at random (the "dartboard"); EG read
    :math:`\gamma > 0.05` as highly and :math:`\gamma < 0.02` as not very localized.

    Parameters
    ----------
    firm_industry, firm_region : array-like of shape (n_firms,)
        Industry and region label of each plant.
    firm_size : array-like of shape (n_firms,)
        Positive employment of each plant.
    region_share : Series or dict, optional
        Aggregate employment (or shares) per region label, normalised to sum to one; it may
        hold regions without plants. By default the plants' own regional totals (EG use all
        manufacturing).

    Returns
    -------
    EllisonGlaeser
        Series indexed by the sorted industry labels.

    Raises
    ------
    InvalidParameterError
        If the arrays are empty or differ in length, a size is not positive, a plant's region
        is missing from ``region_share``, or all employment is in one region.

    References
    ----------
    .. [1] G. Ellison and E. L. Glaeser, "Geographic concentration in U.S. manufacturing
       industries: a dartboard approach", Journal of Political Economy 105(5), 889-927, 1997.

    Examples
    --------
    Two equal regions; industry x has two equal plants, both in region a:

    >>> eg = ellison_glaeser(["x", "x", "y", "y"], ["a", "a", "a", "b"], [10, 10, 5, 5],
    ...                      region_share={"a": 1, "b": 1})
    >>> eg.gamma.tolist(), eg.plant_herfindahl.tolist()
    ([1.0, -1.0], [0.5, 0.5])
    """
    func = "ellison_glaeser"
    industry, region = (pd.Series(np.asarray(a, dtype=object).ravel()) for a in (firm_industry, firm_region))
    size = np.asarray(firm_size, dtype=float).ravel()
    if not (len(region) == len(industry) == len(size) > 0):
        raise InvalidParameterError(
            f"The firm arrays of {func} must be non-empty and of one length. "
            f"Got {len(industry)}, {len(region)} and {len(size)} instead."
        )
    if not np.all(np.isfinite(size) & (size > 0)):
        raise InvalidParameterError(
            f"The 'firm_size' parameter of {func} must be positive. Got {size.min()!r} instead."
        )
    share = None
    if region_share is None:
        r_codes, r_labels = pd.factorize(region, sort=True)
    else:
        shares = region_share if isinstance(region_share, pd.Series) else pd.Series(region_share)
        r_labels = shares.index
        r_codes = r_labels.get_indexer(pd.Index(region))
        if np.any(r_codes < 0):
            missing = region[r_codes < 0].unique()[:5].tolist()
            raise InvalidParameterError(
                f"The 'region_share' parameter of {func} must hold every plant's region. Got none for {missing} instead."
            )
        share = _region_vector(shares.to_numpy(), None, len(shares), "region_share", func)
    i_codes, i_labels = pd.factorize(industry, sort=True)
    values = sparse.csr_array((size, (r_codes, i_codes)), shape=(len(r_labels), len(i_labels)))
    h = np.bincount(i_codes, size**2, len(i_labels)) / np.bincount(i_codes, size, len(i_labels)) ** 2
    return _ellison_glaeser(values, h, share, pd.Index(i_labels, name="industry"), func)


def ellison_glaeser_from_matrix(X: Matrix, plant_herfindahl: Any, /, *, region_share: Any = None) -> EllisonGlaeser:
    """Ellison-Glaeser index from region x industry employment and each industry's plant Herfindahl.

    The formula and its reading are those of :func:`ellison_glaeser`, with :math:`x_{ri}` given
    and :math:`H_i` computed elsewhere (e.g. from establishment size classes).

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative employment; every industry must have some.
    plant_herfindahl : array-like of shape (n_industries,) or Series
        :math:`H_i` in (0, 1]; a Series is aligned on the columns of a DataFrame ``X``.
    region_share : array-like of shape (n_regions,) or Series, optional
        Aggregate employment (or shares) per region, normalised to sum to one; by default the
        row sums of ``X``.

    Returns
    -------
    EllisonGlaeser

    Raises
    ------
    InvalidParameterError
        If an industry has no employment, ``plant_herfindahl`` is outside (0, 1], or all
        employment is in one region.

    References
    ----------
    .. [1] G. Ellison and E. L. Glaeser, JPE 105(5), 889-927, 1997, eq. (5).

    Examples
    --------
    >>> ellison_glaeser_from_matrix([[20, 5], [0, 5]], [0.5, 0.5], region_share=[1, 1]).gamma
    array([ 1., -1.])
    """
    func = "ellison_glaeser_from_matrix"
    values = as_matrix(X, func)
    cols = labels_of(X)[1]
    h = (
        plant_herfindahl.reindex(cols)
        if isinstance(plant_herfindahl, pd.Series) and cols is not None
        else plant_herfindahl
    )
    h = np.asarray(h, dtype=float)
    if h.shape != (values.shape[1],) or not np.all((h > 0) & (h <= 1)):
        raise InvalidParameterError(
            f"The 'plant_herfindahl' parameter of {func} must hold one value in (0, 1] per industry ({values.shape[1]}). "
            f"Got shape {h.shape} with values {h[:5].tolist()} instead."
        )
    share = None if region_share is None else _region_vector(region_share, X, values.shape[0], "region_share", func)
    return _ellison_glaeser(values, h, share, cols, func, X)


def _ellison_glaeser(
    values: Any, h: np.ndarray, share: np.ndarray | None, labels: pd.Index | None, func: str, X: Matrix = None
) -> EllisonGlaeser:
    r, c, d, rows, cols, total = entries(values, func)
    require_active(cols, X, 1, func)
    x = rows / total if share is None else share / share.sum()
    sum_x2 = float(np.sum(x**2))
    if sum_x2 >= 1.0 - 1e-12:
        raise InvalidParameterError(
            f"The input of {func} must spread aggregate employment over at least two regions. Got one region instead."
        )
    s = d / cols[c]
    # G = sum_r s^2 - 2 sum_r s x_r + sum_r x_r^2, the first two over non-zero cells only.
    g = np.maximum(np.bincount(c, s * s - 2.0 * s * x[r], len(cols)) + sum_x2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = np.where(h < 1.0, (g - (1.0 - sum_x2) * h) / ((1.0 - sum_x2) * (1.0 - h)), np.nan)
    return EllisonGlaeser(
        gamma=relabel(gamma, labels, "gamma"),
        raw_concentration=relabel(g, labels, "raw_concentration"),
        plant_herfindahl=relabel(h, labels, "plant_herfindahl"),
        region_herfindahl=sum_x2,
    )
