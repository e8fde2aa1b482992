"""Trend of a KPI series, its projection to a target year, and the on/off-track status of a target."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["STATUSES", "Trend", "attainment", "fit_trend", "progress", "status_of"]

STATUSES = ("on_track", "at_risk", "off_track", "no_target", "no_data")
"""Status of a KPI against its target, from best to unknown."""

_EPS = 1e-9


@dataclass(frozen=True)
class Trend:
    """A fitted trend, anchored at the latest observed value.

    ``method`` is ``"compound"`` (log-linear least squares; ``rate`` is the annual growth
    rate), ``"linear"`` (least-squares line; ``slope`` per year) or ``"flat"`` (one
    observation: the value is assumed to stay).
    """

    method: str
    anchor_year: int
    anchor_value: float
    rate: float | None = None
    slope: float | None = None
    n_years: int = 1

    def at(self, year: int) -> float:
        r"""The projected value in ``year``.

        .. math::

            \hat y_T = y_{t_0} (1 + r)^{T - t_0} \ \text{(compound)},\qquad
            \hat y_T = y_{t_0} + b\,(T - t_0) \ \text{(linear)}
        """
        gap = year - self.anchor_year
        if self.method == "compound" and self.rate is not None:
            return float(self.anchor_value * (1.0 + self.rate) ** gap)
        if self.method == "linear" and self.slope is not None:
            return float(self.anchor_value + self.slope * gap)
        return float(self.anchor_value)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "method": self.method,
            "anchor_year": self.anchor_year,
            "anchor_value": self.anchor_value,
            "rate": self.rate,
            "slope": self.slope,
            "n_years": self.n_years,
        }


def fit_trend(years: np.ndarray, values: np.ndarray, *, method: str = "compound") -> Trend | None:
    r"""Fit a trend to a yearly series (NaN values are skipped); None when there is no value.

    ``compound`` fits :math:`\ln y_t = a + b t` by least squares over the positive values
    and reports the least-squares growth rate :math:`r = e^{b} - 1` [1]_; it falls back to
    ``linear`` when fewer than two values are positive or the latest value is not. ``linear``
    fits :math:`y_t = a + b t`. Either is anchored at the latest observed value
    :math:`y_{t_0}`, so the projection starts from what was measured, not from the fitted line.

    References
    ----------
    .. [1] World Bank, *World Development Indicators*, "Statistical methods: least-squares
       growth rate" (datahelpdesk.worldbank.org).

    Examples
    --------
    >>> t = fit_trend(np.array([2021, 2022, 2023]), np.array([100.0, 110.0, 121.0]))
    >>> t.method, round(t.rate, 6), round(t.at(2025), 4)
    ('compound', 0.1, 146.41)
    >>> fit_trend(np.array([2021, 2023]), np.array([2.0, 3.0]), method="linear").at(2025)
    4.0
    """
    keep = ~np.isnan(values)
    x, y = np.asarray(years, dtype=float)[keep], np.asarray(values, dtype=float)[keep]
    if len(x) == 0:
        return None
    anchor_year, anchor_value = int(x[-1]), float(y[-1])
    if len(x) == 1:
        return Trend("flat", anchor_year, anchor_value)
    positive = y > 0
    if method == "compound" and positive.sum() >= 2 and anchor_value > 0:
        slope = _slope(x[positive], np.log(y[positive]))
        return Trend("compound", anchor_year, anchor_value, rate=math.expm1(slope), n_years=int(positive.sum()))
    return Trend("linear", anchor_year, anchor_value, slope=_slope(x, y), n_years=len(x))


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope, on centred years so that years near 2000 lose no precision."""
    dx = x - x.mean()
    return float(dx @ (y - y.mean()) / (dx @ dx))


def progress(actual: float | None, baseline: float | None, target: float) -> float | None:
    """Share of the way from baseline to target covered: :math:`(y - y_0) / (y^* - y_0)`.

    None when the actual or the baseline is unknown, or the target equals the baseline.

    >>> progress(110.0, 100.0, 150.0)
    0.2
    """
    if actual is None or baseline is None or target == baseline:
        return None
    return (actual - baseline) / (target - baseline)


def attainment(projected: float, target: float, *, higher_is_better: bool) -> float:
    r"""How much of the target the projection reaches: :math:`\hat y / y^*` (:math:`y^* / \hat y` when lower is better).

    A non-positive denominator counts as fully reached (1.0) when the projection is on the
    right side of the target, else as not at all (0.0).

    >>> attainment(90.0, 100.0, higher_is_better=True), attainment(0.08, 0.1, higher_is_better=False)
    (0.9, 1.25)
    """
    num, den = (projected, target) if higher_is_better else (target, projected)
    if den <= 0:
        reached = projected >= target if higher_is_better else projected <= target
        return 1.0 if reached else 0.0
    return num / den


def status_of(ratio: float | None, *, on_track: float, at_risk: float) -> str:
    """``on_track`` if ``ratio >= on_track``, ``at_risk`` if ``ratio >= at_risk``, else ``off_track``.

    >>> [status_of(r, on_track=1.0, at_risk=0.9) for r in (1.0, 0.95, 0.9, 0.89)]
    ['on_track', 'at_risk', 'at_risk', 'off_track']
    """
    if ratio is None:
        return "no_data"
    # A hair of tolerance so that a projection landing exactly on a threshold is not lost to rounding.
    if ratio >= on_track - _EPS:
        return "on_track"
    return "at_risk" if ratio >= at_risk - _EPS else "off_track"
