"""诊断 Diagnose: a region's endowment, chains and gaps, benchmarks, cluster type, ecosystem and competition.

Returns a :class:`Diagnosis` whose findings each carry their evidence (metric, value,
threshold or benchmark, source table, year). The parameters (thresholds, anchors) come from
``workflow/defaults/planning.yaml`` or the user's file, and are written into the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from clusterbrain.workflow._benchmark import chain_leaders, competition, similar_regions
from clusterbrain.workflow._cluster_type import classify_cluster, cluster_indicators
from clusterbrain.workflow._ecosystem import drivers, elements, scorecard
from clusterbrain.workflow._endowment import endowment, peer_complexity
from clusterbrain.workflow._reasons_zh import reason_zh
from clusterbrain.workflow.chains import load_chain
from clusterbrain.workflow.evidence import Evidence, Finding, plain, records
from clusterbrain.workflow.planning_context import PlanningContext

__all__ = ["Diagnosis", "diagnose", "gap_findings"]


@dataclass(frozen=True, eq=False)
class Diagnosis:
    """The diagnosis of one region: sections of tables and the findings drawn from them."""

    region: dict[str, Any]
    year: int | None
    base_year: int | None
    sections: dict[str, Any]
    findings: tuple[Finding, ...]
    scores: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (the ``diagnosis.json`` of ``clusterbrain plan``)."""
        return {
            "step": "diagnose",
            "region_id": self.region["region_id"],
            "region": plain(self.region),
            "year": self.year,
            "base_year": self.base_year,
            "scores": plain(self.scores),
            "findings": [f.to_dict() for f in self.findings],
            **{k: plain(v) for k, v in self.sections.items()},
            "params": self.params,
        }


def gap_findings(ctx: PlanningContext) -> list[Finding]:
    """The chains' 补链 / 强链 / 延链 gaps as findings (evidence from the chain analysis)."""
    severity = {"fill": 3, "strengthen": 2, "extend": 1}
    zh = {"fill": "补链", "strengthen": "强链", "extend": "延链"}
    en = {"fill": "fill", "strengthen": "strengthen", "extend": "extend"}
    templates = {c: load_chain(c) for c in ctx.chains}
    names = {c: {n.id: n.name_zh for n in t.nodes} for c, t in templates.items()}
    return [
        Finding(
            id=f"gap:{chain_id}:{item.node_id}:{item.kind}",
            kind="gap",
            text_zh=f"{zh.get(item.kind, item.kind_zh)}:{item.name_zh}({reason_zh(item.reason, names[chain_id])})",
            text_en=f"Chain gap to {en.get(item.kind, item.kind)}: {item.name_en} ({item.reason})",
            evidence=tuple(
                Evidence(e.metric, e.value, threshold=e.threshold, source=e.source, year=ctx.year)
                for e in item.evidence
            ),
            severity=severity.get(item.kind, 1),
            data={
                "chain_id": chain_id,
                "node_id": item.node_id,
                "gap": item.kind,
                "status": item.status,
                "priority": item.priority,
                "stage": item.stage,
                "name_zh": item.name_zh,
                "name_en": item.name_en,
                "chain_name_zh": templates[chain_id].name_zh,
                "chain_name_en": templates[chain_id].name_en,
            },
        )
        for chain_id, study in ctx.chains.items()
        for item in study.gaps.items
    ]


_NODE_COLUMNS = (
    "node_id", "name_zh", "name_en", "stage", "value_added", "barrier",
    "local_firms", "local_employment", "location_ratio", "input_local_share", "input_abroad_share",  # firm basis
    "local_value", "national_value", "location_quotient",  # statistics basis
    "status", "status_reason",
)  # fmt: skip
"""The node columns written to the diagnosis, of whichever basis the chain analysis used."""


def _chains_section(ctx: PlanningContext) -> list[dict[str, Any]]:
    out = []
    for chain_id, study in ctx.chains.items():
        a = study.analysis
        statuses = a.nodes["status"].value_counts().to_dict()
        out.append(
            {
                "chain_id": chain_id,
                "basis": a.basis,
                "completeness": a.completeness,
                "node_completeness": a.node_completeness,
                "local_supporting_rate": a.local_supporting_rate,
                "region_value_added": a.region_value_added,
                "national_value_added": a.national_value_added,
                "status_counts": {str(k): int(v) for k, v in statuses.items()},
                "nodes": records(a.nodes[[c for c in _NODE_COLUMNS if c in a.nodes]]),
                "leaders": records(a.leaders[a.leaders["rank"] == 1]) if not a.leaders.empty else [],
                "gaps": study.gaps.to_dict(),
                "charts": {"chain_map": study.graph, "smile_curve": study.smile},
                "notes": list(a.notes),
            }
        )
    return out


def _chain_findings(ctx: PlanningContext) -> list[Finding]:
    findings = []
    for chain_id, study in ctx.chains.items():
        a = study.analysis
        rate = "n/a" if a.local_supporting_rate is None else f"{a.local_supporting_rate:.1%}"
        template = load_chain(chain_id)
        findings.append(
            Finding(
                id=f"chain:{chain_id}",
                kind="chain",
                text_zh=f"{template.name_zh}产业链完整度 {a.completeness:.1%},本地配套率 {rate}",
                text_en=f"{template.name_en} chain: completeness {a.completeness:.1%}, local supporting rate {rate}",
                evidence=(
                    Evidence("chain_completeness", a.completeness, source=f"chain analysis ({a.basis})", year=a.year),
                    Evidence("local_supporting_rate", a.local_supporting_rate, source="links", year=a.year),
                ),
                data={"chain_id": chain_id},
            )
        )
    return findings


def diagnose(ctx: PlanningContext, *, pestel: pd.DataFrame | None = None, risks: Any = None) -> Diagnosis:
    """Diagnose the context's region.

    Parameters
    ----------
    ctx : PlanningContext
        From :func:`clusterbrain.workflow.planning_context.load_context`.
    pestel : DataFrame, optional
        The planner's PESTEL sheet (:func:`clusterbrain.store.pestel.read_pestel`), included as given.
    risks : list of Finding, optional
        Supply-network risk warnings to include (from the network analysis).
    """
    p = ctx.params
    pipe = peer_complexity(ctx)
    endow, findings = endowment(ctx, pipe)
    findings += _chain_findings(ctx)
    findings += gap_findings(ctx)
    indicators = cluster_indicators(ctx)
    ctype = classify_cluster(indicators, p["cluster_dimensions"], **p["cluster_type"])
    findings.append(ctype.finding("firms, links, institutions, chain analysis", ctx.year))
    element_table, element_findings = elements(ctx)
    findings += element_findings
    comp, comp_findings = competition(ctx, pipe)
    findings += comp_findings
    card = scorecard(ctx)
    findings += [
        Finding(
            id=f"ecosystem:{trait['trait']}",
            kind="shortcoming",
            text_zh=f"创新生态短板:缺少{trait['name_zh']}",
            text_en=f"Innovation ecosystem: no {trait['name_en'].lower()}",
            evidence=(Evidence(trait["metric"], trait["value"], threshold=1, source=trait["source"], year=ctx.year),),
            severity=1,
        )
        for trait in card
        if trait["status"] == "absent"
    ]
    findings += list(risks or [])
    benchmarks = {
        "similar_regions": similar_regions(ctx, n=int(p["benchmark"]["similar_regions"])),
        "chain_leaders": chain_leaders(ctx),
    }
    for row in benchmarks["chain_leaders"]:
        if row["leader_region"] != ctx.region_id:
            findings.append(
                Finding(
                    id=f"benchmark:{row['chain_id']}",
                    kind="benchmark",
                    text_zh=(
                        f"{load_chain(row['chain_id']).name_zh}产业链的领先地区为{row['leader_name']},"
                        f"本地排第 {row['focus_rank']}"
                    ),
                    text_en=(
                        f"The leading region on the {load_chain(row['chain_id']).name_en} chain is "
                        f"{row['leader_name']}; this region ranks {row['focus_rank']}"
                    ),
                    evidence=(
                        Evidence(
                            "chain_employment",
                            row["focus_employment"],
                            benchmark=row["leader_employment"],
                            source="firms x chain mapping",
                            year=ctx.year,
                        ),
                    ),
                    data=row,
                )
            )
    sections: dict[str, Any] = {
        "endowment": endow,
        "chains": _chains_section(ctx),
        "benchmarks": benchmarks,
        "cluster_type": ctype.to_dict(),
        "elements": element_table,
        "drivers": drivers(ctx, indicators),
        "ecosystem_scorecard": card,
        "competition": comp,
        "pestel": records(pestel) if pestel is not None else None,
        "risks": [f.to_dict() for f in (risks or [])],
    }
    complexity = endow.get("complexity") or {}
    chains = sections["chains"]
    scores: dict[str, Any] = {
        "cluster_score": ctype.mean_score,
        "eci": complexity.get("eci"),
        "coi": complexity.get("coi"),
        "overlap_index": comp.get("overlap_index"),
        **{f"completeness:{c['chain_id']}": c["completeness"] for c in chains},
        **{f"local_supporting_rate:{c['chain_id']}": c["local_supporting_rate"] for c in chains},
    }
    ordered = sorted(findings, key=lambda f: -f.severity)
    return Diagnosis(ctx.region, ctx.year, ctx.base_year, sections, tuple(ordered), scores, p)
