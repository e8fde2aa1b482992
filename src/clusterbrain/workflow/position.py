"""定位 Position: niche segments, agglomeration mode, Atlas strategic approach, city type, vision.

Works on the :class:`PlanningContext` and the :class:`Diagnosis` of the same region; every
choice lists the criteria scores or rules behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._geo import haversine_km
from clusterbrain.workflow._endowment import industry_table, peer_complexity
from clusterbrain.workflow._modes import Condition, Rule, atlas_approach, evaluate_rules
from clusterbrain.workflow._niche import CRITERIA, niche_scores
from clusterbrain.workflow.chains import load_chain
from clusterbrain.workflow.diagnose import Diagnosis
from clusterbrain.workflow.evidence import Evidence, Finding, plain, records
from clusterbrain.workflow.planning_context import PlanningContext

__all__ = ["Positioning", "city_rules", "mode_rules", "position"]

_MINING_DIVISIONS = ("06", "07", "08", "09", "10", "11", "12", "25", "30", "31", "32")
_HUB_DIVISIONS = ("51", "52", "53", "54", "55", "56", "58", "59", "60")


@dataclass(frozen=True, eq=False)
class Positioning:
    """The positioning of one region: ranked segments, picks, mode, approach, city type, vision."""

    region: dict[str, Any]
    segments: pd.DataFrame
    picks: tuple[dict[str, Any], ...]
    mode: str
    mode_rules: tuple[Rule, ...]
    atlas: Rule | None
    city_type: str
    city_rules: tuple[Rule, ...]
    vision: dict[str, str]
    findings: tuple[Finding, ...]
    weights: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (the ``positioning.json`` of ``clusterbrain plan``)."""
        return {
            "step": "position",
            "region_id": self.region["region_id"],
            "weights": self.weights,
            "segments": records(self.segments),
            "picks": [plain(p) for p in self.picks],
            "mode": {"chosen": self.mode, "rules": [r.to_dict() for r in self.mode_rules]},
            "atlas_approach": self.atlas.to_dict() if self.atlas else None,
            "city_type": {"chosen": self.city_type, "rules": [r.to_dict() for r in self.city_rules]},
            "vision": self.vision,
            "findings": [f.to_dict() for f in self.findings],
        }


def _candidates(ctx: PlanningContext) -> pd.DataFrame:
    """Chain nodes with the six criteria; industry criteria read at the division of the node's GB/T codes."""
    pipe = peer_complexity(ctx)
    industries = industry_table(ctx, pipe).set_index("industry") if pipe is not None else pd.DataFrame()
    rows = []
    for chain_id, study in ctx.chains.items():
        template_nodes = {n.node_id: n for n in study.analysis.nodes.itertuples()}
        template = load_chain(chain_id)
        for node in template.nodes:
            codes = node.codes.get(ctx.scheme, ())
            divisions = sorted({c[:2] for c in codes} & set(industries.index)) if not industries.empty else []
            sub = industries.loc[divisions] if divisions else pd.DataFrame()
            status = template_nodes[node.id].status if node.id in template_nodes else None
            rows.append(
                {
                    "chain_id": chain_id,
                    "node_id": node.id,
                    "name_zh": node.name_zh,
                    "name_en": node.name_en,
                    "stage": node.stage,
                    "status": status,
                    "industries": divisions,
                    "barrier": float(node.barrier),
                    "value_added": float(node.value_added),
                    "national_growth": float(sub["national_growth"].mean()) if not sub.empty else math.nan,
                    "relatedness_density": float(sub["density"].mean()) if not sub.empty else math.nan,
                    "complexity": float(sub["pci"].mean()) if not sub.empty else math.nan,
                    "crowding": float(sub["crowding"].mean()) if not sub.empty else math.nan,
                }
            )
    return pd.DataFrame(rows)


def _reasons(row: pd.Series) -> tuple[str, str]:
    top = sorted(CRITERIA, key=lambda k: -float(row[f"contribution_{k}"]))[:3]
    return "、".join(CRITERIA[k][0] for k in top), ", ".join(CRITERIA[k][1] for k in top)


def mode_rules(ctx: PlanningContext, d: Diagnosis) -> list[Rule]:
    """The five agglomeration-mode rules on the diagnosis, in priority order (thresholds: ``params["modes"]``).

    Core-firm-led needs chain leaders and a chain location ratio; innovation-resource-driven
    knowledge institutions and above-national R&D intensity; market-hub-led trade and
    logistics strengths and exports; eco-symbiotic recycling nodes and local supply;
    policy-guided fires when the region is still an agglomeration (a weak base to build on).
    """
    t = ctx.params["modes"]
    s = d.sections
    el = {e["element"]: e["count"] for e in s["elements"]}
    dims = {x["dimension"]: x["value"] for x in s["cluster_type"]["dimensions"]}
    drivers = {x["driver"]: x["indicators"] for x in s["drivers"]}
    strengths = [f.data.get("industry", "") for f in d.findings if f.kind == "strength"]
    hub = sum(str(c).startswith(_HUB_DIVISIONS) for c in strengths)
    nodes = pd.DataFrame([n for c in s["chains"] for n in c["nodes"]])
    recycling = 0
    if not nodes.empty:
        kinds = {n.id: n.kind for c in ctx.chains for n in load_chain(c).nodes}
        nodes["kind"] = nodes["node_id"].map(kinds)
        recycling = int(((nodes["kind"] == "recycling") & (nodes["status"] != "missing")).sum())
    ctype = s["cluster_type"]["verdict"]
    src_c, src_i = "chain analysis", "institutions"
    return [
        Rule(
            "core_firm_led",
            "核心企业带动型",
            "Core-firm-led",
            (
                Condition("core_firms", el.get("core_firms", 0), ">=", t["core_firms"], src_c),
                Condition("chain_location_ratio", dims.get("brand"), ">=", t["chain_location_ratio"], src_c),
            ),
        ),
        Rule(
            "innovation_resource_driven",
            "创新资源驱动型",
            "Innovation-resource-driven",
            (
                Condition("knowledge_institutions", el.get("knowledge", 0), ">=", t["knowledge_institutions"], src_i),
                Condition("rd_intensity_ratio", dims.get("impact"), ">=", t["rd_intensity_ratio"], "firms"),
            ),
        ),
        Rule(
            "market_hub_led",
            "市场枢纽引领型",
            "Market-hub-led",
            (
                Condition("trade_and_logistics_strengths", hub, ">=", t["hub_strengths"], "stats (employment)"),
                Condition("export_share", drivers["brand"].get("export_share"), ">=", t["export_share"], "firms"),
            ),
        ),
        Rule(
            "eco_symbiotic",
            "产业生态共生型",
            "Eco-symbiotic",
            (
                Condition("recycling_nodes_present", recycling, ">=", t["recycling_nodes"], src_c),
                Condition("local_supporting_rate", dims.get("advantage"), ">=", t["local_supporting_rate"], "links"),
            ),
        ),
        Rule(
            "policy_guided",
            "政策规划引导型",
            "Policy-guided",
            (
                Condition(
                    "cluster_verdict_is_agglomeration",
                    int(ctype in ("agglomeration", "no_data")),
                    "==",
                    1,
                    "cluster classification",
                ),
            ),
        ),
    ]


def city_rules(ctx: PlanningContext, d: Diagnosis) -> list[Rule]:
    """The five city-type and development-path rules, in priority order (thresholds: ``params["city_types"]``)."""
    t = ctx.params["city_types"]
    s = d.sections
    el = {e["element"]: e["count"] for e in s["elements"]}
    complexity = s["endowment"].get("complexity") or {}
    eci_pct = complexity.get("eci_percentile")
    pop = ctx.region.get("population")
    strengths = [f for f in d.findings if f.kind == "strength"]
    top_lq = max((float(f.evidence[0].value) for f in strengths), default=None)
    legacy = sum(str(f.data.get("industry", "")).startswith(_MINING_DIVISIONS) for f in strengths)
    metro, metro_share = _metropolis_pull(ctx, float(t["metro_radius_km"]))
    national = ctx.institutions[
        ctx.institutions["region_id"].isin(ctx.members) & ctx.institutions["name"].astype(str).str.contains("国家")
    ]
    return [
        Rule(
            "frontier_metropolis",
            "前沿大都市",
            "Frontier metropolis",
            (
                Condition("population", pop, ">=", t["population"], "regions"),
                Condition(
                    "knowledge_institutions", el.get("knowledge", 0), ">=", t["knowledge_institutions"], "institutions"
                ),
                Condition("eci_percentile", eci_pct, ">=", t["eci_percentile"], "stats (employment)"),
            ),
        ),
        Rule(
            "cluster_synergy",
            "集群协同",
            "Cluster synergy",
            (
                Condition("top_strength_lq", top_lq, ">=", t["top_strength_lq"], "stats (employment)"),
                Condition(
                    "local_supporting_rate",
                    next((x["value"] for x in s["cluster_type"]["dimensions"] if x["dimension"] == "advantage"), None),
                    ">=",
                    t["local_supporting_rate"],
                    "links",
                ),
            ),
        ),
        Rule(
            "supporting_role",
            "配套大都市",
            "Supporting role near a metropolis",
            (
                Condition(
                    "sales_share_to_nearby_metropolis",
                    metro_share,
                    ">=",
                    t["metro_sales_share"],
                    f"links ({metro or 'none'})",
                ),
            ),
        ),
        Rule(
            "legacy_resources",
            "激活老资源",
            "Reactivating legacy resources",
            (
                Condition("resource_industry_strengths", legacy, ">=", 1, "stats (employment)"),
                Condition("eci_percentile", eci_pct, "<", t["legacy_eci_percentile"], "stats (employment)"),
            ),
        ),
        Rule(
            "national_strategy",
            "国家战略快车道",
            "National-strategy fast lane",
            (
                Condition(
                    "national_platforms",
                    len(national),
                    ">=",
                    t["national_platforms"],
                    "institutions (name contains 国家)",
                ),
            ),
        ),
    ]


def _metropolis_pull(ctx: PlanningContext, radius_km: float) -> tuple[str | None, float | None]:
    """The largest region of the same level within ``radius_km`` with 3× the population, and the share of local sales to it."""
    regions = ctx.regions
    me = ctx.region
    if me.get("lat") is None or me.get("population") is None or not np.isfinite(float(me["lat"])):
        return None, None
    same = regions[(regions["level"] == me["level"]) & (regions["region_id"] != me["region_id"])].dropna(
        subset=["lat", "lon", "population"]
    )
    km = haversine_km(same["lat"].to_numpy(float), same["lon"].to_numpy(float), float(me["lat"]), float(me["lon"]))
    near = same[(km <= radius_km) & (same["population"].to_numpy(float) >= 3 * float(me["population"]))]
    if near.empty:
        return None, None
    metro = near.nlargest(1, "population").iloc[0]
    at_level = ctx.firms["region_id"].map(ctx.ancestors)  # both regions are at the focus level
    metro_firms = set(ctx.firms.loc[(at_level == metro["region_id"]).to_numpy(), "firm_id"])
    sales = ctx.links[ctx.links["supplier_id"].isin(ctx.local_firms["firm_id"])]
    to_metro = float(sales.loc[sales["customer_id"].isin(metro_firms), "value"].sum())
    total = float(sales["value"].sum())
    return str(metro["region_id"]), (to_metro / total if total > 0 else None)


def _vision(ctx: PlanningContext, d: Diagnosis, picks: list[dict[str, Any]], mode: Rule | None) -> dict[str, str]:
    name_zh = str(ctx.region.get("name"))
    name_en = str(ctx.region.get("name_en") or name_zh)
    seg_zh = "、".join(p["name_zh"] for p in picks) or "优势产业"
    seg_en = " and ".join(p["name_en"] for p in picks) or "its leading industries"
    chains = d.sections["chains"]
    comp = [c["completeness"] for c in chains if c["completeness"] is not None]
    rate = [c["local_supporting_rate"] for c in chains if c["local_supporting_rate"] is not None]
    year = (ctx.year or 2025) + 5
    mode_zh = mode.name_zh if mode else "政策规划引导型"
    mode_en = mode.name_en.lower() if mode else "policy-guided"
    facts_zh, facts_en = [], []
    if comp:
        c = float(np.mean(comp))
        facts_zh.append(f"产业链完整度由 {c:.0%} 提升至 {min(1.0, c + 0.1):.0%}")
        facts_en.append(f"raise chain completeness from {c:.0%} to {min(1.0, c + 0.1):.0%}")
    if rate:
        r = float(np.mean(rate))
        facts_zh.append(f"本地配套率由 {r:.0%} 提升至 {min(1.0, r + 0.1):.0%}")
        facts_en.append(f"the local supporting rate from {r:.0%} to {min(1.0, r + 0.1):.0%}")
    return {
        "zh": f"到{year}年,以{mode_zh}模式把{name_zh}建成{seg_zh}特色产业集群" + (",".join([""] + facts_zh)) + "。",
        "en": f"By {year}, build {name_en} into a {seg_en} cluster on a {mode_en} model"
        + ("; " + " and ".join(facts_en) if facts_en else "")
        + ".",
        "target_year": str(year),
    }


def position(ctx: PlanningContext, diagnosis: Diagnosis) -> Positioning:
    """Position the region: rank segments, pick 1–2, choose a mode, an approach, a city type, a vision."""
    p = ctx.params["positioning"]
    weights = {k: float(v) for k, v in p["weights"].items()}
    candidates = _candidates(ctx)
    segments = niche_scores(candidates, weights) if not candidates.empty else candidates
    picks: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for _, row in segments.head(int(p["picks"])).iterrows():
        why_zh, why_en = _reasons(row)
        pick = {k: row[k] for k in ("chain_id", "node_id", "name_zh", "name_en", "stage", "status", "score")}
        pick.update(reason_zh=f"得分最高的依据:{why_zh}", reason_en=f"scored highest on {why_en}")
        picks.append(pick)
        findings.append(
            Finding(
                id=f"niche:{row['chain_id']}:{row['node_id']}",
                kind="niche",
                text_zh=f"建议聚焦细分赛道:{row['name_zh']}(综合得分 {row['score']:.2f};{why_zh})",
                text_en=f"Focus segment: {row['name_en']} (score {row['score']:.2f}; {why_en})",
                evidence=tuple(
                    Evidence(k, row[k], benchmark=weights.get(k), source="chain template, stats", year=ctx.year)
                    for k in CRITERIA
                ),
                severity=1,
                data=pick,
            )
        )
    modes = mode_rules(ctx, diagnosis)
    mode, fired = evaluate_rules(modes, fallback="policy_guided")
    chosen_mode = next((r for r in modes if r.outcome == mode), None)
    findings.append(
        Finding(
            id="mode",
            kind="mode",
            text_zh=f"推荐聚合模式:{chosen_mode.name_zh if chosen_mode else mode}",
            text_en=f"Recommended agglomeration mode: {chosen_mode.name_en if chosen_mode else mode}",
            evidence=tuple(c.evidence(ctx.year) for c in (chosen_mode.conditions if chosen_mode else ())),
            data={"fired": [r.outcome for r in fired]},
        )
    )
    complexity = diagnosis.sections["endowment"].get("complexity") or {}
    atlas = atlas_approach(complexity.get("eci_percentile"), complexity.get("coi_percentile"), ctx.params["atlas"])
    if atlas is not None:
        findings.append(
            Finding(
                id="atlas_approach",
                kind="approach",
                text_zh=f"经济复杂度战略路径:{atlas.name_zh}",
                text_en=f"Strategic approach (Atlas of Economic Complexity): {atlas.name_en}",
                evidence=tuple(c.evidence(ctx.year) for c in atlas.conditions),
            )
        )
    cities = city_rules(ctx, diagnosis)
    city, _ = evaluate_rules(cities, fallback="cluster_synergy")
    chosen_city = next(r for r in cities if r.outcome == city)
    findings.append(
        Finding(
            id="city_type",
            kind="city_type",
            text_zh=f"城市类型与发展路径:{chosen_city.name_zh}",
            text_en=f"City type and development path: {chosen_city.name_en}",
            evidence=tuple(c.evidence(ctx.year) for c in chosen_city.conditions),
            data={"fired": [r.outcome for r in cities if r.fired]},
        )
    )
    vision = _vision(ctx, diagnosis, picks, chosen_mode)
    return Positioning(
        ctx.region,
        segments,
        tuple(picks),
        mode,
        tuple(modes),
        atlas,
        city,
        tuple(cities),
        vision,
        tuple(findings),
        weights,
    )
