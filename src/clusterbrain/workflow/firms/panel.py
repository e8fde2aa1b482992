"""The firm panel (``firm_years``): the previous years' values a criterion needs, and indicator trends."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clusterbrain.workflow.firms.fields import derive_fields

__all__ = ["indicator_trends", "latest_years"]


def latest_years(firm_years: pd.DataFrame, *, year: int | None = None) -> pd.DataFrame:
    """Per firm: the reference year and the revenue and R&D expense of the one and two years before.

    The reference year is ``year`` or, without it, each firm's last panel year. Returns
    ``firm_id, ref_year, revenue_prev, revenue_prev2, rd_expense_prev`` (NaN where a year is missing).

    >>> fy = pd.DataFrame({"firm_id": ["a"] * 3, "year": [2021, 2022, 2023],
    ...                    "revenue": [100.0, 110.0, 121.0], "rd_expense": [1.0, 2.0, 3.0]})
    >>> latest_years(fy).iloc[0].to_dict()
    {'firm_id': 'a', 'ref_year': 2023, 'revenue_prev': 110.0, 'revenue_prev2': 100.0, 'rd_expense_prev': 2.0}
    """
    cols = ["firm_id", "ref_year", "revenue_prev", "revenue_prev2", "rd_expense_prev"]
    if firm_years.empty:
        return pd.DataFrame(columns=cols)
    panel = firm_years[["firm_id", "year", "revenue", "rd_expense"]].copy()
    panel["year"] = panel["year"].astype(int)
    if year is None:
        ref = panel.groupby("firm_id", sort=False)["year"].max().rename("ref_year")
    else:
        ref = pd.Series(year, index=pd.Index(panel["firm_id"].unique(), name="firm_id"), name="ref_year")
    out = ref.reset_index()
    keyed = panel.set_index(["firm_id", "year"])
    for lag, cols_lag in ((1, ("revenue_prev", "rd_expense_prev")), (2, ("revenue_prev2", None))):
        idx = pd.MultiIndex.from_arrays([out["firm_id"], out["ref_year"] - lag])
        found = keyed.reindex(idx)
        out[cols_lag[0]] = found["revenue"].to_numpy()
        if cols_lag[1] is not None:
            out[cols_lag[1]] = found["rd_expense"].to_numpy()
    return out[cols]


def indicator_trends(firm_years: pd.DataFrame, keys: Sequence[str], *, flat: float = 0.02) -> pd.DataFrame:
    r"""Least-squares trend of each indicator over each firm's panel years.

    For firm :math:`i` and indicator :math:`k` with values :math:`y_t` in years :math:`t`,

    .. math::

        b = \frac{\sum_t (t-\bar t)(y_t-\bar y)}{\sum_t (t-\bar t)^2}, \qquad
        r = b / |\bar y|

    :math:`b` is the slope per year and :math:`r` the slope relative to the mean; the
    direction is ``rising`` when :math:`r > ` ``flat``, ``falling`` when :math:`r < -`
    ``flat``, else ``flat`` (and ``None`` with fewer than two years). Computed for all
    firms at once from grouped sums.

    Returns
    -------
    pandas.DataFrame
        Long table ``firm_id, indicator, n_years, first_year, last_year, first, last,
        slope, relative_slope, direction``.

    >>> fy = pd.DataFrame({"firm_id": ["a"] * 3, "year": [2021, 2022, 2023], "revenue": [100.0, 110.0, 120.0]})
    >>> t = indicator_trends(fy, ["revenue"]).iloc[0]
    >>> float(t["slope"]), round(float(t["relative_slope"]), 4), t["direction"]
    (10.0, 0.0909, 'rising')
    """
    panel = derive_fields(firm_years)
    frames = []
    for key in keys:
        part = panel[["firm_id", "year", key]].rename(columns={key: "y"}).dropna(subset=["y"])
        part = part.assign(t=part["year"].astype(float)).sort_values(["firm_id", "year"], kind="stable")
        g = part.groupby("firm_id", sort=True)
        n = g["y"].size()
        y_mean = g["y"].mean()
        dt_ = part["t"] - g["t"].transform("mean")
        dy = part["y"] - g["y"].transform("mean")
        sxy = (dt_ * dy).groupby(part["firm_id"], sort=True).sum()
        sxx = (dt_ * dt_).groupby(part["firm_id"], sort=True).sum()
        slope = (sxy / sxx.where(sxx > 0)).astype(float)
        rel = slope / y_mean.abs().where(y_mean.abs() > 0)
        direction = np.select([rel > flat, rel < -flat, rel.notna()], ["rising", "falling", "flat"], default="")
        direction = np.where(direction == "", np.asarray(None, dtype=object), direction)
        frames.append(
            pd.DataFrame(
                {
                    "firm_id": n.index,
                    "indicator": key,
                    "n_years": n.to_numpy(),
                    "first_year": g["year"].first().to_numpy(),
                    "last_year": g["year"].last().to_numpy(),
                    "first": g["y"].first().to_numpy(),
                    "last": g["y"].last().to_numpy(),
                    "slope": slope.to_numpy(),
                    "relative_slope": rel.to_numpy(),
                    "direction": direction,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
