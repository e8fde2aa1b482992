"""The cluster's ecosystem: six constituent elements, five agglomeration drivers, innovation-ecosystem scorecard.

The six elements (core firms, specialised suppliers, knowledge institutions, intermediaries
and platforms, infrastructure, government) and the five drivers (scale and scope economies,
knowledge spillovers, lower transaction costs, division of labour, regional brand) follow
Marshall (1920) *Principles of Economics* IV.x, Porter (1990) *The Competitive Advantage of
Nations* and Porter (1998); the scorecard's five traits (knowledge anchors, chain leaders,
venture capital, openness, livability) follow Feldman (2003) "The locational dynamics of the
US biotech industry: knowledge externalities and the anchor hypothesis", Industry and
Innovation 10(3), and Florida (2002) *The Rise of the Creative Class*.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.workflow._endowment import INTERMEDIARY_KINDS, KNOWLEDGE_KINDS
from clusterbrain.workflow.evidence import Evidence, Finding
from clusterbrain.workflow.planning_context import PlanningContext, share

__all__ = ["drivers", "elements", "scorecard"]


def _local_institutions(ctx: PlanningContext) -> pd.DataFrame:
    return ctx.institutions[ctx.institutions["region_id"].isin(ctx.members)]


def _scoped_policies(ctx: PlanningContext) -> pd.DataFrame:
    """Policies whose scope is the region, a region below it, or a region above it (or no scope)."""
    regions = ctx.regions.set_index("region_id")["parent_id"]
    above: set[str] = set()
    current = ctx.region.get("parent_id")
    while isinstance(current, str) and current not in above:
        above.add(current)
        current = regions.get(current)
    scope = ctx.policies["region_id"]
    return ctx.policies[scope.isna() | scope.isin(set(ctx.members) | above)]


def _leaders(ctx: PlanningContext) -> pd.DataFrame:
    frames = [s.analysis.leaders.assign(chain_id=c) for c, s in ctx.chains.items()]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["firm_id", "rank", "node_id"])


def _nodes(ctx: PlanningContext) -> pd.DataFrame:
    frames = [s.analysis.nodes.assign(chain_id=c) for c, s in ctx.chains.items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def elements(ctx: PlanningContext) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The six constituent elements: a count for each, present or missing, and a finding for the missing ones."""
    inst = _local_institutions(ctx)
    leaders = _leaders(ctx)
    nodes = _nodes(ctx)
    suppliers = 0
    if not nodes.empty and "local_firms" in nodes:
        suppliers = int(nodes.loc[nodes["stage"].isin(["upstream", "midstream"]), "local_firms"].sum())
    parks = int(((ctx.regions["level"] == "park") & ctx.regions["region_id"].isin(ctx.members)).sum())
    policies = _scoped_policies(ctx)
    rows = [
        (
            "core_firms",
            "核心主导企业",
            "Core firms",
            int(leaders.loc[leaders["rank"] == 1, "firm_id"].nunique()),
            "chain-leader candidates ranked first on a node",
            "chain analysis (firms, links)",
        ),
        (
            "suppliers",
            "专业化配套企业",
            "Specialised suppliers",
            suppliers,
            "local firms on upstream and midstream nodes",
            "firms x chain mapping",
        ),
        (
            "knowledge",
            "知识与服务机构",
            "Knowledge institutions",
            int(inst["kind"].isin(KNOWLEDGE_KINDS).sum()),
            "universities, research institutes, key labs",
            "institutions",
        ),
        (
            "intermediaries",
            "中介与平台组织",
            "Intermediaries and platforms",
            int(inst["kind"].isin(INTERMEDIARY_KINDS).sum()),
            "incubators, accelerators, associations, platforms, pilot bases, test centres",
            "institutions",
        ),
        (
            "infrastructure",
            "支撑性基础设施",
            "Infrastructure",
            parks,
            "industrial parks in the region (regions of level park)",
            "regions",
        ),
        (
            "government",
            "政府与规制环境",
            "Government and regulation",
            len(policies),
            "policies whose scope covers the region",
            "policies",
        ),
    ]
    table = [
        {"element": e, "name_zh": zh, "name_en": en, "count": n, "present": n > 0, "proxy": proxy, "source": src}
        for e, zh, en, n, proxy, src in rows
    ]
    findings = [
        Finding(
            id=f"element_missing:{row['element']}",
            kind="shortcoming",
            text_zh=f"产业生态缺少要素:{row['name_zh']}",
            text_en=f"The ecosystem lacks an element: {row['name_en']}",
            evidence=(
                Evidence(str(row["proxy"]), row["count"], threshold=1, source=str(row["source"]), year=ctx.year),
            ),
            severity=2,
        )
        for row in table
        if not row["present"]
    ]
    return table, findings


def drivers(ctx: PlanningContext, indicators: dict[str, float | None]) -> list[dict[str, Any]]:
    """Indicators of the five agglomeration drivers for the region's chain firms."""
    chain_ids = np.unique(np.concatenate([a["firm_id"].to_numpy() for a in ctx.assignments.values()] or [np.array([])]))
    local = ctx.local_firms
    chain_local = local[local["firm_id"].isin(chain_ids)]
    employees = float(chain_local["employees"].sum())
    inst = _local_institutions(ctx)
    nodes = _nodes(ctx)
    present = int((nodes["status"] != "missing").sum()) if not nodes.empty else 0
    return [
        {
            "driver": "scale",
            "name_zh": "规模经济与范围经济",
            "name_en": "Scale and scope economies",
            "indicators": {
                "chain_employment": employees,
                "chain_firms": len(chain_local),
                "mean_firm_size": share(employees, float(len(chain_local))),
            },
        },
        {
            "driver": "spillover",
            "name_zh": "知识溢出与创新网络",
            "name_en": "Knowledge spillovers",
            "indicators": {
                "knowledge_institutions_per_100_firms": share(
                    100.0 * inst["kind"].isin(KNOWLEDGE_KINDS).sum(), float(len(chain_local))
                ),
                "invention_patents_per_100_employees": share(
                    100.0 * float(chain_local["invention_patents"].sum()), employees
                ),
            },
        },
        {
            "driver": "transaction_costs",
            "name_zh": "交易成本降低",
            "name_en": "Lower transaction costs",
            "indicators": {
                "local_supporting_rate": indicators.get("advantage"),
                "local_linkage_rate": indicators.get("essence"),
            },
        },
        {
            "driver": "division_of_labour",
            "name_zh": "专业化分工",
            "name_en": "Division of labour",
            "indicators": {
                "nodes_present": present,
                "nodes": len(nodes),
                "division_of_labour": indicators.get("relations"),
            },
        },
        {
            "driver": "brand",
            "name_zh": "区域品牌与市场引力",
            "name_en": "Regional brand and market pull",
            "indicators": {
                "chain_location_ratio": indicators.get("brand"),
                "export_share": share(float(chain_local["exports"].sum()), float(chain_local["revenue"].sum())),
            },
        },
    ]


def scorecard(ctx: PlanningContext) -> list[dict[str, Any]]:
    """The innovation-ecosystem scorecard: five traits with their measure, or ``no data``.

    Livability has no measure in the workspace tables (it needs amenity or housing data) and
    is always reported as ``no data`` rather than guessed.
    """
    inst = _local_institutions(ctx)
    has_inst = len(ctx.institutions) > 0
    national_leaders = [
        s.analysis.national_leaders for s in ctx.chains.values() if not s.analysis.national_leaders.empty
    ]
    leaders = pd.concat(national_leaders, ignore_index=True) if national_leaders else pd.DataFrame()
    local = ctx.local_firms
    foreign_links = ctx.links[ctx.links["customer_id"].isin(local["firm_id"])]
    foreign_ids = set(ctx.firms.loc[ctx.firms["country"].fillna("CN") != "CN", "firm_id"])
    openness = share(float(local["exports"].sum()), float(local["revenue"].sum())) if len(local) else None
    foreign_input = share(
        float(foreign_links.loc[foreign_links["supplier_id"].isin(foreign_ids), "value"].sum()),
        float(foreign_links["value"].sum()),
    )

    def row(trait: str, zh: str, en: str, value: Any, metric: str, source: str) -> dict[str, Any]:
        return {
            "trait": trait,
            "name_zh": zh,
            "name_en": en,
            "metric": metric,
            "value": value,
            "status": "no_data" if value is None else ("present" if value else "absent"),
            "source": source,
        }

    return [
        row(
            "knowledge_anchors",
            "知识锚机构",
            "Knowledge anchors",
            int(inst["kind"].isin(KNOWLEDGE_KINDS).sum()) if has_inst else None,
            "institutions (knowledge kinds)",
            "institutions",
        ),
        row(
            "chain_leaders",
            "链主企业",
            "Chain leaders",
            int(leaders["local"].sum()) if not leaders.empty else None,
            "local firms among the country's top firms of a node",
            "chain analysis",
        ),
        row(
            "venture_capital",
            "风险投资",
            "Venture capital",
            int((inst["kind"] == "fund").sum()) if has_inst else None,
            "funds (institutions of kind fund)",
            "institutions",
        ),
        {
            **row("openness", "开放度", "Openness", openness, "export share of local firms' revenue", "firms"),
            "foreign_input_share": foreign_input,
        },
        row("livability", "宜居度", "Livability", None, "no measure in the workspace", "none"),
    ]
