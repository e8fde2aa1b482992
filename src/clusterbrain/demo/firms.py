"""Synthetic firms, their chain nodes and their yearly panel, built one chunk at a time.

Money is in 万元 (10,000 CNY). All measures scale with the firm's employees (a Lomax draw,
so the size distribution is heavy-tailed) through node-specific intensities: revenue per
employee, R&D intensity, energy per unit of revenue, land per employee. The ``firms`` row is
the firm in the last data year; ``firm_years`` back-casts it with a firm-specific growth rate,
so the last panel year equals the ``firms`` row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from clusterbrain.demo._arrow import arrow_schema, table_from_columns
from clusterbrain.demo._firmcore import FOCUS, FOREIGN, FirmCore
from clusterbrain.demo._names import TAGS, firm_ids, firm_names, scopes, tag_strings
from clusterbrain.demo.chains import FOREIGN_COUNTRIES, layout
from clusterbrain.demo.geography import Geography
from clusterbrain.demo.industry import DIVISIONS, SCHEME

__all__ = ["FIRM_NODE_SCHEMA", "FirmTotals", "firm_chunk", "firm_schema", "firm_years_schema"]

_MEASURES = (
    "employees", "revenue", "rd_expense", "patents", "invention_patents", "exports", "land_mu", "tax",
    "energy_tce", "value_added", "electricity_kwh", "emissions",
)  # fmt: skip
_FIRM_COLUMNS = (
    "firm_id", "name", "region_id", "scheme", "industry_code", "founded", *_MEASURES, "lat", "lon", "tags",
    "country", "business_scope",
)  # fmt: skip
_KWH_PER_TCE = 8_137.0  # calorific equivalent of 1 tce in kWh
_ABOVE_SCALE = 2_000.0  # 规模以上: main-business revenue of at least 20 million CNY (万元)

FIRM_NODE_SCHEMA = pa.schema([("firm_id", pa.string()), ("chain_id", pa.string()), ("node_id", pa.string())])
"""Schema of ``firm_nodes.parquet`` (the demo's ground truth of each firm's chain node)."""


def firm_schema() -> pa.Schema:
    """Arrow schema of the demo's ``firms.parquet``."""
    return arrow_schema("firms", _FIRM_COLUMNS)


def firm_years_schema() -> pa.Schema:
    """Arrow schema of the demo's ``firm_years.parquet``."""
    return arrow_schema("firm_years", ("firm_id", "year", *_MEASURES))


@dataclass
class FirmTotals:
    """Sums over focus-province firms in the last data year (baselines of the KPI targets)."""

    firms: int = 0
    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_MEASURES, 0.0))
    tags: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TAGS, 0))

    def add(self, values: dict[str, np.ndarray], tag_codes: np.ndarray) -> None:
        """Add the rows of one chunk (already restricted to focus-province firms)."""
        self.firms += len(tag_codes)
        for name in _MEASURES:
            self.sums[name] += float(values[name].sum())
        for bit, tag in enumerate(TAGS):
            self.tags[tag] += int(((tag_codes >> bit) & 1).sum())


def _lognormal(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    return np.exp(rng.normal(-0.5 * sigma**2, sigma, n))


def _measures(
    rng: np.random.Generator, node: np.ndarray, emp: np.ndarray, va_ratio: np.ndarray
) -> dict[str, np.ndarray]:
    n = len(node)
    node_params = layout().params
    # Labour productivity rises with size (small workshops sell less per head), within bounds.
    size_effect = np.clip((emp / 100.0) ** 0.15, 0.6, 1.3)
    revenue = emp * node_params("productivity")[node] * size_effect * _lognormal(rng, 0.45, n)
    rd_rate = node_params("rd")[node] * _lognormal(rng, 0.6, n)
    rd_rate = np.where(rng.random(n) < 0.1 + 0.35 * (emp < 20), 0.0, rd_rate)
    rd = revenue * rd_rate
    patents = rng.poisson(0.8 * (rd / 100.0) ** 0.75 * rng.gamma(1.0, 1.0, n)).astype(np.float64)
    invention = rng.binomial(patents.astype(np.int64), np.where(node_params("rd")[node] >= 0.1, 0.55, 0.25))
    exports = revenue * np.where(rng.random(n) < 0.45, 0.0, rng.beta(0.8, 3.0, n))
    energy = revenue * node_params("energy")[node] * _lognormal(rng, 0.4, n)
    return {
        "employees": emp,
        "revenue": revenue,
        "rd_expense": rd,
        "patents": patents,
        "invention_patents": invention.astype(np.float64),
        "exports": exports,
        "land_mu": np.maximum(0.1, emp * node_params("land")[node] * _lognormal(rng, 0.5, n)),
        "tax": revenue * 0.045 * _lognormal(rng, 0.5, n),
        "energy_tce": energy,
        "value_added": revenue * va_ratio * _lognormal(rng, 0.15, n),
        "electricity_kwh": energy * _KWH_PER_TCE * rng.beta(4.0, 3.0, n),
        "emissions": energy * 0.8 * _lognormal(rng, 0.6, n),
    }


def _tags(rng: np.random.Generator, values: dict[str, np.ndarray], category: np.ndarray) -> np.ndarray:
    """Tag bit codes: 规上 by the revenue threshold, the others with plausible frequencies."""
    n = len(category)
    domestic = category != FOREIGN
    revenue, emp = values["revenue"], values["employees"]
    rd_rate = np.divide(values["rd_expense"], revenue, out=np.zeros(n), where=revenue > 0)
    above = domestic & (revenue >= _ABOVE_SCALE)  # a Chinese statistical category
    high_tech = domestic & (rd_rate >= 0.03) & (rng.random(n) < 0.55)
    specialised = domestic & (emp >= 10) & (emp <= 1000) & (rd_rate >= 0.03) & (rng.random(n) < 0.22)
    giant = specialised & (revenue >= 10_000) & (rng.random(n) < 0.35)
    listed = (revenue >= 200_000) & (rng.random(n) < 0.5) | (revenue >= 20_000) & (rng.random(n) < 0.01)
    bits = (above, high_tech, specialised, giant, listed)
    return sum((b.astype(np.int64) << k for k, b in enumerate(bits)), start=np.zeros(n, dtype=np.int64))


def _round(values: dict[str, np.ndarray]) -> None:
    for name in ("employees", "patents", "invention_patents"):
        values[name] = np.round(values[name])
    for name in ("revenue", "rd_expense", "exports", "land_mu", "tax", "energy_tce", "value_added", "emissions"):
        values[name] = np.round(values[name], 1)
    values["electricity_kwh"] = np.round(values["electricity_kwh"])


def firm_chunk(
    core: FirmCore, geo: Geography, start: int, stop: int, years: tuple[int, ...], rng: np.random.Generator
) -> tuple[pa.Table, pa.Table, pa.Table, FirmTotals]:
    """Materialise firms ``start:stop``.

    Returns
    -------
    firms, firm_nodes, firm_years : pyarrow.Table
        The rows of the three files for this chunk; ``firm_years`` covers the focus-province
        firms in every year from their founding on.
    totals : FirmTotals
        Last-year sums over this chunk's focus-province firms.
    """
    idx = np.arange(start, stop)
    node = core.node[idx].astype(np.int64)
    cat = core.category[idx]
    county = core.county[idx]
    country = core.country[idx].astype(np.int64)
    emp = core.employees[idx].astype(np.float64)
    n = len(idx)

    # Industry: the node's GB/T 4754 class; the value-added ratio is its division's.
    chains = layout()
    div_codes = [d[0] for d in DIVISIONS]
    division = np.array([div_codes.index(x.division) for x in chains.nodes])[node]
    va_ratio = np.array([d[5] for d in DIVISIONS])[division]

    values = _measures(rng, node, emp, va_ratio)
    _round(values)
    tag_codes = _tags(rng, values, cat)
    ids = firm_ids(county, idx, geo.county_ids)
    domestic = county >= 0
    safe = np.where(domestic, county, 0)
    jitter = rng.normal(0.0, 0.04, (2, n))
    lat = np.where(domestic, np.round(geo.county_lat[safe] + jitter[0], 5), np.nan)
    lon = np.where(domestic, np.round(geo.county_lon[safe] + jitter[1], 5), np.nan)
    region = np.where(domestic, geo.county_ids[safe], None)
    countries = np.array(["CN", *FOREIGN_COUNTRIES], dtype=object)[country]
    firms = table_from_columns(
        "firms",
        {
            "firm_id": ids,
            "name": firm_names(rng, node, emp, country),
            "region_id": region,
            "scheme": np.full(n, SCHEME, dtype=object),
            "industry_code": chains.column("industry_code")[node],
            "founded": core.founded[idx].astype(np.int32),
            **values,
            "lat": pa.array(lat, pa.float64(), from_pandas=True),
            "lon": pa.array(lon, pa.float64(), from_pandas=True),
            "tags": tag_strings(tag_codes),
            "country": countries,
            "business_scope": scopes(rng, node),
        },
    )
    node_ids, chain_ids = chains.column("node_id"), chains.column("chain_id")
    firm_nodes = pa.table([ids, pa.array(chain_ids[node]), pa.array(node_ids[node])], schema=FIRM_NODE_SCHEMA)

    local = cat == FOCUS
    totals = FirmTotals()
    totals.add({k: v[local] for k, v in values.items()}, tag_codes[local])
    panel = _panel(rng, node[local], core.founded[idx][local], {k: v[local] for k, v in values.items()}, years)
    panel_ids = ids.filter(pa.array(local)).take(pa.array(panel.pop("_row")))
    firm_years = table_from_columns("firm_years", {"firm_id": panel_ids, **panel})
    return firms, firm_nodes, firm_years, totals


def _panel(
    rng: np.random.Generator,
    node: np.ndarray,
    founded: np.ndarray,
    last: dict[str, np.ndarray],
    years: tuple[int, ...],
) -> dict[str, np.ndarray]:
    """Back-cast the last-year values over ``years`` (firm-major rows, years ascending)."""
    n, n_y = len(node), len(years)
    growth = layout().params("growth")[node] + rng.normal(0.0, 0.12, n)
    lag = years[-1] - np.array(years, dtype=np.float64)
    noise = rng.normal(0.0, 0.05, (n, n_y)) * (lag > 0)
    f_rev = np.exp(-growth[:, None] * lag[None, :] + noise)
    f_emp = np.exp(-0.6 * growth[:, None] * lag[None, :] + 0.5 * noise)
    f_pat = np.exp(-0.15 * lag)[None, :]
    alive = founded[:, None] <= np.array(years)[None, :]
    row, col = np.nonzero(alive)
    out: dict[str, np.ndarray] = {"_row": row, "year": np.array(years, dtype=np.int32)[col]}
    for name, values in last.items():
        if name == "employees":
            scaled = np.maximum(1.0, np.round(values[row] * f_emp[row, col]))
        elif name in ("patents", "invention_patents"):
            scaled = np.floor(values[row] * f_pat[0, col])
        elif name == "land_mu":
            scaled = values[row]
        elif name == "electricity_kwh":
            scaled = np.round(values[row] * f_rev[row, col])
        else:
            scaled = np.round(values[row] * f_rev[row, col], 1)
        out[name] = np.where(col == n_y - 1, values[row], scaled)
    out["invention_patents"] = np.minimum(out["invention_patents"], out["patents"])
    return out
