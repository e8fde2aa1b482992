"""The diagnosis chapter of the planning report: endowment, complexity, chains, risks, cluster type, ecosystem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clusterbrain.report._plan_common import Builder, gap_label, name_of, status_label, top
from clusterbrain.report._plan_ecosystem import (
    benchmarks_section,
    cluster_type_section,
    competition_section,
    ecosystem_section,
    of_kind,
    pestel_section,
)
from clusterbrain.report.charts import (
    chain_map_chart,
    eci_diversity_scatter,
    smile_curve_chart,
    specialization_bubbles,
)
from clusterbrain.report.document import KeyValue, Tile, format_value

__all__ = ["diagnosis_chapter"]

TOP_INDUSTRIES = 12
TOP_GAPS = 12
TOP_LEADERS = 10
TOP_CROWDED = 10


def diagnosis_chapter(b: Builder, diagnosis: Mapping[str, Any]) -> None:
    """Append the diagnosis chapter (产业诊断) built from ``diagnosis.json``."""
    _ = b._
    b.chapter(_("report.plan.diagnosis"))
    findings = diagnosis.get("findings") or []
    _endowment(b, diagnosis, findings)
    _complexity(b, diagnosis, findings)
    for chain in diagnosis.get("chains") or []:
        _chain(b, chain, findings)
    _risks(b, diagnosis)
    cluster_type_section(b, diagnosis, findings)
    benchmarks_section(b, diagnosis)
    ecosystem_section(b, diagnosis)
    competition_section(b, diagnosis)
    if diagnosis.get("pestel"):
        pestel_section(b, diagnosis["pestel"])


def _endowment(b: Builder, diagnosis: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> None:
    _, lang = b._, b.lang
    endowment = diagnosis.get("endowment") or {}
    b.section(_("report.plan.endowment"))
    talent = endowment.get("talent_and_land") or {}
    if talent:
        b.add(
            KeyValue(
                (
                    Tile(_("report.plan.tile.employees"), talent.get("firm_employees"), "int"),
                    Tile(
                        _("report.plan.tile.rd_per_employee"),
                        talent.get("rd_expense_per_employee"),
                        "dec:2",
                        note=_(
                            "report.plan.national_median",
                            value=_fmt(talent.get("rd_expense_per_employee_national_median"), "dec:2", lang),
                        ),
                    ),
                    Tile(
                        _("report.plan.tile.knowledge_share"),
                        talent.get("knowledge_intensive_employment_share"),
                        "pct:2",
                    ),
                    Tile(
                        _("report.plan.tile.tax_per_mu"),
                        talent.get("tax_per_mu"),
                        "dec:1",
                        note=_(
                            "report.plan.national_median",
                            value=_fmt(talent.get("tax_per_mu_national_median"), "dec:1", lang),
                        ),
                    ),
                ),
                caption=_("report.plan.talent_and_land"),
            )
        )
    b.findings(of_kind(findings, "strength", "shortcoming"), bullets=True)
    rows = endowment.get("specialization") or []
    if any(r.get("growth") is not None for r in rows):
        b.add(specialization_bubbles(rows, lang=lang))
    shown = top(rows, TOP_INDUSTRIES, "lq")
    b.table(
        _("report.plan.table.specialization"),
        [
            (_("report.plan.col.code"), "text"),
            (_("report.plan.col.industry"), "text"),
            (_("report.plan.col.employment"), "int"),
            (_("report.plan.col.share"), "pct:1"),
            (_("report.plan.col.lq"), "dec:2"),
            (_("report.plan.col.growth"), "pct:1"),
            (_("report.plan.col.pci"), "dec:2"),
            (_("report.plan.col.density"), "dec:2"),
        ],
        [
            (
                r.get("industry"),
                name_of(r, lang),
                r.get("employment"),
                r.get("share"),
                r.get("lq"),
                r.get("growth"),
                r.get("pci"),
                r.get("density"),
            )
            for r in shown
        ],  # fmt: skip
        notes=b.source_note("diagnosis.endowment.specialization"),
        shown=len(shown),
        total=len(rows),
    )
    institutions = endowment.get("institutions") or {}
    if institutions:
        b.table(
            _("report.plan.table.institutions"),
            [(_("report.plan.col.institution"), "text"), (_("report.plan.col.count"), "int")],
            [(_institution(kind, b), count) for kind, count in sorted(institutions.items(), key=lambda kv: -kv[1])],
            notes=b.source_note("diagnosis.endowment.institutions"),
        )


def _institution(kind: str, b: Builder) -> str:
    _ = b._
    labels = {
        "accelerator": _("report.plan.institution.accelerator"),
        "association": _("report.plan.institution.association"),
        "fund": _("report.plan.institution.fund"),
        "incubator": _("report.plan.institution.incubator"),
        "key_lab": _("report.plan.institution.key_lab"),
        "pilot_base": _("report.plan.institution.pilot_base"),
        "platform": _("report.plan.institution.platform"),
        "research_institute": _("report.plan.institution.research_institute"),
        "test_center": _("report.plan.institution.test_center"),
        "university": _("report.plan.institution.university"),
    }
    return labels.get(kind, kind)


def _complexity(b: Builder, diagnosis: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> None:
    _, lang = b._, b.lang
    complexity = (diagnosis.get("endowment") or {}).get("complexity") or {}
    if not complexity:
        return
    b.section(_("report.plan.complexity"))
    refs = b.findings(of_kind(findings, "complexity"))
    b.add(
        KeyValue(
            (
                Tile("ECI", complexity.get("eci"), "dec:2"),
                Tile(_("report.plan.tile.eci_rank"), f"{complexity.get('eci_rank')} / {complexity.get('peers')}"),
                Tile("COI", complexity.get("coi"), "dec:2"),
                Tile(_("report.plan.tile.diversity"), complexity.get("diversity"), "int"),
            )
        )
    )
    region = diagnosis.get("region") or {}
    names = {s["region_id"]: s for s in (diagnosis.get("benchmarks") or {}).get("similar_regions") or []}
    names[diagnosis["region_id"]] = {"name": region.get("name"), "name_en": region.get("name_en")}
    points = [
        {**p, "name_zh": names.get(p["region"], {}).get("name"), "name_en": names.get(p["region"], {}).get("name_en")}
        for p in complexity.get("peer_points") or []
    ]
    if points:
        peers = [r for r in names if r != diagnosis["region_id"]]
        b.add(eci_diversity_scatter(points, focus=diagnosis["region_id"], peers=peers, lang=lang, refs=refs[:1]))


def _chain(b: Builder, chain: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> None:
    _, lang = b._, b.lang
    charts = chain.get("charts") or {}
    graph = charts.get("chain_map") or {}
    b.section(_("report.plan.chain", chain=name_of(graph, lang) or chain["chain_id"]))
    own = [f for f in findings if (f.get("data") or {}).get("chain_id") == chain["chain_id"]]
    refs = b.findings([f for f in own if f.get("kind") == "chain"])
    counts = chain.get("status_counts") or {}
    b.add(
        KeyValue(
            (
                Tile(_("report.plan.tile.completeness"), chain.get("completeness"), "pct:1"),
                Tile(_("report.plan.tile.node_completeness"), chain.get("node_completeness"), "pct:1"),
                Tile(_("report.plan.tile.local_supporting_rate"), chain.get("local_supporting_rate"), "pct:1"),
                Tile(
                    _("report.plan.tile.region_value_added"),
                    chain.get("region_value_added"),
                    "dec:2",
                    note=_("report.plan.national", value=_fmt(chain.get("national_value_added"), "dec:2", lang)),
                ),
            )
        ),
    )
    statuses = ("strong", "present", "weak", "foreign_dependent", "missing")
    b.table(
        _("report.plan.status_counts"),
        [(status_label(s, lang), "int") for s in statuses],
        [tuple(counts.get(s, 0) for s in statuses)],
        notes=b.source_note(f"diagnosis.chains[{chain['chain_id']}].status_counts"),
    )
    if graph.get("nodes"):
        b.add(chain_map_chart(graph, lang=lang, refs=refs[:1]))
    if (charts.get("smile_curve") or {}).get("points"):
        b.add(smile_curve_chart(charts["smile_curve"], lang=lang))
    b.findings([f for f in own if f.get("kind") == "gap" and (f.get("severity") or 0) >= 3])
    items = (chain.get("gaps") or {}).get("items") or []
    shown = top(items, TOP_GAPS, "priority")
    b.table(
        _("report.plan.table.gaps", chain=name_of(graph, lang) or chain["chain_id"]),
        [
            (_("report.plan.col.gap"), "text"),
            (_("report.plan.col.node"), "text"),
            (_("report.plan.col.status"), "text"),
            (_("report.plan.col.priority"), "dec:2"),
            (_("report.plan.col.reason"), "text"),
        ],
        [
            (
                gap_label(g.get("kind"), _),
                name_of(g, lang),
                status_label(g.get("status"), lang),
                g.get("priority"),
                g.get("reason"),
            )
            for g in shown
        ],  # fmt: skip
        notes=b.source_note(f"diagnosis.chains[{chain['chain_id']}].gaps.items"),
        shown=len(shown),
        total=len(items),
    )
    nodes = {n["node_id"]: n for n in chain.get("nodes") or []}
    leaders = top([r for r in chain.get("leaders") or [] if r.get("rank") == 1], TOP_LEADERS, "score")
    b.table(
        _("report.plan.table.leaders", chain=name_of(graph, lang) or chain["chain_id"]),
        [
            (_("report.plan.col.node"), "text"),
            (_("report.plan.col.firm"), "text"),
            (_("report.plan.col.employees"), "int"),
            (_("report.plan.col.revenue"), "int"),
            (_("report.plan.col.local_partners"), "int"),
            (_("report.plan.col.score"), "dec:2"),
        ],
        [
            (
                name_of(nodes.get(r["node_id"], {"id": r["node_id"]}), lang),
                r.get("name"),
                r.get("employees"),
                r.get("revenue"),
                r.get("local_partners"),
                r.get("score"),
            )
            for r in leaders
        ],  # fmt: skip
        notes=b.source_note(f"diagnosis.chains[{chain['chain_id']}].leaders"),
        shown=len(leaders),
        total=sum(1 for r in chain.get("leaders") or [] if r.get("rank") == 1),
    )


def _risks(b: Builder, diagnosis: Mapping[str, Any]) -> None:
    _, lang = b._, b.lang
    b.section(_("report.plan.risks"))
    risks = diagnosis.get("risks") or []
    b.findings(risks)
    rows = []
    for chain in diagnosis.get("chains") or []:
        graph = (chain.get("charts") or {}).get("chain_map") or {}
        for n in graph.get("nodes") or []:
            flagged = n.get("sole_source") or n.get("foreign_sole_source") or n.get("status") == "foreign_dependent"
            if flagged:
                rows.append(
                    (name_of(graph, lang), name_of(n, lang), status_label(n.get("status"), lang),
                     b.yes_no(n.get("sole_source")), b.yes_no(n.get("foreign_sole_source")),
                     n.get("purchase_abroad_share"), n.get("purchase_suppliers"), n.get("purchase_hhi"))
                )  # fmt: skip
    if not rows and not risks:
        b.text(_("report.plan.no_risks"))
        return
    b.table(
        _("report.plan.table.risks"),
        [
            (_("report.plan.col.chain"), "text"),
            (_("report.plan.col.node"), "text"),
            (_("report.plan.col.status"), "text"),
            (_("report.plan.col.sole_source"), "text"),
            (_("report.plan.col.foreign_sole_source"), "text"),
            (_("report.plan.col.abroad_share"), "pct:1"),
            (_("report.plan.col.suppliers"), "int"),
            ("HHI", "dec:2"),
        ],
        rows,
        notes=b.source_note("diagnosis.chains[].charts.chain_map.nodes"),
    )


def _fmt(value: Any, spec: str, lang: str) -> str:
    return format_value(value, spec, lang=lang)
