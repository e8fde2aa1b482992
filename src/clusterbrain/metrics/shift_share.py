"""Shift-share decomposition of growth per region × industry: national share, industry mix, competitive effect."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, relabel
from clusterbrain.metrics.dynamics import _aligned_pair, _labelled

__all__ = ["ShiftShareResult", "shift_share"]


# eq=False: the fields are arrays, whose == is elementwise, so a generated __eq__ would raise.
@dataclass(frozen=True, eq=False)
class ShiftShareResult:
    r"""Shift-share components of the change :math:`x^1 - x^0` of every region × industry cell.

    Attributes
    ----------
    change : ndarray or DataFrame, shape (n_regions, n_industries)
        :math:`x^1_{ri} - x^0_{ri}`; equals ``national + industry_mix + competitive``.
    national, industry_mix, competitive : ndarray or DataFrame, shape (n_regions, n_industries)
        National share :math:`NS`, industry mix :math:`IM` and regional competitive effect
        :math:`RS`, in the units of the input (e.g. jobs).
    national_growth : float
        :math:`g`, growth rate of the reference economy over all industries.
    industry_growth : ndarray or Series, shape (n_industries,)
        :math:`g_i`, growth rate of each industry in the reference economy; NaN (the only
        NaN of the result) for an industry with no activity in the reference in year 0,
        whose growth rate is undefined — the components of its cells are still finite.
    by_region : DataFrame
        Sums over industries, one row per region (its label, or 0 … n-1 for arrays):
        ``base`` (:math:`x^0_{r\cdot}`), ``change``, ``national``, ``industry_mix``,
        ``competitive``, and with ``homothetic=True`` also ``homothetic_competitive`` and
        ``allocation``.
    homothetic_competitive, allocation : ndarray or DataFrame, or None
        Esteban-Marquillas split of ``competitive`` (``None`` unless ``homothetic=True``).
    """

    change: Matrix
    national: Matrix
    industry_mix: Matrix
    competitive: Matrix
    national_growth: float
    industry_growth: np.ndarray | pd.Series
    by_region: pd.DataFrame
    homothetic_competitive: Matrix | None = None
    allocation: Matrix | None = None


def shift_share(
    X0: Matrix,
    X1: Matrix,
    /,
    *,
    reference: Sequence[Any] | None = None,
    homothetic: bool = False,
) -> ShiftShareResult:
    r"""Classic shift-share decomposition of the growth of each region × industry cell.

    With :math:`x^t_{ri}` the employment (or output, wages …) of region :math:`r` in
    industry :math:`i` in year :math:`t \in \{0, 1\}` and :math:`X^t_i`, :math:`X^t` the
    totals of the reference economy (by default the sum of the regions given),

    .. math::

        g = \frac{X^1}{X^0} - 1, \qquad g_i = \frac{X^1_i}{X^0_i} - 1, \qquad
        g_{ri} = \frac{x^1_{ri}}{x^0_{ri}} - 1,

    .. math::

        x^1_{ri} - x^0_{ri}
        = \underbrace{x^0_{ri}\, g}_{NS} + \underbrace{x^0_{ri}\,(g_i - g)}_{IM}
        + \underbrace{x^0_{ri}\,(g_{ri} - g_i)}_{RS}.

    The identity is exact: :math:`RS` is computed as
    :math:`x^1_{ri} - x^0_{ri}(1 + g_i)`. With ``homothetic=True`` the competitive effect
    is split as in Esteban-Marquillas (1972) around the homothetic employment
    :math:`\hat x^0_{ri} = x^0_{r\cdot} X^0_i / X^0` (the region's size with the
    reference's industry mix):

    .. math::

        RS = \underbrace{\hat x^0_{ri}\,(g_{ri} - g_i)}_{\text{homothetic competitive}}
        + \underbrace{(x^0_{ri} - \hat x^0_{ri})\,(g_{ri} - g_i)}_{\text{allocation}}.

    Parameters
    ----------
    X0, X1 : array-like of shape (n_regions, n_industries)
        Non-negative levels in the base year and the final year; ndarray, scipy sparse or
        DataFrame. Two DataFrames are aligned on the union of their labels, a missing cell
        counting as 0 (an industry absent from a year had no activity in it).
    reference : pair of array-like of shape (n_industries,), optional
        Industry totals :math:`(X^0_i, X^1_i)` of the reference economy (e.g. the nation,
        when the rows are the districts of one city). Series are aligned on the industry
        labels. By default the column sums of ``X0`` and ``X1``.
    homothetic : bool, default False
        Also return the Esteban-Marquillas split of the competitive effect.

    Returns
    -------
    ShiftShareResult
        The component matrices (DataFrames when the inputs are), the growth rates and the
        sums per region.

    Raises
    ------
    InvalidParameterError
        If a matrix is negative, holds NaN, has duplicate labels or (arrays) the shapes
        differ; if the reference total of year 0 is zero (:math:`g` undefined); if
        ``reference`` is malformed or has no year-0 activity in an industry where a region
        has some.

    Notes
    -----
    *New cells.* Where :math:`x^0_{ri} = 0` the local growth rate :math:`g_{ri}` is
    undefined; there :math:`NS = IM = 0` and the whole change :math:`x^1_{ri}` is counted
    in :math:`RS` (a new local industry is a competitive gain of the region). In the
    homothetic split these cells put all of :math:`RS` in the allocation effect and none in
    the homothetic competitive effect, since the region had no allocation to that
    industry to grow from.

    *Sums.* With the default reference, :math:`\sum_r RS_{ri} = 0` for every industry,
    :math:`\sum_{r,i} IM_{ri} = 0` and :math:`\sum_{r,i} NS_{ri} = X^1 - X^0`.

    This is the comparative-static (end-point) form of Dunn (1960). The dynamic form of
    Barff and Knight (1988), used e.g. by the Brookings Metro Monitor, sums these
    components over consecutive years; call this function once per pair of years and add
    the results.

    References
    ----------
    .. [1] Dunn, E. S. (1960). A statistical and analytical technique for regional
       analysis. *Papers and Proceedings of the Regional Science Association* 6, 97–112.
    .. [2] Esteban-Marquillas, J. M. (1972). A reinterpretation of shift-share analysis.
       *Regional and Urban Economics* 2(3), 249–255.
    .. [3] Barff, R. A. and Knight, P. L. (1988). Dynamic shift-share analysis. *Growth
       and Change* 19(2), 1–10.

    Examples
    --------
    >>> import numpy as np
    >>> X0 = np.array([[10.0, 20.0], [30.0, 40.0]])
    >>> X1 = np.array([[15.0, 20.0], [30.0, 55.0]])
    >>> result = shift_share(X0, X1)
    >>> result.national_growth
    0.2
    >>> result.industry_growth
    array([0.125, 0.25 ])
    >>> result.competitive
    array([[ 3.75, -5.  ],
           [-3.75,  5.  ]])
    >>> result.by_region[["change", "national", "industry_mix", "competitive"]].round(2).to_numpy().tolist()
    [[5.0, 6.0, 0.25, -1.25], [15.0, 14.0, -0.25, 1.25]]
    """
    func = "shift_share"
    check_option(homothetic, "homothetic", func, (False, True))
    x0, x1, rows, cols = _aligned_pair(X0, X1, func, names=("X0", "X1"))
    if reference is None:
        r0, r1 = x0.sum(axis=0), x1.sum(axis=0)
    else:
        r0, r1 = _reference_totals(reference, x0, cols, func)
    total0 = float(r0.sum())
    if total0 <= 0:
        raise InvalidParameterError(
            f"The reference economy of {func} must have activity in the base year (national growth "
            f"is undefined otherwise). Got a year-0 total of {total0!r} instead."
        )
    # (X1 - X0) / X0 rather than X1 / X0 - 1: no cancellation, so 120 over 100 gives 0.2.
    g = float(r1.sum() - total0) / total0
    active = r0 > 0
    g_i = np.divide(r1 - r0, r0, out=np.full(r0.shape, np.nan), where=active)
    # Industries without year-0 activity only meet cells with x0 = 0, so any finite
    # stand-in for their undefined g_i gives NS = IM = 0 there and leaves RS = x1.
    g_i_cells = np.where(active, g_i, 0.0)

    change = x1 - x0
    national = x0 * g
    industry_mix = x0 * (g_i_cells - g)
    competitive = change - national - industry_mix
    parts = {"change": change, "national": national, "industry_mix": industry_mix, "competitive": competitive}
    if homothetic:
        expected = x0.sum(axis=1, keepdims=True) * (r0 / total0)
        # RS / x0 = g_ri - g_i where x0 > 0; new cells get 0 here and all of RS in allocation.
        parts["homothetic_competitive"] = np.divide(expected * competitive, x0, out=np.zeros_like(x0), where=x0 > 0)
        parts["allocation"] = competitive - parts["homothetic_competitive"]

    by_region = pd.DataFrame(
        {"base": x0.sum(axis=1)} | {name: part.sum(axis=1) for name, part in parts.items()},
        index=rows if rows is not None else pd.RangeIndex(x0.shape[0]),
    )
    labelled = {name: _labelled(part, rows, cols) for name, part in parts.items()}
    return ShiftShareResult(
        national_growth=g,
        industry_growth=relabel(g_i, cols, "industry_growth"),
        by_region=by_region,
        **labelled,
    )


def _reference_totals(
    reference: Sequence[Any], x0: np.ndarray, cols: pd.Index | None, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate the reference economy's industry totals of years 0 and 1 against the matrix columns."""
    if isinstance(reference, str | bytes) or not isinstance(reference, Sequence) or len(reference) != 2:
        raise InvalidParameterError(
            f"The 'reference' parameter of {func} must be a pair (year-0 totals, year-1 totals) "
            f"of industry vectors. Got {type(reference).__name__} instead."
        )
    totals = []
    for year, vector in enumerate(reference):
        if isinstance(vector, pd.Series) and cols is not None:
            missing = cols.difference(vector.index)
            if len(missing):
                raise InvalidParameterError(
                    f"The 'reference' parameter of {func} must cover every industry. "
                    f"Got no year-{year} total for {missing[:5].tolist()!r} instead."
                )
            vector = vector.reindex(cols)
        values = np.asarray(vector, dtype=float)
        if values.shape != (x0.shape[1],) or not np.all(np.isfinite(values)) or np.any(values < 0):
            raise InvalidParameterError(
                f"The 'reference' parameter of {func} must hold {x0.shape[1]} finite non-negative "
                f"year-{year} industry totals. Got shape {values.shape} with min {values.min(initial=0)!r} instead."
            )
        totals.append(values)
    orphan = (totals[0] == 0) & (x0.sum(axis=0) > 0)
    if np.any(orphan):
        where = np.flatnonzero(orphan)[:5]
        shown = cols[where].tolist() if cols is not None else where.tolist()
        raise InvalidParameterError(
            f"The 'reference' parameter of {func} must have year-0 activity wherever a region has some. "
            f"Got a zero total for industries {shown!r} instead."
        )
    return totals[0], totals[1]
