r"""Synthetic county x industry statistics with a latent capability structure.

Presence of industry :math:`i` in county :math:`r` follows

.. math::

    P(x_{ri} > 0) = \sigma\big(2 (c_r - q_i) - 1 + 0.8\, a_{p(r) i}\big),

where :math:`c_r` is the county's latent capability (from :mod:`.geography`), :math:`q_i` the
industry's complexity, :math:`a_{pi}` a province x industry affinity and :math:`\sigma` the
logistic function. Capable counties therefore host both simple and complex industries and weak
counties only simple ones (a nested matrix), which is what economic-complexity methods find.
Employment of a present cell is lognormal around the county's population times the industry's
national size; the focus province carries planted specialisations; each industry grows at its
own trend over the years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clusterbrain.demo._arrow import table_from_columns
from clusterbrain.demo.geography import Geography

__all__ = ["DIVISIONS", "SCHEME", "SPECIALISATIONS", "StatsResult", "location_quotients", "make_stats"]

SCHEME = "gbt4754_2017"

# code, complexity q, national size weight, annual growth, output per worker (万元),
# value-added ratio, mean establishment size. Codes checked against the GB/T 4754-2017
# division list (大类).
# fmt: off
DIVISIONS: tuple[tuple[str, float, float, float, float, float, float], ...] = (
    ("01", -1.6, 4.0, 0.01, 12, 0.60, 6), ("03", -1.4, 1.5, 0.02, 18, 0.50, 8),
    ("06", -0.8, 3.0, -0.03, 120, 0.40, 300), ("08", -0.6, 0.5, 0.00, 150, 0.35, 120),
    ("09", -0.4, 0.5, 0.03, 160, 0.35, 120), ("10", -1.0, 0.5, 0.00, 90, 0.35, 40),
    ("13", -0.9, 3.0, 0.02, 220, 0.20, 60), ("14", -0.6, 2.0, 0.03, 150, 0.25, 60),
    ("15", -0.5, 1.5, 0.02, 160, 0.30, 60), ("17", -0.7, 4.0, -0.03, 110, 0.22, 70),
    ("18", -0.9, 4.0, -0.04, 60, 0.25, 90), ("19", -0.9, 2.5, -0.03, 60, 0.25, 90),
    ("20", -1.0, 1.2, -0.01, 90, 0.25, 40), ("21", -0.6, 1.5, 0.00, 80, 0.25, 60),
    ("22", -0.4, 1.2, 0.00, 150, 0.22, 70), ("23", -0.5, 1.0, -0.01, 80, 0.28, 40),
    ("24", -0.5, 1.8, 0.01, 80, 0.25, 70), ("25", 0.0, 0.8, 0.01, 600, 0.15, 200),
    ("26", 0.3, 4.0, 0.03, 250, 0.22, 80), ("27", 0.9, 2.3, 0.05, 180, 0.35, 120),
    ("28", 0.2, 0.6, 0.02, 300, 0.18, 150), ("29", -0.1, 3.5, 0.02, 110, 0.22, 60),
    ("30", -0.5, 5.0, -0.01, 110, 0.25, 60), ("31", -0.1, 3.0, -0.01, 350, 0.18, 400),
    ("32", 0.1, 2.0, 0.02, 400, 0.15, 150), ("33", -0.2, 4.0, 0.02, 100, 0.23, 50),
    ("34", 0.5, 5.0, 0.03, 120, 0.25, 70), ("35", 0.7, 4.0, 0.05, 120, 0.27, 70),
    ("36", 0.8, 5.0, 0.06, 220, 0.22, 250), ("37", 1.0, 1.8, 0.04, 160, 0.25, 250),
    ("38", 0.8, 5.5, 0.08, 160, 0.22, 90), ("39", 1.2, 8.0, 0.07, 150, 0.20, 200),
    ("40", 1.3, 1.2, 0.05, 110, 0.30, 60), ("41", -0.4, 0.4, 0.00, 70, 0.25, 40),
    ("42", -0.3, 0.4, 0.06, 250, 0.18, 40), ("43", -0.2, 0.2, 0.02, 90, 0.30, 30),
    ("44", -0.3, 2.5, 0.03, 300, 0.30, 150), ("45", -0.2, 0.5, 0.04, 250, 0.25, 80),
    ("46", -0.6, 0.6, 0.02, 60, 0.40, 60), ("47", -0.9, 10.0, -0.02, 70, 0.25, 150),
    ("48", -0.7, 6.0, 0.01, 90, 0.25, 150), ("50", -0.8, 3.0, 0.00, 60, 0.30, 40),
    ("51", -0.2, 8.0, 0.03, 300, 0.10, 20), ("52", -1.2, 7.0, 0.01, 80, 0.20, 10),
    ("54", -0.9, 4.0, 0.02, 60, 0.40, 30), ("58", 0.0, 1.0, 0.04, 120, 0.30, 25),
    ("59", -0.5, 1.0, 0.03, 80, 0.35, 30), ("61", -1.1, 2.0, 0.00, 30, 0.45, 30),
    ("62", -1.3, 4.0, 0.02, 25, 0.40, 15), ("63", 0.5, 1.0, 0.03, 200, 0.50, 150),
    ("64", 1.4, 1.2, 0.08, 150, 0.45, 40), ("65", 1.5, 3.0, 0.10, 90, 0.50, 40),
    ("66", 0.6, 3.0, 0.02, 120, 0.65, 60), ("67", 1.2, 0.4, 0.03, 200, 0.60, 40),
    ("70", -0.3, 5.0, -0.03, 150, 0.45, 40), ("72", 0.2, 5.0, 0.04, 60, 0.45, 20),
    ("73", 1.6, 0.8, 0.07, 60, 0.50, 30), ("74", 0.9, 2.0, 0.05, 50, 0.50, 25),
    ("75", 0.8, 0.6, 0.05, 50, 0.50, 15), ("77", -0.2, 0.3, 0.04, 50, 0.45, 30),
    ("80", -1.2, 1.5, 0.02, 20, 0.50, 8), ("87", 0.7, 0.3, 0.03, 80, 0.45, 30),
)
# fmt: on

SPECIALISATIONS: dict[str, tuple[tuple[int, ...], float]] = {
    "38": ((0, 1, 2), 7.0),
    "39": ((0, 3), 7.0),
    "17": ((4, 5), 9.0),
}
"""Planted specialisations of the focus province: division -> (focus cities hosting the
cluster, by index in the province, and the employment boost there; the rest of the province
gets a third of the boost)."""


_TARGET_LQ = 2.2  # the planted specialisations reach at least this LQ in the last year


@dataclass(frozen=True)
class StatsResult:
    """The ``stats`` table and the last-year county x division employment matrix."""

    table: pa.Table
    codes: tuple[str, ...]
    employment: np.ndarray


def _col(k: int) -> np.ndarray:
    return np.array([d[k] for d in DIVISIONS], dtype=np.float64)


def _plant(geo: Geography, codes: tuple[str, ...]) -> np.ndarray:
    """Multiplicative employment boost of the planted specialisations, shape (n_counties, n_div)."""
    boost = np.ones((geo.n_counties, len(codes)))
    focus_cities = [i for i, c in enumerate(geo.city_ids) if c.startswith("99")]
    for code, (cities, factor) in SPECIALISATIONS.items():
        j = codes.index(code)
        hosts = np.isin(geo.county_city, [focus_cities[c] for c in cities])
        boost[geo.focus_mask, j] = max(1.0, factor / 3)
        boost[hosts, j] = factor
    return boost


def _calibrate(emp: np.ndarray, mask: np.ndarray, columns: list[int], target: float = _TARGET_LQ) -> None:
    """Scale the focus cells of each planted column until its location quotient reaches ``target``."""
    for _ in range(8):
        lq = location_quotients(emp, mask)
        for j in columns:
            if lq[j] < target:
                emp[mask, j] *= target / lq[j]


def make_stats(geo: Geography, years: tuple[int, ...], rng: np.random.Generator) -> StatsResult:
    """Generate sparse county x division statistics for ``years``.

    Parameters
    ----------
    geo : Geography
        The synthetic regions (county capability, population, provinces).
    years : tuple of int
        Years to generate, ascending.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    StatsResult
        ``table`` has one row per (year, county, division) with positive employment
        (integer-valued ``employment`` and ``establishments``; ``output`` and
        ``value_added`` in 万元).
    """
    codes = tuple(d[0] for d in DIVISIONS)
    q, size, growth, prod, va, est = (_col(k) for k in range(1, 7))
    n_r, n_i, n_y = geo.n_counties, len(codes), len(years)
    c = geo.county_capability[:, None]
    n_prov = int(geo.county_province.max()) + 1
    affinity = rng.normal(0.0, 0.7, (n_prov, n_i))[geo.county_province]
    logit = 2.0 * (c - q[None, :]) - 1.0 + 0.8 * affinity
    present = rng.random((n_r, n_i)) < 1.0 / (1.0 + np.exp(-logit))
    boost = _plant(geo, codes)
    present |= boost > 2.0
    present[np.arange(n_r), np.argmax(logit, axis=1)] = True  # no county without any industry
    weight = size[None, :] * np.exp(0.6 * affinity + rng.normal(0.0, 0.6, (n_r, n_i)) + 0.3 * np.clip(c - q, -2, 2))
    weight = np.where(present, weight * boost, 0.0)
    total = geo.county_population * 0.32 * np.exp(0.15 * geo.county_capability)
    emp_last = weight / weight.sum(axis=1, keepdims=True) * total[:, None]
    _calibrate(emp_last, geo.focus_mask, [codes.index(k) for k in SPECIALISATIONS])

    # Back-cast from the last year with industry trends, cell deviations and a 2020 dip.
    trend = growth[None, :] + rng.normal(0.0, 0.03, (n_r, n_i))
    focus_emerging = np.isin(np.array(codes), ["38", "39"])[None, :] & geo.focus_mask[:, None]
    trend = trend + 0.05 * focus_emerging
    lag = (years[-1] - np.array(years, dtype=np.float64))[:, None, None]
    emp = emp_last[None] * np.exp(-trend[None] * lag + rng.normal(0.0, 0.03, (n_y, n_r, n_i)))
    service = np.array([int(k) >= 51 and k not in ("63", "64", "65") for k in codes])
    dip = np.array([0.95 if y == 2020 else 1.0 for y in years])[:, None, None]
    emp = np.where(service[None, None, :], emp * dip, emp * np.sqrt(dip))
    entry = np.where(rng.random((n_r, n_i)) < 0.08, rng.integers(1, max(2, n_y), (n_r, n_i)), 0)
    emp = np.where(np.arange(n_y)[:, None, None] >= entry[None], emp, 0.0)
    emp = np.round(emp)

    est_size = est[None, :] * np.exp(rng.normal(0.0, 0.35, (n_r, n_i)))
    establishments = np.maximum(1.0, np.round(emp / est_size[None]))
    labour_prod = prod[None, :] * np.exp(0.12 * c + rng.normal(0.0, 0.2, (n_r, n_i)))
    output = emp * labour_prod[None] * 1.04 ** (-lag)
    value_added = output * va[None, None, :] * np.exp(rng.normal(0.0, 0.05, (n_y, n_r, n_i)))

    yy, rr, ii = np.nonzero(emp > 0)
    table = table_from_columns(
        "stats",
        {
            "year": np.array(years, dtype=np.int32)[yy],
            "region_id": geo.county_ids[rr],
            "scheme": np.full(len(yy), SCHEME),
            "industry_code": np.array(codes)[ii],
            "employment": emp[yy, rr, ii],
            "establishments": establishments[yy, rr, ii],
            "output": np.round(output[yy, rr, ii], 1),
            "value_added": np.round(value_added[yy, rr, ii], 1),
        },
    )
    return StatsResult(table=table, codes=codes, employment=emp[-1])


def location_quotients(employment: np.ndarray, mask: np.ndarray) -> np.ndarray:
    r"""Location quotient of the regions in ``mask`` taken together, per industry.

    .. math:: LQ_i = \frac{X_{Mi} / X_{M\cdot}}{X_{\cdot i} / X_{\cdot\cdot}}
    """
    local = employment[mask].sum(axis=0)
    national = employment.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(national > 0, (local / local.sum()) / (national / national.sum()), 0.0)
