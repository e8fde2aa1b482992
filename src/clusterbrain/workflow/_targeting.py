r"""Chain-based investment targeting (链式招商, 按图索骥) and cross-region innovation consortia (撮合创新).

For each missing or weak node, firms on the same node outside the region are scored by

.. math::

    S_f = \\frac{\\sum_k w_k\\, q_{kf}}{\\sum_k w_k}, \\qquad k \\in \\{\\text{size}, \\text{technology},
    \\text{links to leaders}, \\text{distance}\\},

with :math:`q` the percentile rank of revenue, of R&D intensity plus invention patents per
employee (technology), of the value of existing supply links with the region's chain leaders (链主 candidates),
and the distance score :math:`1 / (1 + d/d_0)` (great-circle km from the region). Chain-based
targeting follows the practice of mapping a leader's supply chain to the suppliers to attract
(cf. the 链式招商 of Chinese development zones); the distance decay follows the gravity
literature (Anderson & van Wincoop 2003).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._geo import haversine_km
from clusterbrain.workflow.chains import load_chain
from clusterbrain.workflow.evidence import records
from clusterbrain.workflow.planning_context import PlanningContext

__all__ = ["consortia", "investment_targets"]


def _firm_coordinates(ctx: PlanningContext, firms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Firm coordinates, falling back to the coordinates of the firm's region."""
    regions = ctx.regions.set_index("region_id")
    lat = firms["lat"] if "lat" in firms else pd.Series(np.nan, index=firms.index)
    lon = firms["lon"] if "lon" in firms else pd.Series(np.nan, index=firms.index)
    lat = lat.fillna(firms["region_id"].map(regions["lat"]))
    lon = lon.fillna(firms["region_id"].map(regions["lon"]))
    return lat.to_numpy(float), lon.to_numpy(float)


def _distance(km: Any, lang: str) -> str:
    """The distance as text, or that it is unknown (a firm without coordinates, abroad say)."""
    known = km is not None and math.isfinite(float(km))
    if lang == "zh":
        return f"距离 {float(km):,.0f} 公里" if known else "距离未知(无坐标)"
    return f"{float(km):,.0f} km away" if known else "distance unknown (no coordinates)"


def _link_value(links: pd.DataFrame, inside: set[str]) -> pd.Series:
    """Value of each outside firm's links (either direction) with the firms in ``inside``."""
    crossing = links[links["supplier_id"].isin(inside) ^ links["customer_id"].isin(inside)]
    partner = np.where(crossing["supplier_id"].isin(inside), crossing["customer_id"], crossing["supplier_id"])
    return pd.Series(crossing["value"].to_numpy(), index=partner).groupby(level=0).sum()


def investment_targets(ctx: PlanningContext, gaps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ranked candidate firms for each gap node (``{"chain_id", "node_id", "gap", ...}``), with reasons."""
    params = ctx.params["targeting"]
    weights = {k: float(v) for k, v in params["weights"].items()}
    per_node = int(ctx.params["design"]["targets_per_node"])
    firms = ctx.firms.set_index("firm_id")
    local_ids = set(ctx.local_firms["firm_id"])
    out = []
    wanted = pd.DataFrame(gaps)
    if wanted.empty:
        return []
    frames = []
    for chain_id, assignment in ctx.assignments.items():
        nodes = wanted.loc[wanted["chain_id"] == chain_id, "node_id"].unique()
        sub = assignment[assignment["node_id"].isin(nodes) & ~assignment["firm_id"].isin(local_ids)]
        frames.append(sub.assign(chain_id=chain_id))
    cand = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if cand.empty:
        return []
    info = firms.reindex(cand["firm_id"])
    cand = cand.join(
        info.reset_index(drop=True)[
            ["name", "region_id", "country", "employees", "revenue", "rd_expense", "invention_patents"]
        ]
    )
    lat_lon = ctx.firms.set_index("firm_id").reindex(cand["firm_id"]).reset_index()
    cand["lat"], cand["lon"] = _firm_coordinates(ctx, lat_lon.assign(region_id=cand["region_id"].to_numpy()))
    leaders = [s.analysis.leaders["firm_id"] for s in ctx.chains.values() if not s.analysis.leaders.empty]
    leader_ids = set(pd.concat(leaders)) if leaders else set()
    cand["links_to_leaders"] = cand["firm_id"].map(_link_value(ctx.links, leader_ids)).fillna(0.0)
    cand["links_to_region"] = cand["firm_id"].map(_link_value(ctx.links, local_ids)).fillna(0.0)
    revenue = cand["revenue"].fillna(0.0)
    cand["rd_intensity"] = (cand["rd_expense"] / revenue.where(revenue > 0)).fillna(0.0)
    cand["patents_per_employee"] = (cand["invention_patents"] / cand["employees"].where(cand["employees"] > 0)).fillna(
        0.0
    )
    lat0, lon0 = ctx.region.get("lat"), ctx.region.get("lon")
    if lat0 is not None and lon0 is not None and np.isfinite(float(lat0)):
        cand["distance_km"] = haversine_km(
            cand["lat"].to_numpy(float), cand["lon"].to_numpy(float), float(lat0), float(lon0)
        )
    else:
        cand["distance_km"] = np.nan
    group = cand.groupby(["chain_id", "node_id"])
    cand["q_size"] = group["revenue"].rank(pct=True)
    cand["q_technology"] = (group["rd_intensity"].rank(pct=True) + group["patents_per_employee"].rank(pct=True)) / 2
    cand["q_links_to_leaders"] = group["links_to_leaders"].rank(pct=True).where(cand["links_to_leaders"] > 0, 0.0)
    cand["q_distance"] = (1 / (1 + cand["distance_km"] / float(params["distance_scale_km"]))).fillna(0.5)
    total = sum(weights.values())
    cand["score"] = sum(weights[k] * cand[f"q_{k}"] for k in weights) / total
    cand = cand.sort_values(["chain_id", "node_id", "score"], ascending=[True, True, False])
    top = cand.groupby(["chain_id", "node_id"]).head(per_node)
    for key, rows in top.groupby(["chain_id", "node_id"], sort=False):
        chain_id, node_id = str(key[0]), str(key[1])
        gap = wanted[(wanted["chain_id"] == chain_id) & (wanted["node_id"] == node_id)].iloc[0]
        table = rows.assign(
            reason_zh=[
                f"营收 {r.revenue:,.0f} 万元(节点内分位 {r.q_size:.0%}),研发强度 {r.rd_intensity:.1%},"
                f"与本地链主已有供货 {r.links_to_leaders:,.0f} 万元(与本地企业合计 {r.links_to_region:,.0f} 万元),"
                + _distance(r.distance_km, "zh")
                for r in rows.itertuples()
            ],
            reason_en=[
                f"revenue {r.revenue:,.0f} (node percentile {r.q_size:.0%}), R&D intensity {r.rd_intensity:.1%}, "
                f"existing supply with the region's chain leaders {r.links_to_leaders:,.0f} (with all local firms "
                f"{r.links_to_region:,.0f}), " + _distance(r.distance_km, "en")
                for r in rows.itertuples()
            ],
        )
        out.append(
            {
                "chain_id": chain_id,
                "node_id": node_id,
                "name_zh": gap.get("name_zh"),
                "name_en": gap.get("name_en"),
                "gap": gap.get("gap"),
                "candidates_considered": int(group.size().get((chain_id, node_id), 0)),
                "weights": weights,
                "targets": records(
                    table[
                        [
                            "firm_id",
                            "name",
                            "region_id",
                            "country",
                            "revenue",
                            "employees",
                            "rd_intensity",
                            "invention_patents",
                            "links_to_leaders",
                            "links_to_region",
                            "distance_km",
                            "q_size",
                            "q_technology",
                            "q_links_to_leaders",
                            "q_distance",
                            "score",
                            "reason_zh",
                            "reason_en",
                        ]
                    ]
                ),
            }
        )
    return out


def consortia(ctx: PlanningContext) -> list[dict[str, Any]]:
    """Cross-region innovation consortia: along each template edge, a strong local firm paired with an outside partner.

    For an edge supplier node → customer node where the region is established on one side
    and weak or missing on the other, the local firm with the most R&D on the established
    side is paired with the outside firm with the most R&D on the other side; existing links
    between them are reported.
    """
    limit = int(ctx.params["design"]["consortia"])
    firms = ctx.firms.set_index("firm_id")
    local = set(ctx.local_firms["firm_id"])
    linked = set(zip(ctx.links["supplier_id"], ctx.links["customer_id"], strict=True))
    out = []
    for chain_id, mapped in ctx.assignments.items():
        status = ctx.chains[chain_id].analysis.nodes.set_index("node_id")["status"]
        assignment = mapped.assign(rd=lambda a: firms["rd_expense"].reindex(a["firm_id"]).to_numpy())
        best_local = (
            assignment[assignment["firm_id"].isin(local)].sort_values("rd", ascending=False).drop_duplicates("node_id")
        )
        best_out = (
            assignment[~assignment["firm_id"].isin(local)].sort_values("rd", ascending=False).drop_duplicates("node_id")
        )
        local_by_node = dict(zip(best_local["node_id"], best_local["firm_id"], strict=True))
        out_by_node = dict(zip(best_out["node_id"], best_out["firm_id"], strict=True))
        pairs = []
        template = load_chain(chain_id)
        names = {n.id: (n.name_zh, n.name_en) for n in template.nodes}
        for edge in template.edges:
            for here, there in ((edge.supplier, edge.customer), (edge.customer, edge.supplier)):
                if status.get(here) in ("strong", "present") and status.get(there) in (
                    "weak",
                    "missing",
                    "foreign_dependent",
                ):
                    if here in local_by_node and there in out_by_node:
                        a, b = str(local_by_node[here]), str(out_by_node[there])
                        pairs.append(
                            {
                                "chain_id": chain_id,
                                "local_node": here,
                                "partner_node": there,
                                "local_firm": a,
                                "local_name": firms.at[a, "name"],
                                "partner_firm": b,
                                "partner_name": firms.at[b, "name"],
                                "partner_region": firms.at[b, "region_id"],
                                "existing_link": (a, b) in linked or (b, a) in linked,
                                "reason_zh": (
                                    f"本地在“{names[here][0]}”环节有基础,“{names[there][0]}”环节薄弱;联合外地龙头共同攻关"
                                ),
                                "reason_en": (
                                    f"the region is established on {names[here][1]} and weak on {names[there][1]}; "
                                    "pair with an outside leader"
                                ),
                            }
                        )
        out += pairs[:limit]
    return out
