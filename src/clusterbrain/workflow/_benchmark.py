"""Benchmarking (对标) and homogeneous competition (同质化竞争) among the region's peers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.metrics.pipeline import PipelineResult
from clusterbrain.workflow.evidence import Evidence, Finding, records
from clusterbrain.workflow.planning_context import PlanningContext

__all__ = ["chain_leaders", "competition", "similar_regions"]


def similar_regions(ctx: PlanningContext, *, n: int = 5) -> list[dict[str, Any]]:
    r"""The peers most similar in industry structure, with their size.

    Similarity is the cosine of employment-share vectors,
    :math:`\cos(s_r, s_p) = s_r \cdot s_p / (\lVert s_r\rVert \lVert s_p\rVert)`, and size
    similarity :math:`1 - |\ln E_r - \ln E_p| / \ln 10` (clipped at 0: a tenfold size gap
    scores 0). Peers are ranked by the product of both (Hidalgo et al. 2007 use the same
    cosine on export baskets; here on employment).
    """
    if not ctx.has_stats:
        return []
    X = ctx.employment
    shares = X.div(X.sum(axis=1), axis=0).to_numpy()
    r = X.index.get_loc(ctx.region_id)
    norms = np.linalg.norm(shares, axis=1)
    cosine = shares @ shares[r] / np.maximum(norms * norms[r], 1e-12)
    size = X.sum(axis=1).to_numpy()
    size_sim = np.clip(1 - np.abs(np.log(size) - np.log(size[r])) / np.log(10), 0, 1)
    table = pd.DataFrame(
        {"region_id": X.index, "structure_similarity": cosine, "size_similarity": size_sim, "employment": size}
    )
    table["similarity"] = table["structure_similarity"] * table["size_similarity"]
    table = table[table["region_id"] != ctx.region_id].nlargest(n, "similarity")
    names = ctx.regions.set_index("region_id")
    table["name"] = names["name"].reindex(table["region_id"]).to_numpy()
    table["name_en"] = names["name_en"].reindex(table["region_id"]).to_numpy()
    return records(table)


def chain_leaders(ctx: PlanningContext) -> list[dict[str, Any]]:
    """Per chain, the leading region at the focus region's level (most chain employment) and where the focus stands."""
    regions = ctx.regions.set_index("region_id")
    firms = ctx.firms.set_index("firm_id")
    ancestor = firms["region_id"].map(ctx.ancestors)  # each firm's region at the focus level
    rows = []
    for chain_id, assignment in ctx.assignments.items():
        employment = (
            firms["employees"]
            .reindex(assignment["firm_id"])
            .groupby(ancestor.reindex(assignment["firm_id"]).to_numpy())
            .sum()
        )
        if employment.empty:
            continue
        ranked = employment.sort_values(ascending=False)
        leader = str(ranked.index[0])
        focus = float(employment.get(ctx.region_id, 0.0))
        rank = int((ranked > focus).sum() + 1)
        rows.append(
            {
                "chain_id": chain_id,
                "leader_region": leader,
                "leader_name": str(regions["name"].get(leader, leader)),
                "leader_employment": float(ranked.iloc[0]),
                "focus_employment": focus,
                "focus_rank": rank,
                "regions_with_chain": int((employment > 0).sum()),
                "gap_to_leader": float(ranked.iloc[0] - focus),
            }
        )
    return rows


def competition(ctx: PlanningContext, pipe: PipelineResult | None) -> tuple[dict[str, Any], list[Finding]]:
    r"""Homogeneous competition: how many peers specialise in, or target, the region's industries.

    The overlap index of the region with a peer is the Jaccard index of their specialised
    sets, :math:`|S_r \cap S_p| / |S_r \cup S_p|` with :math:`S = \{i : \mathrm{RCA}_i \geq 1\}`;
    the region's overlap index is its mean over peers. An industry is crowded when the share
    of peers specialised in it reaches ``competition.crowded_share``. The region's targets
    are the chain nodes of its planned projects; other regions' projects on the same node
    count as competing targets.
    """
    threshold = float(ctx.params["competition"]["crowded_share"])
    result: dict[str, Any] = {"crowded_share": threshold}
    findings: list[Finding] = []
    if pipe is not None:
        M = pipe.M.to_numpy() > 0
        r = ctx.employment.index.get_loc(ctx.region_id)
        mine = M[r]
        inter = (M & mine).sum(axis=1)
        union = (M | mine).sum(axis=1)
        jaccard = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        others = np.arange(len(M)) != r
        crowding = M[others].mean(axis=0)
        industries = [str(c) for c in ctx.employment.columns]
        specialised = [
            {
                "industry": str(industries[i]),
                "name_zh": ctx.industry_name(str(industries[i]), "zh"),
                "name_en": ctx.industry_name(str(industries[i]), "en"),
                "peers_specialised": int(M[others, i].sum()),
                "crowding": float(crowding[i]),
                "crowded": bool(crowding[i] >= threshold),
            }
            for i in np.flatnonzero(mine)
        ]
        result.update(
            overlap_index=float(jaccard[others].mean()) if others.any() else None,
            most_overlapping=[
                {"region_id": str(ctx.employment.index[j]), "jaccard": float(jaccard[j])}
                for j in np.argsort(-np.where(others, jaccard, -1))[:5]
            ],
            specialised=specialised,
        )
        findings += [
            Finding(
                id=f"crowded:{row['industry']}",
                kind="competition",
                text_zh=f"同质化竞争:{row['peers_specialised']} 个同级地区也专业化于{row['name_zh']}",
                text_en=f"Crowded: {row['peers_specialised']} peer regions also specialise in {row['name_en']}",
                evidence=(
                    Evidence(
                        "peer_specialisation_share",
                        row["crowding"],
                        threshold=threshold,
                        source="stats (employment, RCA >= 1)",
                        year=ctx.year,
                    ),
                ),
                severity=1,
                data={"industry": row["industry"]},
            )
            for row in specialised
            if row["crowded"]
        ]
    projects = ctx.projects
    mine = projects[projects["region_id"].isin(ctx.members) & projects["chain_node"].notna()]
    others = projects[~projects["region_id"].isin(ctx.members) & projects["chain_node"].notna()]
    counts = others.groupby("chain_node")["region_id"].nunique()
    result["targets"] = [
        {"chain_node": node, "other_regions_targeting": int(counts.get(node, 0))}
        for node in sorted(mine["chain_node"].unique())
    ]
    return result, findings
