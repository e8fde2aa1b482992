"""What the planning loop reads about a region, loaded once: peers' statistics, firms, institutions, chains.

The diagnosis, the positioning and the design all look at the same data; this module reads
it from the workspace once (statistics rolled up to the region's level, the firm and link
tables, the institutions, policies and projects, and a :class:`ChainStudy` per chain) and
hands it on as one :class:`PlanningContext`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store.frames import firm_nodes_frame, firms_frame, links_frame, region_and_descendants
from clusterbrain.store.long import stats_long
from clusterbrain.store.region_frames import (
    institutions_frame,
    policies_frame,
    projects_frame,
    region_record,
    regions_at_level,
    regions_frame,
)
from clusterbrain.workflow.chain_study import ChainStudy, map_chain_firms, study_chain
from clusterbrain.workflow.chains import templates
from clusterbrain.workflow.metric_tables import long_to_matrix
from clusterbrain.workflow.planning_params import load_params

__all__ = ["PlanningContext", "for_year", "load_context", "pick_chains", "previous_year"]


@dataclass(frozen=True, eq=False)
class PlanningContext:
    """A region and everything the planning loop compares it with.

    ``employment`` and ``employment_base`` are peers × industries matrices (regions at the
    focus region's level, statistics rolled up to it) for ``year`` and ``base_year``; they
    are empty when the workspace has no statistics at that level. ``firms`` carries a
    ``local`` column (the firm is in the region or below it). ``ancestors`` maps every region
    to its ancestor at the focus region's level (itself at that level).
    """

    region: dict[str, Any]
    members: tuple[str, ...]
    scheme: str
    year: int | None
    base_year: int | None
    employment: pd.DataFrame
    employment_base: pd.DataFrame
    industry_names: dict[str, tuple[str, str]]
    regions: pd.DataFrame
    firms: pd.DataFrame
    links: pd.DataFrame
    institutions: pd.DataFrame
    policies: pd.DataFrame
    projects: pd.DataFrame
    chains: dict[str, ChainStudy]
    assignments: dict[str, pd.DataFrame]
    ancestors: pd.Series
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def region_id(self) -> str:
        """The focus region's id."""
        return str(self.region["region_id"])

    @property
    def has_stats(self) -> bool:
        """Whether statistics for the focus region's level are there."""
        return not self.employment.empty and self.region_id in self.employment.index

    @property
    def local_firms(self) -> pd.DataFrame:
        """The firms in the region or below it."""
        return self.firms[self.firms["local"]]

    def industry_name(self, code: str, lang: str = "zh") -> str:
        """The name of an industry code in ``lang`` (the code itself when unnamed)."""
        zh, en = self.industry_names.get(code, (code, code))
        return zh if lang == "zh" else en


def _peer_matrix(con: duckdb.DuckDBPyConnection, scheme: str, ancestors: pd.DataFrame, year: int) -> pd.DataFrame:
    long = stats_long(con, scheme=scheme, year=year)
    rolled = long.merge(ancestors, left_on="region", right_on="region_id")
    rolled = rolled.assign(region=rolled["ancestor_id"])[["region", "industry", "value"]]
    return long_to_matrix(rolled)


def _base_year(years: Sequence[int], year: int) -> int | None:
    """Five years before ``year``, or the first year of the statistics when they are shorter."""
    earlier = [y for y in years if y < year]
    return max([y for y in earlier if y <= year - 5] or earlier[:1]) if earlier else None


def _stats_years(con: duckdb.DuckDBPyConnection, scheme: str) -> list[int]:
    rows = con.sql(
        "SELECT DISTINCT year FROM stats WHERE scheme = $s AND employment > 0 ORDER BY year", params={"s": scheme}
    ).fetchall()
    return [int(r[0]) for r in rows]


def _industry_names(con: duckdb.DuckDBPyConnection, scheme: str) -> dict[str, tuple[str, str]]:
    rows = con.sql(
        "SELECT code, name, coalesce(name_en, name) FROM industries WHERE scheme = $s", params={"s": scheme}
    ).fetchall()
    return {str(code): (str(zh), str(en)) for code, zh, en in rows}


def pick_chains(
    con: duckdb.DuckDBPyConnection,
    firms: pd.DataFrame,
    *,
    most: int = 3,
    employment: pd.DataFrame | None = None,
    region_id: str | None = None,
    scheme: str = "gbt4754_2017",
) -> list[str]:
    """The chains worth studying for a region whose firms are ``firms`` (the local ones).

    Chains with a stored firm mapping come first; otherwise the templates whose nodes'
    industry codes (matched as prefixes, any scheme) cover at least 10 local firms and 5% of
    them, most covered first, at most ``most``. A region without firms gets the templates
    whose nodes' industries (codes of ``scheme`` as prefixes of the statistics' codes) the
    region is specialised in, by the location quotient of their summed employment (at least 1).
    """
    stored = [r[0] for r in con.sql("SELECT DISTINCT chain_id FROM firm_nodes ORDER BY 1").fetchall()]
    if stored:
        return stored[:most]
    codes = firms["industry_code"].dropna().astype(str)
    if codes.empty:
        if employment is None or region_id is None or region_id not in employment.index:
            return []
        return _specialised_chains(con, employment, region_id, scheme, most)
    covered: dict[str, int] = {}
    for chain_id, template in templates(con).items():
        prefixes = tuple({c for node in template.nodes for cs in node.codes.values() for c in cs})
        if prefixes:
            covered[chain_id] = int(codes.str.startswith(prefixes).sum())
    floor = max(10, int(0.05 * len(codes)))
    ranked = sorted((c for c, n in covered.items() if n >= floor), key=lambda c: -covered[c])
    return ranked[:most]


def _specialised_chains(
    con: duckdb.DuckDBPyConnection, employment: pd.DataFrame, region_id: str, scheme: str, most: int
) -> list[str]:
    industries = employment.columns.astype(str)
    mine = employment.loc[region_id].to_numpy(dtype=float)
    total = employment.to_numpy(dtype=float).sum(axis=0)
    lq: dict[str, float] = {}
    for chain_id, template in templates(con).items():
        node_codes = {c for node in template.nodes for c in node.codes.get(scheme, ())}
        covered = np.array([any(c.startswith(i) or i.startswith(c) for c in node_codes) for i in industries])
        if covered.any() and mine.sum() > 0 and total[covered].sum() > 0:
            lq[chain_id] = (mine[covered].sum() / mine.sum()) / (total[covered].sum() / total.sum())
    ranked = sorted((c for c, q in lq.items() if q >= 1), key=lambda c: -lq[c])
    return ranked[:most]


def _mapping(con: duckdb.DuckDBPyConnection, chain_id: str) -> pd.DataFrame:
    """The stored firm-to-node mapping of a chain, or one made now (not stored)."""
    stored = firm_nodes_frame(con, chain_id)
    return stored if not stored.empty else map_chain_firms(con, chain_id, save=False).assignments


def load_context(
    con: duckdb.DuckDBPyConnection,
    region_id: str,
    *,
    chains: Sequence[str] | None = None,
    year: int | None = None,
    scheme: str = "gbt4754_2017",
    params: dict[str, Any] | None = None,
) -> PlanningContext:
    """Read what the planning loop needs about ``region_id`` from the workspace.

    ``year`` defaults to the latest statistics year; the base year for growth is five years
    earlier, or the first year of the statistics when they are shorter.

    Raises
    ------
    InvalidParameterError
        For an unknown region, chain or year.
    """
    region = region_record(con, region_id)
    members = tuple(region_and_descendants(con, region_id))
    years = _stats_years(con, scheme)
    if year is not None and years and year not in years:
        raise InvalidParameterError(f"no statistics for year {year}; the workspace has {years[0]}-{years[-1]}")
    year = year if year is not None else (years[-1] if years else None)
    base_year = _base_year(years, year) if year is not None else None
    ancestors = regions_at_level(con, str(region["level"]))
    empty = pd.DataFrame()
    employment = _peer_matrix(con, scheme, ancestors, year) if year is not None else empty
    employment_base = _peer_matrix(con, scheme, ancestors, base_year) if base_year is not None else empty
    raw_firms, links = firms_frame(con), links_frame(con)
    firms = raw_firms.assign(local=raw_firms["region_id"].isin(members).to_numpy(dtype=bool))
    known = templates(con)
    chosen = (
        list(chains)
        if chains
        else pick_chains(con, firms[firms["local"]], employment=employment, region_id=region_id, scheme=scheme)
    )
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise InvalidParameterError(f"unknown chain {unknown[0]!r}; known: {', '.join(sorted(known))}")
    mappings = {c: _mapping(con, c) for c in chosen} if not raw_firms.empty else {}
    studies = {
        c: study_chain(con, c, region_id, firms=raw_firms, links=links, assignments=mappings.get(c)) for c in chosen
    }
    assignments = {c: m[["firm_id", "node_id"]].drop_duplicates("firm_id") for c, m in mappings.items()}
    land = con.sql("SELECT firm_id, land_mu, tax, patents, invention_patents, energy_tce FROM firms").df()
    firms = firms.merge(land, on="firm_id", how="left")
    return PlanningContext(
        region=region,
        members=members,
        scheme=scheme,
        year=year,
        base_year=base_year,
        employment=employment,
        employment_base=employment_base,
        industry_names=_industry_names(con, scheme),
        regions=regions_frame(con),
        firms=firms,
        links=links,
        ancestors=ancestors.set_index("region_id")["ancestor_id"],
        institutions=institutions_frame(con),
        policies=policies_frame(con),
        projects=projects_frame(con),
        chains=studies,
        assignments=assignments,
        params=params if params is not None else load_params(),
    )


def for_year(con: duckdb.DuckDBPyConnection, ctx: PlanningContext, year: int) -> PlanningContext:
    """The same context with the statistics of ``year`` (firms, links and chains unchanged)."""
    base = _base_year(_stats_years(con, ctx.scheme), year)
    ancestors = ctx.ancestors.rename("ancestor_id").rename_axis("region_id").reset_index()
    return replace(
        ctx,
        year=year,
        base_year=base,
        employment=_peer_matrix(con, ctx.scheme, ancestors, year),
        employment_base=_peer_matrix(con, ctx.scheme, ancestors, base) if base is not None else pd.DataFrame(),
    )


def previous_year(con: duckdb.DuckDBPyConnection, ctx: PlanningContext) -> int | None:
    """The statistics year before the context's year, if any."""
    earlier = [y for y in _stats_years(con, ctx.scheme) if ctx.year is not None and y < ctx.year]
    return earlier[-1] if earlier else None


def share(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is not positive."""
    return float(numerator / denominator) if denominator > 0 else None


def percentile_of(values: pd.Series | np.ndarray, value: float) -> float:
    """The share of ``values`` at or below ``value`` (the empirical CDF; 0..1)."""
    array = np.asarray(values, dtype=float)
    array = array[np.isfinite(array)]
    return float((array <= value).mean()) if array.size else float("nan")
