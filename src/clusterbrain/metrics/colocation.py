"""Co-location relatedness: industries are related when their employment or plants sit in the same regions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix, labels_of

__all__ = ["colocation_relatedness"]

_SHOWN = 5


def colocation_relatedness(X: Matrix, /, *, method: str = "correlation", diagonal: int = 1) -> Matrix:
    r"""Relatedness of industries from how their activity is co-located across regions.

    From an activity matrix :math:`X` (employment, establishments, output; regions :math:`r` x
    industries :math:`i`) with totals :math:`X_r`, :math:`X_i`, :math:`X` and location quotient
    :math:`\mathrm{LQ}_{ri} = (X_{ri}/X_r)/(X_i/X)`:

    ``"correlation"`` -- locational correlation, mapped onto [0, 1]:

    .. math::

        \varphi_{ij} = \tfrac12\bigl(1 + \rho_r(\mathrm{LQ}_{ri}, \mathrm{LQ}_{rj})\bigr),

    with :math:`\rho_r` Pearson's correlation across regions; 1/2 means no association.

    ``"pmi"`` -- positive normalised pointwise mutual information of co-location. Draw a
    region with probability :math:`X_r/X` and two units of activity in it; the industries of the
    two units have the joint distribution

    .. math::

        P_{ij} = \sum_r \frac{X_r}{X}\,\frac{X_{ri}}{X_r}\,\frac{X_{rj}}{X_r}, \qquad
        \frac{P_{ij}}{p_i\, p_j} = \sum_r \frac{X_r}{X}\,\mathrm{LQ}_{ri}\,\mathrm{LQ}_{rj},
        \qquad p_i = \frac{X_i}{X},

    and :math:`\varphi_{ij} = \max\bigl(0,\ \ln\frac{P_{ij}}{p_i p_j} / (-\ln P_{ij})\bigr)`
    (0 when :math:`P_{ij} = 0`): 0 for industries no more co-located than chance, growing
    with co-location and always below 1 (the two draws may also hit the same industry).

    Parameters
    ----------
    X : array-like of shape (n_regions, n_industries)
        Non-negative activity: ndarray, scipy sparse or DataFrame.
    method : {"correlation", "pmi"}, default "correlation"
        The measure above.
    diagonal : {1, 0}, default 1
        :math:`\varphi_{ii}`, as in :func:`~clusterbrain.metrics.relatedness.proximity`.

    Returns
    -------
    ndarray or DataFrame of shape (n_industries, n_industries)
        Symmetric, in [0, 1]; labelled by the columns of ``X`` when it is a DataFrame. Usable as
        ``phi`` in :func:`~clusterbrain.metrics.relatedness.density`.

    Raises
    ------
    InvalidParameterError
        If ``X`` is not a finite non-negative 2-d array, an industry has no activity at all
        (it has no location), fewer than 2 regions have activity, an option is unknown, or
        (``"correlation"``) an industry has the same location quotient in every region, which
        leaves its correlation undefined.

    Notes
    -----
    Regions without any activity carry no information on co-location and are ignored.
    ``"correlation"`` on the RCA of export values is py-ecomplexity's ``continuous=True``
    proximity (equal to it exactly). Correlating raw location quotients lets small regions with
    very high LQ weigh heavily; ``"pmi"`` weighs regions by their size instead, like the
    co-agglomeration index of Ellison, Glaeser & Kerr [3]_, to which it is closely related.

    References
    ----------
    .. [1] Delgado, M., Porter, M. E., & Stern, S. (2016). Defining clusters of related
       industries. Journal of Economic Geography, 16(1), 1-38. https://doi.org/10.1093/jeg/lbv017
    .. [2] Hidalgo, C. A., Klinger, B., Barabasi, A.-L., & Hausmann, R. (2007). The product space
       conditions the development of nations. Science, 317(5837), 482-487.
    .. [3] Ellison, G., Glaeser, E. L., & Kerr, W. R. (2010). What causes industry agglomeration?
       Evidence from coagglomeration patterns. American Economic Review, 100(3), 1195-1213.
    .. [4] Bouma, G. (2009). Normalized (pointwise) mutual information in collocation extraction.
       Proceedings of the Biennial GSCL Conference, 31-40.

    Examples
    --------
    Industries 0 and 1 are located alike, industry 2 elsewhere:

    >>> X = [[10, 20, 0], [5, 8, 1], [1, 1, 30], [4, 3, 6]]
    >>> np.round(colocation_relatedness(X), 3).tolist()
    [[1.0, 0.916, 0.038], [0.916, 1.0, 0.01], [0.038, 0.01, 1.0]]
    >>> np.round(colocation_relatedness(X, method="pmi"), 3).tolist()
    [[1.0, 0.176, 0.0], [0.176, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    func = "colocation_relatedness"
    check_option(method, "method", func, ("correlation", "pmi"))
    check_option(diagonal, "diagonal", func, (1, 0))
    values = as_matrix(X, func)
    _, cols = labels_of(X)
    dense = np.array(as_dense(values))  # a copy: rows are dropped below
    dense = dense[dense.sum(axis=1) > 0]  # regions without activity say nothing about co-location
    industry_totals = dense.sum(axis=0)
    _refuse(industry_totals == 0, cols, func, "has no activity in any region")
    if dense.shape[0] < 2:
        raise InvalidParameterError(
            f"The 'X' parameter of {func} must have activity in at least 2 regions. Got {dense.shape[0]} instead."
        )
    region_totals = dense.sum(axis=1)
    total = region_totals.sum()
    if method == "correlation":
        lq = dense / region_totals[:, np.newaxis] / (industry_totals / total)[np.newaxis, :]
        _refuse(np.ptp(lq, axis=0) == 0, cols, func, "has the same location quotient in every region")
        phi = np.clip((1.0 + np.corrcoef(lq, rowvar=False)) / 2.0, 0.0, 1.0)
    else:
        scaled = dense / np.sqrt(region_totals * total)[:, np.newaxis]
        joint = scaled.T @ scaled  # P_ij = sum_r X_ri X_rj / (X_r X)
        share = industry_totals / total
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(joint / np.outer(share, share)) / -np.log(joint)
        phi = np.where(joint > 0, np.clip(npmi, 0.0, 1.0), 0.0)
    np.fill_diagonal(phi, float(diagonal))
    return phi if cols is None else pd.DataFrame(phi, index=cols, columns=cols)


def _refuse(bad: np.ndarray, cols: pd.Index | None, func: str, what: str) -> None:
    if bad.any():
        where = np.flatnonzero(bad)
        shown = [cols[i] if cols is not None else int(i) for i in where[:_SHOWN]]
        raise InvalidParameterError(
            f"The 'X' parameter of {func} must leave the co-location of every industry defined. Got {where.size} "
            f"industry(ies) that {what}: {shown!r}."
        )
