"""Risk warnings (风险预警) of a region's supply network, read from the workspace's firms and links.

Builds the firm network (firms with their region, country and chain node; links weighted by
value), measures the region's indicators and applies the risk rules of
:mod:`clusterbrain.network.risks`. Returns one JSON-serialisable :class:`RiskReport`;
:func:`risk_findings` turns its warnings into workflow :class:`~clusterbrain.workflow.evidence.Finding` items.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain import map_firms
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.graph import firm_network
from clusterbrain.network.risks import (
    SEVERITIES,
    RegionIndicators,
    RiskThresholds,
    RiskWarning,
    region_indicators,
    risk_warnings,
)
from clusterbrain.store.frames import firm_nodes_frame, firms_frame, links_frame, region_and_descendants
from clusterbrain.workflow.chains import load_chain, templates
from clusterbrain.workflow.evidence import Evidence, Finding, plain, records

__all__ = ["RiskReport", "network_risks", "risk_findings"]

_MIN_PRODUCT_SHARE = 0.25  # a chain is read from links' products when this share of its nodes occurs there


@dataclass(frozen=True, eq=False)
class RiskReport:
    """A region's supply-network indicators and its risk warnings, most severe first."""

    region_id: str
    chain_ids: tuple[str, ...]
    year: int | None
    thresholds: RiskThresholds
    indicators: RegionIndicators
    warnings: tuple[RiskWarning, ...]
    n_links: int
    top: int = 20

    def of_kind(self, kind: str) -> tuple[RiskWarning, ...]:
        """The warnings of one kind."""
        return tuple(w for w in self.warnings if w.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: summary, warnings, and the indicator tables (firms and bridges: the top rows)."""
        ind = self.indicators
        firms = ind.firms.reset_index().sort_values(
            ["separated", "betweenness", "firm_id"], ascending=[False, False, True]
        )
        dependence = ind.dependence.to_frame()
        return {
            "region_id": self.region_id,
            "chain_ids": list(self.chain_ids),
            "year": self.year,
            "thresholds": self.thresholds.to_dict(),
            "summary": {
                "local_firms": len(ind.local),
                "links": self.n_links,
                "warnings": len(self.warnings),
                "by_kind": dict(sorted(Counter(w.kind for w in self.warnings).items())),
                "by_severity": {s: sum(w.severity == s for w in self.warnings) for s in reversed(SEVERITIES)},
                "betweenness_sampled_sources": ind.betweenness_k,
            },
            "warnings": [w.to_dict() for w in self.warnings],
            "indicators": {
                "inputs": records(ind.inputs.reset_index()),
                "nodes": records(ind.nodes.reset_index()),
                "node_inputs": records(ind.node_inputs[ind.node_inputs["sole_source"]]),
                "firms": records(firms.head(self.top)),
                "bridges": records(ind.bridges.head(self.top)),
                "region_dependence": records(dependence[dependence["region_id"] == self.region_id].head(self.top)),
            },
        }


def network_risks(
    con: duckdb.DuckDBPyConnection,
    region_id: str,
    *,
    chain_id: str | None = None,
    year: int | None = None,
    thresholds: RiskThresholds | None = None,
    top_candidates: int = 5,
    betweenness_k: int | None = 50,
) -> RiskReport:
    """Risk warnings of the supply network of ``region_id`` (with every region below it).

    Firms take their chain node from the stored mapping (``clusterbrain chain map``) of
    ``chain_id``, or of every mapped chain when ``chain_id`` is None; a chain never mapped is
    mapped on the fly (not stored). With no chain given and none mapped, the chains are those
    whose nodes make up at least a quarter of the links' ``product`` values. A firm on
    several nodes keeps its most confident one. Links are the latest year of each supply
    relation, or the rows of ``year``. Other regions are counted, in the region dependence,
    at the level of ``region_id`` (e.g. provinces for a province).

    Raises
    ------
    InvalidParameterError
        If the region or chain is unknown, the workspace has no firms or links, or an option
        is outside its domain.
    """
    func = "network_risks"
    check_scalar(top_candidates, "top_candidates", func, integer=True, low=0)
    if year is not None:
        check_scalar(year, "year", func, integer=True)
    regions = region_and_descendants(con, region_id)
    firms = firms_frame(con)
    if firms.empty:
        raise InvalidParameterError(f"{func} needs firms in the workspace; it has none (import firms and links)")
    links = _links(con, year)
    if links.empty:
        raise InvalidParameterError(f"{func} needs supply links; the workspace has none for year {year!r}")
    chain_ids = _chains(con, chain_id, links)
    chains = [load_chain(c, con) for c in chain_ids]
    nodes = _assignments(con, chain_ids, firms, links)
    firms = _attributes(con, firms, nodes)
    names = {n.id: (n.name_zh, n.name_en) for t in chains for n in t.nodes}
    net = firm_network(links, firms, nodes=set(names) | set(nodes["node_id"]))
    local = firms.loc[firms["region_id"].isin(regions), "firm_id"]
    if local.empty:
        raise InvalidParameterError(f"{func}: region {region_id!r} has no firms in the workspace")
    ind = region_indicators(
        net, local, region_id=region_id, region_of=_peer_regions(con, region_id), betweenness_k=betweenness_k
    )
    shown_year = year if year is not None else _latest(links)
    thresholds = thresholds or RiskThresholds()
    warnings = risk_warnings(
        net, ind, thresholds=thresholds, top_candidates=top_candidates, node_names=names, year=shown_year
    )
    return RiskReport(region_id, tuple(chain_ids), shown_year, thresholds, ind, warnings, len(links))


def risk_findings(report: RiskReport) -> list[Finding]:
    """The report's warnings as workflow findings (kind ``risk``; severity 0 = low … 3 = critical).

    The text is the warning and its suggested action; ``data`` holds the risk kind, where it
    is, the severity levels and the candidate firms.
    """
    return [
        Finding(
            id=w.id,
            kind="risk",
            text_zh=f"{w.what_zh}。建议：{w.action_zh}。",
            text_en=f"{w.what_en}. Suggested: {w.action_en}.",
            evidence=tuple(Evidence(**e.to_dict()) for e in w.evidence),
            severity=w.rank,
            data={
                "risk_kind": w.kind,
                "severity": w.severity,
                "where": plain(w.where),
                "levels": plain(w.levels),
                "candidates": [c.to_dict() for c in w.candidates],
            },
        )
        for w in report.warnings
    ]


def _links(con: duckdb.DuckDBPyConnection, year: int | None) -> pd.DataFrame:
    if year is None:
        return links_frame(con)
    return con.execute(
        "SELECT supplier_id, customer_id, year, value, product FROM links WHERE year = ? ORDER BY 1, 2", [year]
    ).df()


def _latest(links: pd.DataFrame) -> int | None:
    if "year" not in links or links["year"].dropna().empty:
        return None
    return int(links["year"].max())


def _chains(con: duckdb.DuckDBPyConnection, chain_id: str | None, links: pd.DataFrame) -> list[str]:
    if chain_id is not None:
        load_chain(chain_id, con)
        return [chain_id]
    mapped = [r[0] for r in con.execute("SELECT DISTINCT chain_id FROM firm_nodes ORDER BY 1").fetchall()]
    if mapped:
        return mapped
    products = set(links["product"].dropna().astype(str)) if "product" in links else set()
    return [
        cid
        for cid, t in templates(con).items()
        if len({n.id for n in t.nodes} & products) >= _MIN_PRODUCT_SHARE * len(t.nodes)
    ]


def _assignments(
    con: duckdb.DuckDBPyConnection, chain_ids: list[str], firms: pd.DataFrame, links: pd.DataFrame
) -> pd.DataFrame:
    """Firm → node (most confident over the chains), from stored mappings or mapped on the fly."""
    parts = []
    for cid in chain_ids:  # one mapping per chain
        stored = firm_nodes_frame(con, cid)
        if stored.empty:
            stored = map_firms(firms, load_chain(cid, con), links=links).assignments
        parts.append(stored[["firm_id", "node_id", "confidence"]].assign(chain_id=cid))
    if not parts:
        return pd.DataFrame(columns=["firm_id", "node_id", "confidence", "chain_id"])
    table = pd.concat(parts, ignore_index=True).dropna(subset=["node_id"])
    table = table.sort_values(["firm_id", "confidence", "chain_id"], ascending=[True, False, True])
    return table.drop_duplicates("firm_id")


def _attributes(con: duckdb.DuckDBPyConnection, firms: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """The firm table the network carries: ids, names, place, size, chain node, coordinates, region name."""
    coords = con.execute("SELECT firm_id, lat, lon FROM firms").df()
    names = con.execute("SELECT region_id, name AS region_name FROM regions").df()
    out = firms[["firm_id", "name", "region_id", "country", "employees", "revenue"]]
    out = out.merge(nodes[["firm_id", "node_id", "chain_id"]], on="firm_id", how="left")
    out = out.merge(coords, on="firm_id", how="left").merge(names, on="region_id", how="left")
    return out


def _peer_regions(con: duckdb.DuckDBPyConnection, region_id: str) -> dict[str, str]:
    """Each region mapped to its ancestor at the level of ``region_id`` (itself when none)."""
    regions = con.execute("SELECT region_id, parent_id, level FROM regions").df()
    level = regions.set_index("region_id")["level"]
    parent = regions.set_index("region_id")["parent_id"]
    target = level.get(region_id)
    current = pd.Series(regions["region_id"].to_numpy(), index=regions["region_id"].to_numpy(), dtype=object)
    found = current.where(current.map(level) == target)
    for _ in range(8):  # administrative trees are at most a few levels deep; one vectorised step per level
        current = current.map(parent)
        hit = found.isna() & (current.map(level) == target)
        found[hit] = current[hit]
    found = found.dropna()
    return dict(zip(found.index.astype(str), found.astype(str), strict=True))
