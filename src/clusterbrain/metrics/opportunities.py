"""Growth opportunities: for each region, the industries it is not yet specialised in, by feasibility and attractiveness."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._binary import as_binary, as_industry_vector, as_like_m
from clusterbrain.metrics._matrix import Matrix, labels_of

__all__ = ["growth_opportunities"]

_COMPONENTS = ("density", "pci", "growth", "wage")


def growth_opportunities(
    M: Matrix,
    density: Matrix,
    /,
    *,
    pci: object,
    growth: object | None = None,
    wage: object | None = None,
    weights: Mapping[str, float] | None = None,
    feasibility_scope: str = "region",
    top: int | None = None,
) -> pd.DataFrame:
    r"""Rank, for each region, the industries it is not specialised in by feasibility and attractiveness.

    The candidates of region :math:`r` are the industries with :math:`M_{ri} = 0`. Each
    component is turned into a percentile rank :math:`\pi \in (0, 1]` (the average rank among
    the values compared, divided by their number; ties share the mean rank):

    * *feasibility* -- relatedness density :math:`\omega_{ri}`, ranked among the candidates of
      the same region (``feasibility_scope="region"``) or among all candidate cells of all
      regions (``"national"``);
    * *attractiveness* -- ``pci``, ``growth`` (national growth of the industry) and ``wage``
      (wage or value added per worker), each ranked across all industries.

    The score is the weighted mean of the percentiles,

    .. math::

        s_{ri} = \frac{w_\omega\, \pi^\omega_{ri} + w_\mathrm{pci}\, \pi^\mathrm{pci}_i
                 + w_g\, \pi^g_i + w_w\, \pi^w_i}{w_\omega + w_\mathrm{pci} + w_g + w_w} \in (0, 1],

    and candidates are ranked by it within their region (1 = best).

    Parameters
    ----------
    M : array-like of shape (n_regions, n_industries)
        Binary (0/1) specialisation matrix: ndarray, scipy sparse or DataFrame.
    density : array-like of shape (n_regions, n_industries)
        Relatedness density, e.g. :func:`~clusterbrain.metrics.relatedness.density`; aligned to
        ``M`` by label when both are DataFrames.
    pci : array-like of shape (n_industries,)
        Industry complexity, e.g. ``economic_complexity(M).pci``; a Series is aligned by label.
    growth, wage : array-like of shape (n_industries,), optional
        National growth of each industry and its wage (or value added) per worker.
    weights : mapping of {"density", "pci", "growth", "wage"} to float, optional
        Non-negative, not all zero; a component left out weighs 0. By default density weighs
        1/2 and the attractiveness components given share the other 1/2 equally.
    feasibility_scope : {"region", "national"}, default "region"
        Where density is ranked, see above.
    top : int, optional
        Keep only the ``top`` best candidates of each region (ties at the cut broken by
        density, then by industry order).

    Returns
    -------
    DataFrame
        One row per candidate cell, regions in the order of ``M`` and candidates by rank, with
        columns ``region``, ``industry`` (labels of ``M``, or positions for arrays), the raw
        ``density``, ``pci`` and, when given, ``growth`` and ``wage``; their percentiles
        ``feasibility``, ``pci_pct``, ``growth_pct``, ``wage_pct``; ``attractiveness`` (the
        weighted mean of the attractiveness percentiles, the plain mean if their weights are
        all 0); ``score``; and ``rank`` within the region (ties share the best rank).

    Raises
    ------
    InvalidParameterError
        If ``M`` is not binary; ``density`` does not match ``M`` or is not finite; a vector is not
        one finite value per industry; a weight is unknown, negative, not finite, given to a
        component without data, or all weights are 0; or an option is out of range.

    Notes
    -----
    Percentiles put the components on one scale, so that a weight means what it says, and keep
    an outlier (a tiny industry growing 400 %) from dominating the score. Ranking density within
    the region shows every region its own best options; ranking it nationally lets regions with
    little related capability lean on attractiveness.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT
       Press. (Strategic bets: distance and opportunity gain.)
    .. [2] Harvard Growth Lab (2022). Metroverse: an urban economy navigator, "Growth
       opportunities" (feasibility and attractiveness). https://metroverse.cid.harvard.edu

    Examples
    --------
    >>> M = [[1, 0, 0], [0, 1, 1]]
    >>> dens = [[1.0, 0.6, 0.2], [0.3, 1.0, 1.0]]
    >>> table = growth_opportunities(M, dens, pci=[-1.0, 0.0, 2.0])
    >>> table[["region", "industry", "feasibility", "pci_pct", "score", "rank"]]
       region  industry  feasibility   pci_pct     score  rank
    0       0         1          1.0  0.666667  0.833333     1
    1       0         2          0.5  1.000000  0.750000     2
    2       1         0          1.0  0.333333  0.666667     1
    """
    func = "growth_opportunities"
    check_option(feasibility_scope, "feasibility_scope", func, ("region", "national"))
    if top is not None:
        check_scalar(top, "top", func, integer=True, low=1)
    Ms = as_binary(M, func)
    n_regions, n_industries = Ms.shape
    dens = as_like_m(density, M, Ms.shape, func, name="density")
    raw = {"pci": as_industry_vector(pci, "pci", func, M, n_industries)}
    for name, values in (("growth", growth), ("wage", wage)):
        if values is not None:
            raw[name] = as_industry_vector(values, name, func, M, n_industries)
    w = _weights(weights, set(raw), func)

    candidate = Ms.toarray() == 0
    n_candidates = candidate.sum(axis=1)
    # Wide (regions x industries) throughout; non-candidates are +inf in every ranking, which
    # puts them after all candidates without changing the candidates' ranks among themselves.
    if feasibility_scope == "region":
        feasibility = rankdata(np.where(candidate, dens, np.inf), axis=1) / np.maximum(n_candidates, 1)[:, None]
    else:
        feasibility = rankdata(np.where(candidate, dens, np.inf)).reshape(dens.shape) / max(candidate.sum(), 1)
    pct = {name: rankdata(values) / n_industries for name, values in raw.items()}
    attractive = list(raw)
    a_weights = np.array([w.get(name, 0.0) for name in attractive])
    a_stack = np.stack([pct[name] for name in attractive])  # (components, industries)
    a_total = a_weights.sum()
    attractiveness = a_weights @ a_stack / a_total if a_total > 0 else a_stack.mean(axis=0)
    score = (w.get("density", 0.0) * feasibility + (a_weights @ a_stack)[np.newaxis, :]) / sum(w.values())

    # Within each region: score (descending), then density (descending), then industry order
    # (lexsort is stable); a candidate's rank is 1 + the position of the first equal score.
    negative_score = np.where(candidate, -score, np.inf)
    order = np.lexsort((np.where(candidate, -dens, np.inf), negative_score), axis=-1)
    ordered = np.take_along_axis(negative_score, order, axis=-1)
    positions = np.broadcast_to(np.arange(1, n_industries + 1), ordered.shape)
    starts = np.concatenate([np.ones((n_regions, 1), dtype=bool), ordered[:, 1:] != ordered[:, :-1]], axis=1)
    rank = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    keep = n_candidates if top is None else np.minimum(n_candidates, int(top))
    taken = positions <= keep[:, np.newaxis]
    rr = np.nonzero(taken)[0]
    ii = order[taken]

    rows, cols = labels_of(M)
    region_labels = rows if rows is not None else pd.RangeIndex(n_regions)
    industry_labels = cols if cols is not None else pd.RangeIndex(n_industries)
    return pd.DataFrame(
        {
            "region": region_labels[rr],
            "industry": industry_labels[ii],
            "density": dens[rr, ii],
            **{name: values[ii] for name, values in raw.items()},
            "feasibility": feasibility[rr, ii],
            **{f"{name}_pct": pct[name][ii] for name in attractive},
            "attractiveness": attractiveness[ii],
            "score": score[rr, ii],
            "rank": rank[taken].astype(np.int64),
        },
        copy=False,  # every column is a fresh array already
    )


def _weights(weights: Mapping[str, float] | None, given: set[str], func: str) -> dict[str, float]:
    """Validated weights of the components; the defaults split 1/2 : 1/2 between density and attractiveness."""
    if weights is None:
        share = 0.5 / len(given)
        return {"density": 0.5, **{name: share for name in sorted(given)}}
    result = {}
    for name, value in weights.items():
        check_option(name, "weights", func, _COMPONENTS)
        check_scalar(value, f"weights[{name!r}]", func, low=0)
        if value > 0 and name not in given and name != "density":
            raise InvalidParameterError(
                f"The 'weights' parameter of {func} gives {name!r} the weight {value!r}, but no '{name}' "
                "values were passed. Pass them or leave the weight out."
            )
        result[name] = float(value)
    if not sum(result.values()) > 0:
        raise InvalidParameterError(
            f"The 'weights' parameter of {func} must have at least one positive weight. Got {dict(weights)!r} instead."
        )
    return result
