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

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.metrics.cluster_strength import cluster_strength
from clusterbrain.metrics.colocation import colocation_relatedness
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
from clusterbrain.metrics.specialization import location_quotient, lq_confidence

__all__ = [
    "Tables",
    "cluster_tables",
    "complexity_tables",
    "long_to_matrix",
    "present_matrix",
    "rca_and_presence",
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


def _by_year(build: Callable[..., Tables], *longs: pd.DataFrame) -> Tables:
    """Run ``build`` on each year's matrices (one per long table) and stack the tables, ``year`` first."""
    if "year" not in longs[0]:
        return build(*(long_to_matrix(long) for long in longs))
    stacked: dict[str, list[pd.DataFrame]] = {}
    for year in sorted(longs[0]["year"].unique()):
        for name, table in build(*(long_to_matrix(long[long["year"] == year]) for long in longs)).items():
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
        check_scalar(threshold, "threshold", "specialization_tables", low=0, closed="neither")
        M = (ci.lq >= threshold).astype(int)
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

    return _by_year(build, long)


def complexity_tables(long: pd.DataFrame, *, threshold: float = 1.0) -> Tables:
    """ECI/PCI (eigenvector method) and fitness–complexity from the RCA ≥ ``threshold`` matrix."""

    def build(X: pd.DataFrame) -> Tables:
        rca, M = rca_and_presence(X, threshold)
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
        pairs = stack_pairs({"value": X.loc[M.index, M.columns], "rca": rca, "m": M})
        return {"regions": regions, "industries": industries, "pairs": pairs}

    return _by_year(build, long)


RELATEDNESS = ("proximity", "correlation", "pmi")


def relatedness_tables(long: pd.DataFrame, *, threshold: float = 1.0, relatedness: str = "proximity") -> Tables:
    """Relatedness of industries, relatedness density, complexity outlook (COI) and outlook gain (COG).

    ``relatedness`` chooses φ: ``proximity`` (co-occurrence of specialisations, Hidalgo et
    al. 2007) or co-location of the activity itself, ``correlation`` or ``pmi`` (see
    :func:`~clusterbrain.metrics.colocation_relatedness`).
    """
    check_option(relatedness, "relatedness", "relatedness_tables", RELATEDNESS)

    def build(X: pd.DataFrame) -> Tables:
        rca, M = rca_and_presence(X, threshold)
        ec = economic_complexity(M)
        if relatedness == "proximity":
            phi = proximity(M)
        else:
            phi = colocation_relatedness(X.loc[:, M.columns], method=relatedness)
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
                "rca": rca,
                "m": M,
                "density": dens,
                "cog": complexity_outlook_gain(M, phi, ec.pci, density=dens),
            }
        )
        proximity_long = phi.rename_axis(index="industry_a", columns="industry_b").stack().rename(relatedness)
        return {
            "regions": regions,
            "industries": industries,
            "pairs": pairs,
            "relatedness": proximity_long.reset_index(),
        }

    return _by_year(build, long)


def rca_and_presence(X: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RCA (computed once) and the binary M = RCA ≥ threshold, without empty rows and columns of M.

    Both are restricted to the regions and industries of M: ECI is undefined for the others.
    """
    check_scalar(threshold, "threshold", "rca_and_presence", low=0, closed="neither")
    rca = location_quotient(X)
    M = (rca >= threshold).astype(int)
    keep_rows, keep_cols = M.sum(axis=1) > 0, M.sum(axis=0) > 0
    return rca.loc[keep_rows, keep_cols], M.loc[keep_rows, keep_cols]


def present_matrix(X: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The binary matrix M without empty rows and columns (ECI is undefined for them)."""
    return rca_and_presence(X, threshold)[1]


def cluster_tables(employment: pd.DataFrame, establishments: pd.DataFrame, members: pd.DataFrame) -> Tables:
    """Cluster strength (US Cluster Mapping definition) of each region in each group of a grouping.

    ``employment`` and ``establishments`` are long tables at the detailed level; ``members``
    maps each ``code`` to its ``group``. Codes outside every group are left out, so LQs are
    relative to the grouped activity (for the traded clusters: to traded employment).

    ``pairs``: region, cluster, employment, establishments, lq, strong, strong10, significant,
    qualifying. ``clusters``: the thresholds each flag used. ``regions``: counts of strong clusters.
    """
    groups = members.set_index("code")["group"]

    def grouped(long: pd.DataFrame) -> pd.DataFrame:
        kept = long[long["industry"].isin(groups.index)]
        return kept.assign(industry=kept["industry"].map(groups))

    def build(E: pd.DataFrame, N: pd.DataFrame) -> Tables:
        N = N.reindex(index=E.index, columns=E.columns, fill_value=0.0)
        strength = cluster_strength(E, N)
        flags = {
            name: getattr(strength, name).astype(int) for name in ("strong", "strong10", "significant", "qualifying")
        }
        pairs = stack_pairs({"employment": E, "establishments": N, "lq": strength.lq, **flags})
        pairs = pairs[pairs["employment"] > 0].rename(columns={"industry": "cluster"})
        clusters = strength.thresholds().rename_axis("cluster").reset_index()
        regions = pd.DataFrame(
            {
                "region": E.index,
                "strong_clusters": flags["strong"].sum(axis=1).to_numpy(),
                "strong10_clusters": flags["strong10"].sum(axis=1).to_numpy(),
            }
        )
        return {"pairs": pairs.reset_index(drop=True), "clusters": clusters, "regions": regions}

    return _by_year(build, grouped(employment), grouped(establishments))
