"""Metric result tables from a long table: ``regions``, ``industries`` and ``pairs`` (one result per year).

The column names are a contract (DESIGN.md, "Interfaces"): ``regions`` has region,
diversity, eci; ``industries`` has industry, ubiquity, pci; ``pairs`` has region, industry,
value, rca, m, density (and cog where computed); a ``year`` column comes first when the input
has years. Labels are written exactly as they appear in the input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from clusterbrain.metrics.complexity import economic_complexity
from clusterbrain.metrics.concentration import (
    herfindahl_index,
    hoover_index,
    krugman_index,
    locational_gini,
    theil_entropy,
)
from clusterbrain.metrics.fitness import fitness_complexity
from clusterbrain.metrics.relatedness import complexity_outlook, complexity_outlook_gain, density, proximity
from clusterbrain.metrics.specialization import location_quotient, lq_confidence, presence

__all__ = [
    "Tables",
    "complexity_tables",
    "long_to_matrix",
    "present_matrix",
    "relatedness_tables",
    "specialization_tables",
    "stack_pairs",
]

Tables = dict[str, pd.DataFrame]


def long_to_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """Pivot ``region, industry, value`` rows to a regions × industries matrix (absent cells 0).

    Rows and columns are sorted by label, so results do not depend on the input's row order.
    Regions and industries without any activity are left out: their shares are undefined.
    """
    values = frame.assign(value=frame["value"].astype(float))
    matrix = values.pivot_table(index="region", columns="industry", values="value", aggfunc="sum", fill_value=0.0)
    matrix = matrix.loc[matrix.sum(axis=1) > 0, matrix.sum(axis=0) > 0].sort_index().sort_index(axis=1)
    matrix.index.name, matrix.columns.name = "region", "industry"
    return matrix.astype(float)


def stack_pairs(matrices: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack same-shaped matrices into one long table, one row per region × industry."""
    first = next(iter(matrices.values()))
    regions = np.repeat(first.index.to_numpy(), first.shape[1])
    industries = np.tile(first.columns.to_numpy(), first.shape[0])
    columns = {"region": regions, "industry": industries}
    columns.update({name: m.to_numpy().reshape(-1) for name, m in matrices.items()})
    return pd.DataFrame(columns)


def _by_year(long: pd.DataFrame, build: Callable[[pd.DataFrame], Tables]) -> Tables:
    """Run ``build`` on each year's matrix and stack the tables, ``year`` first."""
    if "year" not in long:
        return build(long_to_matrix(long))
    stacked: dict[str, list[pd.DataFrame]] = {}
    for year, part in long.groupby("year", sort=True):
        for name, table in build(long_to_matrix(part)).items():
            stacked.setdefault(name, []).append(table.assign(year=year)[["year", *table.columns]])
    return {name: pd.concat(parts, ignore_index=True) for name, parts in stacked.items()}


def specialization_tables(
    long: pd.DataFrame, *, threshold: float = 1.0, min_count: float = 10.0, level: float = 0.95
) -> Tables:
    """LQ/RCA with confidence intervals and flags per pair; specialization and concentration indices.

    ``regions``: diversity, Krugman index, Herfindahl index and Theil entropy of the region's
    industry mix. ``industries``: ubiquity, Hoover index, locational Gini, Herfindahl index
    across regions. ``pairs``: value, rca, m, lq_lower, lq_upper, small_count, unreliable.
    """

    def build(X: pd.DataFrame) -> Tables:
        ci = lq_confidence(X, level=level, min_count=min_count)
        M = presence(X, threshold=threshold).astype(int)
        regions = pd.DataFrame(
            {
                "region": X.index,
                "diversity": M.sum(axis=1).to_numpy(),
                "krugman": np.asarray(krugman_index(X)),
                "hhi": np.asarray(herfindahl_index(X, over="industries")),
                "theil_entropy": np.asarray(theil_entropy(X)),
            }
        )
        industries = pd.DataFrame(
            {
                "industry": X.columns,
                "ubiquity": M.sum(axis=0).to_numpy(),
                "hoover": np.asarray(hoover_index(X)),
                "locational_gini": np.asarray(locational_gini(X)),
                "hhi": np.asarray(herfindahl_index(X, over="regions")),
            }
        )
        pairs = stack_pairs(
            {
                "value": X,
                "rca": ci.lq,
                "m": M,
                "lq_lower": ci.lower,
                "lq_upper": ci.upper,
                "small_count": ci.small_count,
                "unreliable": ci.unreliable,
            }
        )
        return {"regions": regions, "industries": industries, "pairs": pairs}

    return _by_year(long, build)


def complexity_tables(long: pd.DataFrame, *, threshold: float = 1.0) -> Tables:
    """ECI/PCI (eigenvector method) and fitness–complexity from the RCA ≥ ``threshold`` matrix."""

    def build(X: pd.DataFrame) -> Tables:
        M = present_matrix(X, threshold)
        ec = economic_complexity(M)
        fc = fitness_complexity(M)
        regions = pd.DataFrame(
            {
                "region": M.index,
                "diversity": np.asarray(ec.diversity),
                "eci": np.asarray(ec.eci),
                "fitness": np.asarray(fc.fitness),
            }
        )
        industries = pd.DataFrame(
            {
                "industry": M.columns,
                "ubiquity": np.asarray(ec.ubiquity),
                "pci": np.asarray(ec.pci),
                "complexity_fc": np.asarray(fc.complexity),
            }
        )
        pairs = stack_pairs(
            {"value": X.loc[M.index, M.columns], "rca": location_quotient(X).loc[M.index, M.columns], "m": M}
        )
        return {"regions": regions, "industries": industries, "pairs": pairs}

    return _by_year(long, build)


def relatedness_tables(long: pd.DataFrame, *, threshold: float = 1.0) -> Tables:
    """Proximity, relatedness density, complexity outlook (COI) and outlook gain (COG)."""

    def build(X: pd.DataFrame) -> Tables:
        M = present_matrix(X, threshold)
        ec = economic_complexity(M)
        phi = proximity(M)
        dens = density(M, phi)
        regions = pd.DataFrame(
            {
                "region": M.index,
                "diversity": np.asarray(ec.diversity),
                "eci": np.asarray(ec.eci),
                "coi": np.asarray(complexity_outlook(M, phi, ec.pci, density=dens)),
            }
        )
        industries = pd.DataFrame(
            {"industry": M.columns, "ubiquity": np.asarray(ec.ubiquity), "pci": np.asarray(ec.pci)}
        )
        pairs = stack_pairs(
            {
                "value": X.loc[M.index, M.columns],
                "rca": location_quotient(X).loc[M.index, M.columns],
                "m": M,
                "density": dens,
                "cog": complexity_outlook_gain(M, phi, ec.pci, density=dens),
            }
        )
        proximity_long = phi.rename_axis(index="industry_a", columns="industry_b").stack().rename("proximity")
        return {"regions": regions, "industries": industries, "pairs": pairs, "proximity": proximity_long.reset_index()}

    return _by_year(long, build)


def present_matrix(X: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The binary matrix M without empty rows and columns (ECI is undefined for them)."""
    M = presence(X, threshold=threshold).astype(int)
    return M.loc[M.sum(axis=1) > 0, M.sum(axis=0) > 0]
