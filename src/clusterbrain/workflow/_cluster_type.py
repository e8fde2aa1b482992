r"""Agglomeration (集聚) or cluster (集群): eight dimensions, one measurable proxy each, a score and a verdict.

The eight dimensions are those on which industrial agglomeration and industrial clusters
are usually contrasted (definition, core feature, relations between actors, formation
mechanism, core advantage, resilience, impact on the regional economy, reputation): see
Porter (1998) "Clusters and the new economics of competition", Harvard Business Review
76(6); and Gordon & McCann (2000) "Industrial clusters: complexes, agglomeration and/or
social networks?", Urban Studies 37(3). Each dimension gets one proxy computed from the
workspace, scaled linearly between an agglomeration anchor :math:`a` and a cluster anchor
:math:`c`:

.. math::

    s_d = \\min\\bigl(1, \\max\\bigl(0, (x_d - a_d) / (c_d - a_d)\\bigr)\\bigr),

and the verdict follows the mean score of the dimensions with data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.workflow.evidence import Evidence, Finding, plain
from clusterbrain.workflow.planning_context import PlanningContext, share

__all__ = ["DIMENSIONS", "ClusterType", "classify_cluster", "cluster_indicators"]

DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "essence": ("定义本质", "Definition", "local_linkage_rate"),
    "core_feature": ("核心特征", "Core feature", "chain_completeness"),
    "relations": ("主体关系", "Relations between actors", "division_of_labour"),
    "formation": ("形成机制", "Formation mechanism", "intermediary_breadth"),
    "advantage": ("核心优势", "Core advantage", "local_supporting_rate"),
    "resilience": ("抗风险能力", "Resilience", "substitutable_node_share"),
    "impact": ("对区域经济的影响", "Impact on the regional economy", "rd_intensity_ratio"),
    "brand": ("区域品牌", "Reputation", "chain_location_ratio"),
}
"""Dimension id -> (name zh, name en, proxy metric)."""

VERDICTS = {
    "cluster": ("集群", "cluster"),
    "transition": ("过渡", "transition"),
    "agglomeration": ("集聚", "agglomeration"),
}


@dataclass(frozen=True)
class ClusterType:
    """Scores per dimension (None: no data), their mean and the verdict."""

    indicators: dict[str, float | None]
    scores: dict[str, float | None]
    mean_score: float | None
    verdict: str
    anchors: dict[str, tuple[float, float]]
    thresholds: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, one record per dimension."""
        return {
            "verdict": self.verdict,
            "verdict_zh": VERDICTS[self.verdict][0] if self.verdict in VERDICTS else "无数据",
            "mean_score": plain(self.mean_score),
            "thresholds": self.thresholds,
            "dimensions": [
                {
                    "dimension": d,
                    "name_zh": zh,
                    "name_en": en,
                    "metric": metric,
                    "value": plain(self.indicators.get(d)),
                    "score": plain(self.scores.get(d)),
                    "agglomeration_anchor": self.anchors[d][0],
                    "cluster_anchor": self.anchors[d][1],
                }
                for d, (zh, en, metric) in DIMENSIONS.items()
            ],
        }

    def finding(self, source: str, year: int | None) -> Finding:
        """The verdict as a finding, each dimension's proxy as evidence."""
        zh, en = VERDICTS.get(self.verdict, ("无数据", "no data"))
        mean = "n/a" if self.mean_score is None else f"{self.mean_score:.2f}"
        return Finding(
            id="cluster_type",
            kind="classification",
            text_zh=f"集聚—集群判别:{zh}(八维平均得分 {mean})",
            text_en=f"Agglomeration or cluster: {en} (mean score of eight dimensions {mean})",
            evidence=tuple(
                Evidence(
                    DIMENSIONS[d][2], self.indicators.get(d), threshold=list(self.anchors[d]), source=source, year=year
                )
                for d in DIMENSIONS
            ),
            data={"scores": {d: plain(s) for d, s in self.scores.items()}},
        )


def classify_cluster(
    indicators: Mapping[str, float | None],
    anchors: Mapping[str, tuple[float, float] | list[float]],
    *,
    cluster_at: float = 0.6,
    agglomeration_below: float = 0.4,
) -> ClusterType:
    """Score the eight dimensions and give the verdict 集聚 / 过渡 / 集群.

    Parameters
    ----------
    indicators : mapping
        Dimension id -> proxy value (None or NaN when not measurable).
    anchors : mapping
        Dimension id -> (agglomeration anchor, cluster anchor).
    cluster_at, agglomeration_below : float
        Mean score at and above which the verdict is ``cluster``, and below which it is
        ``agglomeration``; in between ``transition``. Without any data: ``no_data``.

    Examples
    --------
    >>> anchors = {d: (0.0, 1.0) for d in DIMENSIONS}
    >>> classify_cluster({d: 0.9 for d in DIMENSIONS}, anchors).verdict
    'cluster'
    >>> classify_cluster({d: 0.1 for d in DIMENSIONS}, anchors).verdict
    'agglomeration'
    """
    scores: dict[str, float | None] = {}
    for d in DIMENSIONS:
        value = indicators.get(d)
        a, c = anchors[d]
        if value is None or not np.isfinite(value):
            scores[d] = None
        else:
            scores[d] = float(np.clip((float(value) - a) / (c - a), 0.0, 1.0))
    known = [s for s in scores.values() if s is not None]
    mean = float(np.mean(known)) if known else None
    if mean is None:
        verdict = "no_data"
    elif mean >= cluster_at:
        verdict = "cluster"
    elif mean < agglomeration_below:
        verdict = "agglomeration"
    else:
        verdict = "transition"
    return ClusterType(
        {d: (None if indicators.get(d) is None else float(indicators[d])) for d in DIMENSIONS},  # type: ignore[arg-type]
        scores,
        mean,
        verdict,
        {d: (float(anchors[d][0]), float(anchors[d][1])) for d in DIMENSIONS},
        {"cluster_at": cluster_at, "agglomeration_below": agglomeration_below},
    )


def _chain_firm_ids(ctx: PlanningContext) -> pd.DataFrame:
    frames = [a.assign(chain_id=c) for c, a in ctx.assignments.items()]
    if not frames:
        return pd.DataFrame(columns=["firm_id", "node_id", "chain_id"])
    return pd.concat(frames, ignore_index=True)


def cluster_indicators(ctx: PlanningContext) -> dict[str, float | None]:
    """The eight proxies for the focus region, from its chains' firms, links and institutions."""
    firms = ctx.firms.set_index("firm_id")
    chain_firms = _chain_firm_ids(ctx)
    on_chain = pd.Index(chain_firms["firm_id"].astype(object).unique())
    local = set(firms.index[firms["local"].to_numpy()])
    local_chain = on_chain[on_chain.isin(local)]
    links = ctx.links
    both_local = links["supplier_id"].isin(local) & links["customer_id"].isin(local)
    local_links = links[both_local]
    partnered = set(local_links["supplier_id"]) | set(local_links["customer_id"])
    linkage = share(float(local_chain.isin(partnered).sum()), float(len(local_chain)))
    codes = firms["industry_code"]
    different = (
        codes.reindex(local_links["supplier_id"]).to_numpy() != codes.reindex(local_links["customer_id"]).to_numpy()
    )
    division = share(float(local_links["value"].to_numpy()[different].sum()), float(local_links["value"].sum()))
    kinds = set(ctx.institutions.loc[ctx.institutions["region_id"].isin(ctx.members), "kind"])
    formation = len(kinds & {"incubator", "accelerator", "association", "platform", "pilot_base", "test_center"}) / 6
    analyses = [s.analysis for s in ctx.chains.values()]
    inputs = sum(a.local_input_value for a in analyses)
    supporting = share(sum(a.local_sourced_value for a in analyses), inputs) if analyses else None
    nodes = pd.concat([a.nodes for a in analyses], ignore_index=True) if analyses else pd.DataFrame()
    completeness = None
    resilience = None
    if not nodes.empty:
        completeness = share(
            float(nodes.loc[nodes["status"] != "missing", "value_added"].sum()), float(nodes["value_added"].sum())
        )
        if "local_firms" in nodes:  # firm basis; statistics cannot tell how many firms could substitute
            established = nodes[nodes["status"].isin(["strong", "present", "foreign_dependent"])]
            sturdy = (established["local_firms"] >= 2) & (established["status"] != "foreign_dependent")
            resilience = share(float(sturdy.sum()), float(len(established)))
    chain_rows = firms.reindex(on_chain)
    national = chain_rows[chain_rows["country"].fillna("CN") == "CN"]
    local_rows = firms.reindex(local_chain)
    ratio = None
    local_int = share(float(local_rows["rd_expense"].sum()), float(local_rows["revenue"].sum()))
    national_int = share(float(national["rd_expense"].sum()), float(national["revenue"].sum()))
    if local_int is not None and national_int:
        ratio = local_int / national_int
    all_national = firms[firms["country"].fillna("CN") == "CN"]
    chain_share = share(float(local_rows["employees"].sum()), float(national["employees"].sum()))
    if ctx.has_stats:
        totals = ctx.employment.sum(axis=1)
        all_share = share(float(totals.loc[ctx.region_id]), float(totals.sum()))
    else:
        all_share = share(float(firms.loc[firms["local"].to_numpy(), "employees"].sum()), float(all_national["employees"].sum()))
    location = chain_share / all_share if chain_share is not None and all_share else None
    return {
        "essence": linkage,
        "core_feature": completeness,
        "relations": division,
        "formation": formation if len(ctx.institutions) else None,
        "advantage": supporting,
        "resilience": resilience,
        "impact": ratio,
        "brand": location,
    }
