"""设计 Design: the project matrix, chain-based investment targets, innovation consortia, financing and roadmap.

Projects are of four kinds — anchor & magnet (leading-firm attraction with a 一企一策
profile; major innovation platforms), ecosystem fill (补链 / 强链 / 延链, incubation, fund,
talent), infrastructure & carriers, environment & brand — each tied to the finding it
answers and the KPI it should move. Financing shares and roadmap timing are parameters
(``financing`` and ``roadmap`` in the planning defaults) and are written with the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from clusterbrain.workflow._targeting import consortia, investment_targets
from clusterbrain.workflow.diagnose import Diagnosis
from clusterbrain.workflow.evidence import Evidence, Finding, plain
from clusterbrain.workflow.planning_context import PlanningContext
from clusterbrain.workflow.position import Positioning

__all__ = ["ProjectPlan", "design"]

_KIND_TYPE = {
    "anchor": "anchor",
    "platform": "magnet",
    "ecosystem": "ecosystem",
    "infrastructure": "infrastructure",
    "brand_policy": "brand_policy",
}
_OWNERS = {
    "anchor": ("投资促进局", "Investment promotion bureau"),
    "platform": ("科技局", "Science and technology bureau"),
    "ecosystem": ("工业和信息化局", "Industry and IT bureau"),
    "infrastructure": ("园区管委会", "Park management committee"),
    "brand_policy": ("发展和改革委员会", "Development and reform commission"),
}
_GAP_KPI = {"fill": "local_supply_rate", "strengthen": "local_supply_rate", "extend": "output"}


@dataclass(frozen=True, eq=False)
class ProjectPlan:
    """Projects with their gap, KPI, financing and schedule; investment targets; consortia; Gantt data."""

    region: dict[str, Any]
    projects: tuple[dict[str, Any], ...]
    targets: tuple[dict[str, Any], ...]
    consortia: tuple[dict[str, Any], ...]
    existing_projects: tuple[dict[str, Any], ...]
    findings: tuple[Finding, ...]
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (the ``design.json`` of ``clusterbrain plan``)."""
        return {
            "step": "design",
            "region_id": self.region["region_id"],
            "projects": plain(list(self.projects)),
            "investment_targets": plain(list(self.targets)),
            "consortia": plain(list(self.consortia)),
            "existing_projects": plain(list(self.existing_projects)),
            "gantt": [
                {
                    "task": p["project_id"],
                    "name_zh": p["name_zh"],
                    "name_en": p["name_en"],
                    "group": p["kind"],
                    "start": p["start"],
                    "end": p["end"],
                    "priority": p["priority"],
                }
                for p in self.projects
            ],
            "findings": [f.to_dict() for f in self.findings],
            "params": self.params,
        }


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _project(
    ctx: PlanningContext,
    kind: str,
    priority: int,
    name_zh: str,
    name_en: str,
    *,
    closes: str,
    kpi: str,
    chain_id: str | None = None,
    node_id: str | None = None,
    profile: dict[str, Any] | None = None,
) -> dict[str, Any]:
    params = ctx.params
    start = _add_months(
        dt.date.fromisoformat(str(params["design"]["start"])), int(params["roadmap"]["start_offset_months"][priority])
    )
    months = int(params["roadmap"]["duration_months"][kind])
    end = _add_months(start, months)
    owner = _OWNERS[kind]
    return {
        "kind": kind,
        "type": _KIND_TYPE[kind],
        "priority": priority,
        "name_zh": name_zh,
        "name_en": name_en,
        "chain_id": chain_id,
        "node_id": node_id,
        "closes": closes,
        "kpi": kpi,
        "owner_zh": owner[0],
        "owner_en": owner[1],
        "financing": params["financing"][kind],
        "start": start.isoformat(),
        "end": end.isoformat(),
        "milestones": [
            {
                "name_zh": "立项与签约",
                "name_en": "approval and signing",
                "date": _add_months(start, months // 6).isoformat(),
            },
            {
                "name_zh": "建设与引进",
                "name_en": "construction and entry",
                "date": _add_months(start, months // 2).isoformat(),
            },
            {"name_zh": "投产与评估", "name_en": "operation and review", "date": end.isoformat()},
        ],
        "profile": profile or {},
    }


def _gap_projects(
    ctx: PlanningContext, d: Diagnosis, targets: dict[tuple[str, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    projects = []
    for f in d.findings:
        if f.kind != "gap":
            continue
        chain_id, node_id, gap = f.data["chain_id"], f.data["node_id"], f.data["gap"]
        name_zh, name_en = f.data["name_zh"], f.data["name_en"]
        target = targets.get((chain_id, node_id))
        best = target["targets"][0] if target and target["targets"] else None
        if gap == "fill":
            kind, priority = ("anchor", 1) if best else ("ecosystem", 1)
            title_zh, title_en = f"补链招引:{name_zh}", f"Fill the chain: attract {name_en}"
        elif gap == "strengthen":
            kind, priority = "ecosystem", 2
            title_zh, title_en = f"强链培育:{name_zh}", f"Strengthen: {name_en}"
        else:
            kind, priority = "ecosystem", 3
            title_zh, title_en = f"延链拓展:{name_zh}", f"Extend the chain to {name_en}"
        profile = {}
        if best is not None:
            profile = {
                "one_firm_one_policy": True,
                "firm_id": best["firm_id"],
                "firm_name": best["name"],
                "firm_region": best["region_id"],
                "revenue": best["revenue"],
                "rd_intensity": best["rd_intensity"],
                "links_to_leaders": best["links_to_leaders"],
                "links_to_region": best["links_to_region"],
                "package_zh": "用地保障、设备投资补助、研发费用后补助、人才公寓与子女入学、产业基金跟投",
                "package_en": "land supply, equipment subsidy, R&D post-subsidy, talent housing and schooling, fund co-investment",
            }
        projects.append(
            _project(
                ctx,
                kind,
                priority,
                title_zh,
                title_en,
                closes=f.id,
                kpi=_GAP_KPI.get(gap, "output"),
                chain_id=chain_id,
                node_id=node_id,
                profile=profile,
            )
        )
    return projects


def _ecosystem_projects(ctx: PlanningContext, d: Diagnosis, p: Positioning) -> list[dict[str, Any]]:
    el = {e["element"]: e for e in d.sections["elements"]}
    inst = d.sections["endowment"]["institutions"]
    projects = [
        _project(
            ctx,
            "platform",
            1,
            f"{pick['name_zh']}产业创新研究院与中试基地",
            f"Innovation institute and pilot base for {pick['name_en']}",
            closes=f"niche:{pick['chain_id']}:{pick['node_id']}",
            kpi="rd_intensity",
            chain_id=pick["chain_id"],
            node_id=pick["node_id"],
        )
        for pick in p.picks
    ]
    checks = [
        (
            inst.get("incubator", 0) + inst.get("accelerator", 0) == 0,
            "ecosystem",
            2,
            "科技企业孵化器与加速器",
            "Incubator and accelerator",
            "element_missing:intermediaries",
            "firms",
        ),
        (
            inst.get("fund", 0) == 0,
            "ecosystem",
            1,
            "产业投资基金",
            "Industry investment fund",
            "ecosystem:venture_capital",
            "firms",
        ),
        (
            sum(inst.get(k, 0) for k in ("university", "research_institute", "key_lab")) == 0,
            "ecosystem",
            2,
            "校企合作与产业人才培训基地",
            "Industry talent and training base",
            "ecosystem:knowledge_anchors",
            "employment",
        ),
        (
            not el["infrastructure"]["present"],
            "infrastructure",
            1,
            "特色产业园区与标准厂房",
            "Specialised park and standard factories",
            "element_missing:infrastructure",
            "tax_per_mu",
        ),
        (
            not el["government"]["present"] or d.sections["cluster_type"]["verdict"] != "cluster",
            "brand_policy",
            2,
            "产业促进政策包",
            "Industry promotion policy package",
            "cluster_type",
            "output",
        ),
    ]
    projects += [
        _project(ctx, kind, pr, zh, en, closes=closes, kpi=kpi)
        for needed, kind, pr, zh, en, closes, kpi in checks
        if needed
    ]
    brand = next((x for x in d.sections["cluster_type"]["dimensions"] if x["dimension"] == "brand"), None)
    if brand is None or (brand["score"] or 0) < 1:
        projects.append(
            _project(
                ctx,
                "brand_policy",
                3,
                "区域产业品牌与行业展会",
                "Regional brand and trade fair",
                closes="cluster_type",
                kpi="exports",
            )
        )
    projects.append(
        _project(
            ctx,
            "infrastructure",
            2,
            "产业大脑与工业互联网平台",
            "Industry brain and industrial internet platform",
            closes="cluster_type",
            kpi="local_supply_rate",
        )
    )
    return projects


def design(ctx: PlanningContext, diagnosis: Diagnosis, positioning: Positioning) -> ProjectPlan:
    """Design the project plan from the diagnosis's gaps and the positioning's picks."""
    gaps = [
        {
            "chain_id": f.data["chain_id"],
            "node_id": f.data["node_id"],
            "gap": f.data["gap"],
            "name_zh": f.data["name_zh"],
            "name_en": f.data["name_en"],
        }
        for f in diagnosis.findings
        if f.kind == "gap" and f.data["gap"] in ("fill", "strengthen")
    ]
    targets = investment_targets(ctx, gaps)
    by_node = {(t["chain_id"], t["node_id"]): t for t in targets}
    projects = _gap_projects(ctx, diagnosis, by_node) + _ecosystem_projects(ctx, diagnosis, positioning)
    projects.sort(key=lambda x: (x["priority"], x["kind"]))
    for i, project in enumerate(projects, start=1):
        project["project_id"] = f"P{i:02d}"
    existing = ctx.projects[ctx.projects["region_id"].isin(ctx.members)]
    gap_nodes = {(g["node_id"]) for g in gaps}
    existing_rows = [
        {**{str(k): plain(v) for k, v in row.items()}, "addresses_gap": row["chain_node"] in gap_nodes}
        for row in existing.to_dict("records")
    ]
    findings = [
        Finding(
            id=f"target:{t['chain_id']}:{t['node_id']}",
            kind="target",
            text_zh=f"链式招商:{t['name_zh']} 首选目标 {t['targets'][0]['name']}",
            text_en=f"Chain-based targeting: first target for {t['name_en']} is {t['targets'][0]['name']}",
            evidence=(
                Evidence(
                    "target_score", t["targets"][0]["score"], source="firms, links (outside the region)", year=ctx.year
                ),
                Evidence("candidates_considered", t["candidates_considered"], source="firms x chain mapping"),
            ),
            severity=2,
            data={"chain_id": t["chain_id"], "node_id": t["node_id"]},
        )
        for t in targets
        if t["targets"]
    ]
    params = {k: ctx.params[k] for k in ("design", "targeting", "financing", "roadmap")}
    return ProjectPlan(
        ctx.region,
        tuple(projects),
        tuple(targets),
        tuple(consortia(ctx)),
        tuple(existing_rows),
        tuple(findings),
        params,
    )
