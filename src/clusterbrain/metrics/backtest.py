"""Backtest of an opportunity ranking: how well a year-0 score predicts the specialisations entered by year 1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from clusterbrain._validation import check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics._matrix import Matrix, as_dense, as_matrix
from clusterbrain.metrics.dynamics import _check_binary, _check_unique_labels

__all__ = ["BacktestResult", "backtest_opportunities"]


# eq=False: by_region is a DataFrame, whose == is elementwise, so a generated __eq__ would raise.
@dataclass(frozen=True, eq=False)
class BacktestResult:
    """How well a year-0 score ranked the industries each region entered by year 1.

    Attributes
    ----------
    auc : float
        ROC AUC over all candidate cells pooled (regions compared with each other too).
    mean_auc : float
        Mean of the per-region AUCs over the regions where it is defined (at least one
        entry and one candidate not entered); NaN only if no region has both.
    precision_at_k : float
        Mean over regions with candidates of the share of entered industries among the
        region's top ``k`` candidates.
    base_rate : float
        Expected ``precision_at_k`` of a random ranking: the mean over the same regions of
        ``n_entries / n_candidates``.
    lift : float
        ``precision_at_k / base_rate``; 1 for a ranking no better than chance.
    k : int
        Length of the shortlist per region.
    n_candidates, n_entries : int
        Cells not specialised in year 0, and those of them specialised in year 1.
    by_region : DataFrame
        One row per region (its label, or 0 … n-1 for arrays): ``n_candidates``,
        ``n_entries``, ``base_rate``, ``auc`` and ``precision_at_k``. ``auc`` is NaN for a
        region with no entry or no candidate left out, ``base_rate`` and
        ``precision_at_k`` are NaN for a region with no candidate: the quantities are
        undefined there.
    """

    auc: float
    mean_auc: float
    precision_at_k: float
    base_rate: float
    lift: float
    k: int
    n_candidates: int
    n_entries: int
    by_region: pd.DataFrame


def backtest_opportunities(score0: Matrix, M0: Matrix, M1: Matrix, /, *, k: int = 10) -> BacktestResult:
    r"""Score a year-0 opportunity ranking against the specialisations entered by year 1.

    The candidates of region :math:`r` are the industries it was not specialised in,
    :math:`C_r = \{i : M^0_{ri} = 0\}`; the entries are those it became specialised in,
    :math:`E_r = \{i \in C_r : M^1_{ri} = 1\}`. A higher score means a more promising
    industry (e.g. relatedness density or an opportunity score).

    *ROC AUC* in the Mann–Whitney form, with the ranks :math:`\rho` of the scores among
    the candidates (ties get their average rank, which counts a tie as half a success):

    .. math::

        \mathrm{AUC} = \frac{\sum_{i \in E} \rho_i - |E|\,(|E| + 1)/2}{|E|\,(|C| - |E|)},

    computed once over all candidate cells pooled (``auc``) and within each region
    (``by_region.auc``, averaged in ``mean_auc``). *Precision at k* of region :math:`r` is
    the share of entries among its :math:`k_r = \min(k, |C_r|)` best-scored candidates;
    candidates tied with the :math:`k_r`-th score share the remaining places, each counted
    with the probability that a random order of the tie selects it:

    .. math::

        P@k_r = \frac{|E \cap A_r| + (k_r - |A_r|)\,|E \cap T_r| / |T_r|}{k_r},

    with :math:`A_r` the candidates scored above the :math:`k_r`-th score and :math:`T_r`
    those equal to it. A random ranking has expected :math:`P@k_r = |E_r| / |C_r|`, hence
    ``base_rate`` and ``lift``.

    Parameters
    ----------
    score0 : array-like of shape (n_regions, n_industries)
        The ranking made with year-0 data; any finite real numbers, higher is better.
    M0, M1 : array-like of shape (n_regions, n_industries)
        Binary (0/1 or bool) specialisation matrices of year 0 and year 1. DataFrames must
        carry the same region and industry labels as ``score0`` (in any order); arrays
        must have its shape.
    k : int, default 10
        Length of the shortlist per region for the precision.

    Returns
    -------
    BacktestResult
        Pooled and per-region AUC, precision at k, base rate, lift and the counts.

    Raises
    ------
    InvalidParameterError
        If the shapes or labels differ, a matrix holds NaN, ``M0`` or ``M1`` is not binary,
        ``k`` is not a positive integer, or the AUC is undefined: no candidate, no entry,
        or every candidate entered.

    Notes
    -----
    The pooled AUC also rewards a score that ranks fast-diversifying regions above slow
    ones; ``mean_auc`` only asks whether, within a region, the industries it entered were
    ranked above those it did not. Precision at k averages over all regions with
    candidates, including regions that entered nothing (precision 0), because a planner
    using the shortlist does not know in advance which regions will diversify.

    References
    ----------
    .. [1] Hanley, J. A. and McNeil, B. J. (1982). The meaning and use of the area under
       a receiver operating characteristic (ROC) curve. *Radiology* 143(1), 29–36.
    .. [2] Hidalgo, C. A., Klinger, B., Barabási, A.-L. and Hausmann, R. (2007). The
       product space conditions the development of nations. *Science* 317, 482–487.
    .. [3] Hausmann, R., Stock, D. P. and Yıldırım, M. A. (2022). Implied comparative
       advantage. *Research Policy* 51(8), 104143.

    Examples
    --------
    >>> import numpy as np
    >>> score0 = np.array([[0.9, 0.8, 0.1, 0.5], [0.2, 0.7, 0.6, 0.4]])
    >>> M0 = np.array([[1, 0, 0, 0], [0, 0, 0, 1]])
    >>> M1 = np.array([[1, 1, 0, 0], [0, 1, 0, 1]])
    >>> result = backtest_opportunities(score0, M0, M1, k=1)
    >>> result.auc, result.precision_at_k, result.lift
    (1.0, 1.0, 3.0)
    """
    func = "backtest_opportunities"
    check_scalar(k, "k", func, integer=True, low=1)
    k = int(k)
    score = as_dense(as_matrix(score0, func, name="score0", nonnegative=False))
    m0, m1 = (_conformed(M, score0, score.shape, func, name) for M, name in ((M0, "M0"), (M1, "M1")))
    b0 = _check_binary(m0, func, name="M0")
    b1 = _check_binary(m1, func, name="M1")
    candidates = ~b0
    entries = candidates & b1
    n_cand = candidates.sum(axis=1)
    n_pos = entries.sum(axis=1)
    n_candidates, n_entries = int(n_cand.sum()), int(n_pos.sum())
    if n_entries == 0 or n_entries == n_candidates:
        raise InvalidParameterError(
            f"The 'M1' parameter of {func} must show some but not all candidates (cells with M0 = 0) "
            f"entered, or the AUC is undefined. Got {n_entries} entries among {n_candidates} candidates instead."
        )

    auc = _mann_whitney_auc(rankdata(score[candidates]), entries[candidates])
    # Non-candidates ranked as +inf stay above every candidate, so each row's candidate
    # ranks (ties averaged among candidates only) are the ranks within the candidates.
    ranks = rankdata(np.where(candidates, score, np.inf), axis=1)
    pairs = n_pos * (n_cand - n_pos)
    u = np.where(entries, ranks, 0.0).sum(axis=1) - n_pos * (n_pos + 1) / 2
    region_auc = np.divide(u, pairs, out=np.full(u.shape, np.nan), where=pairs > 0)

    precision = _precision_at_k(score, candidates, entries, n_cand, k)
    has_cand = n_cand > 0
    region_base = np.divide(n_pos, n_cand, out=np.full(n_cand.shape, np.nan), where=has_cand)
    base_rate = float(region_base[has_cand].mean())
    precision_mean = float(precision[has_cand].mean())
    defined = pairs > 0
    rows = score0.index if isinstance(score0, pd.DataFrame) else pd.RangeIndex(score.shape[0])
    by_region = pd.DataFrame(
        {
            "n_candidates": n_cand,
            "n_entries": n_pos,
            "base_rate": region_base,
            "auc": region_auc,
            "precision_at_k": precision,
        },
        index=rows,
    )
    return BacktestResult(
        auc=auc,
        mean_auc=float(region_auc[defined].mean()) if defined.any() else float("nan"),
        precision_at_k=precision_mean,
        base_rate=base_rate,
        lift=precision_mean / base_rate,
        k=k,
        n_candidates=n_candidates,
        n_entries=n_entries,
        by_region=by_region,
    )


def _mann_whitney_auc(ranks: np.ndarray, positive: np.ndarray) -> float:
    """AUC from the ranks of all scores and a mask of the positives (both 1-d, at least one of each)."""
    n_pos = int(positive.sum())
    n_neg = positive.size - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _precision_at_k(
    score: np.ndarray, candidates: np.ndarray, entries: np.ndarray, n_cand: np.ndarray, k: int
) -> np.ndarray:
    """Tie-averaged precision at ``min(k, n_candidates)`` per region; NaN for a region without candidates."""
    k_r = np.minimum(k, n_cand)
    has_cand = k_r > 0
    # Descending candidate scores per row; non-candidates sort last as -inf.
    ordered = -np.sort(np.where(candidates, -score, np.inf), axis=1)
    cutoff = ordered[np.arange(score.shape[0]), np.maximum(k_r - 1, 0)][:, None]
    above = candidates & (score > cutoff)
    tied = candidates & (score == cutoff)
    n_above, n_tied = above.sum(axis=1), tied.sum(axis=1)
    hits = (entries & above).sum(axis=1) + np.divide(
        (k_r - n_above) * (entries & tied).sum(axis=1), n_tied, out=np.zeros(k_r.shape), where=n_tied > 0
    )
    return np.divide(hits, k_r, out=np.full(k_r.shape, np.nan), where=has_cand)


def _conformed(M: Matrix, score0: Matrix, shape: tuple[int, ...], func: str, name: str) -> np.ndarray:
    """Dense values of ``M`` in the row and column order of ``score0``; raise on other labels or shapes."""
    values = as_dense(as_matrix(M, func, name=name))
    if isinstance(M, pd.DataFrame) and isinstance(score0, pd.DataFrame):
        _check_unique_labels(M, func, name=name)
        _check_unique_labels(score0, func, name="score0")
        for axis, mine, theirs in (("region", M.index, score0.index), ("industry", M.columns, score0.columns)):
            differ = mine.symmetric_difference(theirs)
            if len(differ):
                raise InvalidParameterError(
                    f"The '{name}' parameter of {func} must have the {axis} labels of 'score0'. "
                    f"Got {differ[:5].tolist()!r} in only one of them instead."
                )
        frame = pd.DataFrame(values, index=M.index, columns=M.columns)
        return frame.reindex(index=score0.index, columns=score0.columns).to_numpy(dtype=float)
    if values.shape != shape:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must have the shape of 'score0' {shape}. Got shape {values.shape} instead."
        )
    return values
