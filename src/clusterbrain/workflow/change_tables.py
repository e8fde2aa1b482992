"""Tables that need more than one year: growth opportunities with national growth, and dynamics.

``dynamics`` compares each pair of consecutive years present in the input: entry and exit
of specialisations, the shift-share decomposition of the change, and a backtest of how well
the base year's relatedness density ranked the industries each region went on to enter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.metrics.backtest import backtest_opportunities
from clusterbrain.metrics.complexity import economic_complexity
from clusterbrain.metrics.dynamics import specialization_changes
from clusterbrain.metrics.opportunities import growth_opportunities
from clusterbrain.metrics.relatedness import density, proximity
from clusterbrain.metrics.shift_share import shift_share
from clusterbrain.metrics.specialization import presence
from clusterbrain.workflow.metric_tables import Tables, long_to_matrix, present_matrix, stack_pairs

__all__ = ["dynamics_tables", "national_growth", "opportunities_tables"]


def national_growth(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    r"""Log growth of each industry's national total between two years, with +1 smoothing.

    .. math:: g_i = \ln\frac{x^1_i + 1}{x^0_i + 1}

    The smoothing keeps an industry that is new (or gone) finite instead of infinite; for
    totals in the hundreds and above it is the ordinary log growth rate.
    """
    industries = after.columns.union(before.columns)
    x0 = before.sum(axis=0).reindex(industries, fill_value=0.0)
    x1 = after.sum(axis=0).reindex(industries, fill_value=0.0)
    return pd.Series(np.log((x1 + 1.0) / (x0 + 1.0)), index=industries, name="growth")


def _years(long: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in long["year"].unique()) if "year" in long else []


def opportunities_tables(
    long: pd.DataFrame, *, threshold: float = 1.0, top: int | None = None, weights: dict[str, float] | None = None
) -> Tables:
    """Growth opportunities of each region in the last year of the input.

    Feasibility is relatedness density; attractiveness is PCI and, when the input has an
    earlier year, the national growth of the industry since the year before (see
    :func:`national_growth`). Every component and its percentile is a column of
    ``opportunities``.
    """
    years = _years(long)
    last = long[long["year"] == years[-1]] if years else long
    X = long_to_matrix(last)
    M = present_matrix(X, threshold)
    ec = economic_complexity(M)
    dens = density(M, proximity(M))
    growth = None
    if len(years) >= 2:
        growth = national_growth(long_to_matrix(long[long["year"] == years[-2]]), X).reindex(M.columns)
    table = growth_opportunities(M, dens, pci=ec.pci, growth=growth, weights=weights, top=top)
    if years:
        table.insert(0, "year", years[-1])
    return {"opportunities": table}


def dynamics_tables(long: pd.DataFrame, *, threshold: float = 1.0, k: int = 10) -> Tables:
    """Entry/exit, shift-share and the density backtest for each pair of consecutive years.

    Raises
    ------
    InvalidParameterError
        If the input has fewer than two years.
    """
    years = _years(long)
    if len(years) < 2:
        raise InvalidParameterError("dynamics need a 'year' column with at least two years in the input")
    out: dict[str, list[pd.DataFrame]] = {}
    for y0, y1 in zip(years[:-1], years[1:], strict=True):
        X0, X1 = long_to_matrix(long[long["year"] == y0]), long_to_matrix(long[long["year"] == y1])
        regions, industries = X0.index.union(X1.index), X0.columns.union(X1.columns)
        X0, X1 = (x.reindex(index=regions, columns=industries, fill_value=0.0) for x in (X0, X1))
        M0, M1 = presence(X0, threshold=threshold).astype(int), presence(X1, threshold=threshold).astype(int)
        changes = specialization_changes(M0, M1)
        moved = stack_pairs({"entered": changes.entered.astype(int), "exited": changes.exited.astype(int)})
        shares = shift_share(X0, X1)
        parts = {
            "changes": moved[(moved["entered"] == 1) | (moved["exited"] == 1)],
            "shift_share": stack_pairs(
                {
                    "value0": X0,
                    "value1": X1,
                    "change": shares.change,
                    "national": shares.national,
                    "industry_mix": shares.industry_mix,
                    "competitive": shares.competitive,
                }
            ),
            "shift_share_regions": shares.by_region.rename_axis("region").reset_index(),
        }
        active = present_matrix(X0, threshold)
        score = density(active, proximity(active)).reindex(index=regions, columns=industries, fill_value=0.0)
        test = backtest_opportunities(score, M0, M1, k=k)
        parts["backtest"] = test.by_region.rename_axis("region").reset_index()
        parts["backtest_summary"] = pd.DataFrame(
            [
                {
                    "auc": test.auc,
                    "mean_auc": test.mean_auc,
                    "precision_at_k": test.precision_at_k,
                    "base_rate": test.base_rate,
                    "lift": test.lift,
                    "k": test.k,
                    "n_candidates": test.n_candidates,
                    "n_entries": test.n_entries,
                }
            ]
        )
        for name, table in parts.items():
            out.setdefault(name, []).append(table.assign(year0=y0, year1=y1)[["year0", "year1", *table.columns]])
    return {name: pd.concat(tables, ignore_index=True) for name, tables in out.items()}
