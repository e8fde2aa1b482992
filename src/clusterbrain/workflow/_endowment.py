"""Resource endowment (资源禀赋): strengths and shortcomings from specialization and complexity, institutions, talent, land."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.metrics.pipeline import PipelineResult, complexity_pipeline
from clusterbrain.workflow.evidence import Evidence, Finding, records
from clusterbrain.workflow.planning_context import PlanningContext, percentile_of, share

__all__ = ["KNOWLEDGE_KINDS", "INTERMEDIARY_KINDS", "endowment", "industry_table", "peer_complexity"]

KNOWLEDGE_KINDS = ("university", "research_institute", "key_lab")
INTERMEDIARY_KINDS = ("incubator", "accelerator", "association", "platform", "pilot_base", "test_center")
# Knowledge-intensive services (GB/T 4754-2017 divisions): software and IT services, R&D, technical services.
KNOWLEDGE_DIVISIONS = ("63", "64", "65", "73", "74", "75")


def peer_complexity(ctx: PlanningContext) -> PipelineResult | None:
    """RCA to COI/COG on the peers' employment (:func:`complexity_pipeline`), or None without statistics."""
    if not ctx.has_stats or ctx.employment.shape[0] < 3:
        return None
    return complexity_pipeline(ctx.employment)


def industry_table(ctx: PlanningContext, pipe: PipelineResult) -> pd.DataFrame:
    """One row per industry of the focus region: employment, share, LQ, growth, PCI, density, crowding.

    ``national_growth`` is the peers' total employment growth from the base year, ``growth``
    the region's; ``crowding`` is the share of peer regions with LQ >= 1 in the industry.
    """
    r = ctx.region_id
    X = ctx.employment
    table = pd.DataFrame({"industry": X.columns, "employment": X.loc[r].to_numpy()})
    table["share"] = table["employment"] / max(float(X.loc[r].to_numpy().sum()), 1e-12)
    table["lq"] = pipe.rca.loc[r].to_numpy()
    table["pci"] = pipe.pci.reindex(X.columns).to_numpy()
    table["density"] = pipe.density.loc[r].to_numpy()
    table["cog"] = pipe.cog.loc[r].to_numpy()
    table["crowding"] = pipe.M.mean(axis=0).to_numpy()
    if not ctx.employment_base.empty:
        base = ctx.employment_base.reindex(columns=X.columns, fill_value=0.0)
        before = base.sum(axis=0).to_numpy()
        table["national_growth"] = np.where(
            before > 0, X.sum(axis=0).to_numpy() / np.maximum(before, 1e-12) - 1, np.nan
        )
        if r in base.index:
            mine = base.loc[r].to_numpy()
            table["growth"] = np.where(mine > 0, table["employment"] / np.maximum(mine, 1e-12) - 1, np.nan)
        else:
            table["growth"] = np.nan
    else:
        table["national_growth"] = np.nan
        table["growth"] = np.nan
    table["name_zh"] = [ctx.industry_name(c, "zh") for c in table["industry"]]
    table["name_en"] = [ctx.industry_name(c, "en") for c in table["industry"]]
    return table


def _specialization_findings(ctx: PlanningContext, table: pd.DataFrame) -> list[Finding]:
    p = ctx.params["specialization"]
    year, src = ctx.year, "stats (employment)"
    strong = table[(table["lq"] >= p["strength_lq"]) & (table["share"] >= p["strength_min_share"])]
    strong = strong.assign(weight=strong["lq"] * strong["share"]).nlargest(int(p["top_n"]), "weight")
    findings = [
        Finding(
            id=f"strength:{row.industry}",
            kind="strength",
            text_zh=f"优势产业:{row.name_zh}(区位商 {row.lq:.2f},占本地就业 {row.share:.1%})",
            text_en=f"Strength: {row.name_en} (location quotient {row.lq:.2f}, {row.share:.1%} of local employment)",
            evidence=(
                Evidence("location_quotient", row.lq, threshold=p["strength_lq"], source=src, year=year),
                Evidence("employment_share", row.share, threshold=p["strength_min_share"], source=src, year=year),
                Evidence("employment", row.employment, source=src, year=year),
            ),
            severity=0,
            data={"industry": row.industry},
        )
        for row in strong.itertuples()
    ]
    promising = table["pci"].rank(pct=True).ge(2 / 3) | table["national_growth"].rank(pct=True).ge(2 / 3)
    weak = table[promising & (table["lq"] < p["shortcoming_lq"])]
    weak = weak.assign(weight=weak["density"].fillna(0)).nlargest(int(p["top_n"]), "weight")
    findings += [
        Finding(
            id=f"shortcoming:{row.industry}",
            kind="shortcoming",
            text_zh=(
                f"短板:{row.name_zh} 属高复杂度或高增长产业,但区位商仅 {row.lq:.2f}"
                f"(全国增长 {row.national_growth:+.1%},关联密度 {row.density:.2f})"
            ),
            text_en=(
                f"Shortcoming: {row.name_en} is complex or fast-growing, but the location quotient is only "
                f"{row.lq:.2f} (national growth {row.national_growth:+.1%}, relatedness density {row.density:.2f})"
            ),
            evidence=(
                Evidence("location_quotient", row.lq, threshold=p["shortcoming_lq"], source=src, year=year),
                Evidence("pci", row.pci, source=src, year=year),
                Evidence("national_growth", row.national_growth, source=src, year=year),
                Evidence("relatedness_density", row.density, source=src, year=year),
            ),
            severity=1,
            data={"industry": row.industry},
        )
        for row in weak.itertuples()
    ]
    return findings


def _institutions(ctx: PlanningContext) -> dict[str, int]:
    local = ctx.institutions[ctx.institutions["region_id"].isin(ctx.members)]
    return {str(k): int(v) for k, v in local["kind"].value_counts().sort_index().items()}


def _talent_and_land(ctx: PlanningContext) -> dict[str, Any]:
    firms, local = ctx.firms, ctx.local_firms
    per_employee = firms["rd_expense"] / firms["employees"].where(firms["employees"] > 0)
    local_rd_per_employee = share(float(local["rd_expense"].sum()), float(local["employees"].sum()))
    land = float(local["land_mu"].sum())
    tax_per_mu = share(float(local["tax"].sum()), land)
    firm_tax_per_mu = firms["tax"] / firms["land_mu"].where(firms["land_mu"] > 0)
    knowledge_share = None
    if ctx.has_stats:
        row = ctx.employment.loc[ctx.region_id]
        knowledge = row[row.index.astype(str).str.startswith(KNOWLEDGE_DIVISIONS)].to_numpy().sum()
        knowledge_share = share(float(knowledge), float(row.to_numpy().sum()))
    return {
        "firm_employees": float(local["employees"].sum()),
        "rd_expense_per_employee": local_rd_per_employee,
        "rd_expense_per_employee_national_median": float(per_employee.median()) if per_employee.notna().any() else None,
        "knowledge_intensive_employment_share": knowledge_share,
        "universities": int(
            (ctx.institutions["region_id"].isin(ctx.members) & (ctx.institutions["kind"] == "university")).sum()
        ),
        "land_mu": land,
        "tax_per_mu": tax_per_mu,
        "tax_per_mu_national_median": float(firm_tax_per_mu.median()) if firm_tax_per_mu.notna().any() else None,
    }


def endowment(ctx: PlanningContext, pipe: PipelineResult | None) -> tuple[dict[str, Any], list[Finding]]:
    """The endowment section of the diagnosis and its findings.

    Strengths: industries with LQ at or above ``specialization.strength_lq`` and a share of
    local employment at or above ``strength_min_share``, ranked by LQ × share. Shortcomings:
    industries in the top third of the peers by PCI or by national growth where the region's
    LQ is below ``shortcoming_lq``, ranked by relatedness density (the easiest to build).
    """
    section: dict[str, Any] = {"institutions": _institutions(ctx), "talent_and_land": _talent_and_land(ctx)}
    findings: list[Finding] = []
    if pipe is None:
        section["specialization"] = None
        section["complexity"] = None
        return section, findings
    table = industry_table(ctx, pipe)
    findings += _specialization_findings(ctx, table)
    r = ctx.region_id
    eci, coi = pipe.eci, pipe.coi
    section["specialization"] = records(table.sort_values("employment", ascending=False))
    section["complexity"] = {
        "eci": float(eci.loc[r]),
        "eci_rank": int(eci.rank(ascending=False).loc[r]),
        "eci_percentile": percentile_of(eci, float(eci.loc[r])),
        "coi": float(coi.loc[r]),
        "coi_percentile": percentile_of(coi, float(coi.loc[r])),
        "diversity": int(pipe.diversity.loc[r]),
        "peers": int(len(eci)),
        "peer_points": [
            {
                "region": str(k),
                "eci": float(eci.loc[k]),
                "diversity": int(pipe.diversity.loc[k]),
                "coi": float(coi.loc[k]),
            }
            for k in eci.index
        ],
    }
    findings.append(
        Finding(
            id="complexity:eci",
            kind="complexity",
            text_zh=f"经济复杂度 ECI {float(eci.loc[r]):+.2f},在 {len(eci)} 个同级地区中排第 {section['complexity']['eci_rank']}",
            text_en=(
                f"Economic complexity ECI {float(eci.loc[r]):+.2f}, rank {section['complexity']['eci_rank']} "
                f"of {len(eci)} regions at the same level"
            ),
            evidence=(
                Evidence("eci", float(eci.loc[r]), benchmark=0.0, source="stats (employment)", year=ctx.year),
                Evidence("diversity", int(pipe.diversity.loc[r]), source="stats (employment)", year=ctx.year),
                Evidence("coi", float(coi.loc[r]), source="stats (employment)", year=ctx.year),
            ),
        )
    )
    return section, findings
