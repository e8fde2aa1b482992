"""Positioning, project plan, investment targets and roadmap chapters of the planning report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from clusterbrain.report._plan_common import Builder, gap_label, name_of, stage_label, status_label, top
from clusterbrain.report.charts import project_matrix, roadmap_gantt
from clusterbrain.report.document import format_value

__all__ = ["Names", "design_chapter", "kind_label", "positioning_chapter", "roadmap_chapter", "targets_chapter"]

Names = Mapping[tuple[str, str], Mapping[str, Any]]
"""(chain id, node id) -> a node record with ``name_zh`` / ``name_en``."""

TOP_SEGMENTS = 10
TOP_PROJECTS = 30
TOP_TARGET_FINDINGS = 10
TOP_TARGETS = 20
TOP_GANTT = 30
TOP_CONSORTIA = 10


def kind_label(kind: Any, b: Builder) -> str:
    """A project kind (anchor, platform, ecosystem, infrastructure, brand_policy) in the report's language."""
    _ = b._
    labels = {
        "anchor": _("report.plan.kind.anchor"),
        "platform": _("report.plan.kind.platform"),
        "ecosystem": _("report.plan.kind.ecosystem"),
        "infrastructure": _("report.plan.kind.infrastructure"),
        "brand_policy": _("report.plan.kind.brand_policy"),
    }
    return labels.get(kind, str(kind or ""))


def _node(names: Names, chain_id: Any, node_id: Any, lang: str) -> str:
    if node_id is None:
        return ""
    return name_of(names.get((str(chain_id), str(node_id)), {"id": node_id}), lang)


def _conditions(rule: Mapping[str, Any], lang: str) -> str:
    parts = []
    for c in rule.get("conditions") or []:
        value = c.get("value")
        shown = format_value(value, "dec:2" if isinstance(value, float) else "text", lang=lang)
        parts.append(
            f"{c.get('metric')} {shown} {c.get('op', '')} {c.get('threshold')} {'✓' if c.get('holds') else '✗'}"
        )
    return "; ".join(parts)


def positioning_chapter(b: Builder, positioning: Mapping[str, Any], names: Names) -> None:
    """Append the positioning chapter (发展定位) built from ``positioning.json``."""
    _, lang = b._, b.lang
    b.chapter(_("report.plan.positioning"))
    vision = positioning.get("vision") or {}
    b.text(vision.get(lang, ""), style="lead")
    b.section(_("report.plan.niches"))
    b.findings([f for f in positioning.get("findings") or [] if f.get("kind") == "niche"])
    weights = positioning.get("weights") or {}
    segments = positioning.get("segments") or []
    shown = top(segments, TOP_SEGMENTS, "score")
    criteria = ("barrier", "value_added", "national_growth", "relatedness_density", "complexity", "crowding")
    b.table(
        _("report.plan.table.segments"),
        [
            (_("report.plan.col.node"), "text"),
            (_("report.plan.col.stage"), "text"),
            (_("report.plan.col.status"), "text"),
            *[(_criterion(c, b), "dec:2") for c in criteria],
            (_("report.plan.col.score"), "dec:2"),
        ],
        [
            (
                name_of(s, lang),
                stage_label(s.get("stage"), lang),
                status_label(s.get("status"), lang),
                *[s.get(f"z_{c}") for c in criteria],
                s.get("score"),
            )
            for s in shown
        ],  # fmt: skip
        notes=_(
            "report.plan.segments_note",
            weights=", ".join(f"{_criterion(k, b)} {format_value(v, 'dec:1', lang=lang)}" for k, v in weights.items()),
        )
        + " "
        + b.source_note("positioning.segments"),
        shown=len(shown),
        total=len(segments),
    )
    b.section(_("report.plan.mode"))
    b.findings([f for f in positioning.get("findings") or [] if f.get("kind") in ("mode", "approach", "city_type")])
    for key, caption, path in (
        ("mode", _("report.plan.table.modes"), "positioning.mode.rules"),
        ("city_type", _("report.plan.table.city_types"), "positioning.city_type.rules"),
    ):
        rules = (positioning.get(key) or {}).get("rules") or []
        b.table(
            caption,
            [
                (_("report.plan.col.option"), "text"),
                (_("report.plan.col.fired"), "text"),
                (_("report.plan.col.support"), "pct:0"),
                (_("report.plan.col.conditions"), "text"),
            ],
            [(name_of(r, lang), b.yes_no(r.get("fired")), r.get("support"), _conditions(r, lang)) for r in rules],
            notes=b.source_note(path),
        )


def _criterion(key: str, b: Builder) -> str:
    _ = b._
    labels = {
        "barrier": _("report.plan.criterion.barrier"),
        "value_added": _("report.plan.criterion.value_added"),
        "national_growth": _("report.plan.criterion.national_growth"),
        "relatedness_density": _("report.plan.criterion.relatedness_density"),
        "complexity": _("report.plan.criterion.complexity"),
        "crowding": _("report.plan.criterion.crowding"),
    }
    return labels.get(key, key)


def _source(key: str, b: Builder) -> str:
    _ = b._
    labels = {
        "enterprise": _("report.plan.finance.enterprise"),
        "bank_loans": _("report.plan.finance.bank_loans"),
        "industry_fund": _("report.plan.finance.industry_fund"),
        "government": _("report.plan.finance.government"),
        "special_bonds": _("report.plan.finance.special_bonds"),
        "social_capital": _("report.plan.finance.social_capital"),
    }
    return labels.get(key, key)


def design_chapter(
    b: Builder, design: Mapping[str, Any], names: Names, kpis: Mapping[str, Mapping[str, Any]] | None = None
) -> None:
    """Append the project plan chapter (项目设计) built from ``design.json``; ``kpis`` names the KPIs by id."""
    _, lang = b._, b.lang
    b.chapter(_("report.plan.projects"))
    projects = design.get("projects") or []
    if not projects:
        b.text(_("report.plan.no_projects"))
        return
    matrix = project_matrix([{**p, f"kind_{lang}": kind_label(p.get("kind"), b)} for p in projects], lang=lang)
    b.add(replace(matrix, width=0.7))
    kpi_names = kpis or {}
    shown = sorted(projects, key=lambda p: (p.get("priority") or 9, p.get("project_id") or ""))[:TOP_PROJECTS]
    b.table(
        _("report.plan.table.projects"),
        [
            ("ID", "text"),
            (_("report.plan.col.project"), "text"),
            (_("report.plan.col.kind"), "text"),
            (_("report.plan.col.priority"), "int"),
            (_("report.plan.col.kpi"), "text"),
            (_("report.plan.col.owner"), "text"),
            (_("report.plan.col.start"), "text"),
            (_("report.plan.col.end"), "text"),
        ],
        [
            (
                p.get("project_id"),
                name_of(p, lang),
                kind_label(p.get("kind"), b),
                p.get("priority"),
                name_of(kpi_names.get(p.get("kpi") or "", {"id": p.get("kpi")}), lang),
                p.get(f"owner_{lang}"),
                str(p.get("start") or "")[:7],
                str(p.get("end") or "")[:7],
            )
            for p in shown
        ],  # fmt: skip
        notes=b.source_note("design.projects"),
        shown=len(shown),
        total=len(projects),
    )
    financing = (design.get("params") or {}).get("financing") or {}
    sources = list(dict.fromkeys(s for mix in financing.values() for s in mix))
    b.table(
        _("report.plan.table.financing"),
        [(_("report.plan.col.kind"), "text"), *[(_source(s, b), "pct:0") for s in sources]],
        [(kind_label(kind, b), *[mix.get(s) for s in sources]) for kind, mix in financing.items()],
        notes=b.source_note("design.params.financing"),
    )
    profiled = [p for p in projects if (p.get("profile") or {}).get("firm_name")]
    b.table(
        _("report.plan.table.profiles"),
        [
            ("ID", "text"),
            (_("report.plan.col.firm"), "text"),
            (_("report.plan.col.revenue"), "int"),
            (_("report.plan.col.rd_intensity"), "pct:1"),
            (_("report.plan.col.links_to_region"), "int"),
        ],
        [
            (
                p.get("project_id"),
                p["profile"].get("firm_name"),
                p["profile"].get("revenue"),
                p["profile"].get("rd_intensity"),
                p["profile"].get("links_to_region"),
            )
            for p in profiled[:TOP_PROJECTS]
        ],  # fmt: skip
        notes=b.source_note("design.projects[].profile"),
        shown=min(len(profiled), TOP_PROJECTS),
        total=len(profiled),
    )
    for package in dict.fromkeys(p["profile"].get(f"package_{lang}") for p in profiled):
        if package:
            b.text(_("report.plan.package", package=package))
    consortia = (design.get("consortia") or [])[:TOP_CONSORTIA]
    b.table(
        _("report.plan.table.consortia"),
        [
            (_("report.plan.col.local_node"), "text"),
            (_("report.plan.col.local_firm"), "text"),
            (_("report.plan.col.partner_node"), "text"),
            (_("report.plan.col.partner_firm"), "text"),
            (_("report.plan.col.existing_link"), "text"),
        ],
        [
            (
                _node(names, c.get("chain_id"), c.get("local_node"), lang),
                c.get("local_name"),
                _node(names, c.get("chain_id"), c.get("partner_node"), lang),
                c.get("partner_name"),
                b.yes_no(c.get("existing_link")),
            )
            for c in consortia
        ],  # fmt: skip
        notes=b.source_note("design.consortia"),
        shown=len(consortia),
        total=len(design.get("consortia") or []),
    )
    existing = design.get("existing_projects") or []
    b.table(
        _("report.plan.table.existing_projects"),
        [
            (_("report.plan.col.project"), "text"),
            (_("report.plan.col.kind"), "text"),
            (_("report.plan.col.owner"), "text"),
            (_("report.plan.col.start"), "text"),
            (_("report.plan.col.end"), "text"),
            (_("report.plan.col.budget"), "int"),
            (_("report.plan.col.addresses_gap"), "text"),
        ],
        [
            (
                p.get("name"),
                kind_label(p.get("type"), b),
                p.get("owner"),
                str(p.get("start") or "")[:7],
                str(p.get("end") or "")[:7],
                p.get("budget"),
                b.yes_no(p.get("addresses_gap")),
            )
            for p in existing
        ],  # fmt: skip
        notes=b.source_note("design.existing_projects"),
    )


def targets_chapter(b: Builder, design: Mapping[str, Any], names: Names) -> None:
    """Append the investment target chapter (招商目标清单) built from ``design.json``."""
    _, lang = b._, b.lang
    b.chapter(_("report.plan.targets"))
    nodes = design.get("investment_targets") or []
    if not nodes:
        b.text(_("report.plan.no_targets"))
        return
    targets = [f for f in design.get("findings") or [] if f.get("kind") == "target"]
    b.findings(targets[:TOP_TARGET_FINDINGS], bullets=True)
    firsts = [(n, n["targets"][0]) for n in nodes if n.get("targets")]
    firsts.sort(key=lambda pair: -(pair[1].get("score") or 0.0))
    b.table(
        _("report.plan.table.first_targets"),
        [
            (_("report.plan.col.node"), "text"),
            (_("report.plan.col.gap"), "text"),
            (_("report.plan.col.candidates"), "int"),
            (_("report.plan.col.firm"), "text"),
            (_("report.plan.col.region"), "text"),
            (_("report.plan.col.revenue"), "int"),
            (_("report.plan.col.score"), "dec:2"),
        ],
        [
            (
                name_of(n, lang),
                gap_label(n.get("gap"), _),
                n.get("candidates_considered"),
                t.get("name"),
                t.get("region_id") or t.get("country"),
                t.get("revenue"),
                t.get("score"),
            )
            for n, t in firsts
        ],  # fmt: skip
        notes=b.source_note("design.investment_targets[].targets[0]"),
    )
    every = [{**t, "node": name_of(n, lang)} for n in nodes for t in n.get("targets") or []]
    shown = top(every, TOP_TARGETS, "score")
    b.table(
        _("report.plan.table.targets"),
        [
            (_("report.plan.col.firm"), "text"),
            (_("report.plan.col.node"), "text"),
            (_("report.plan.col.rd_intensity"), "pct:1"),
            (_("report.plan.col.links_to_region"), "int"),
            (_("report.plan.col.score"), "dec:2"),
        ],
        [
            (
                t.get("name"),
                t["node"],
                t.get("rd_intensity"),
                t.get("links_to_region"),
                t.get("score"),
            )
            for t in shown
        ],  # fmt: skip
        notes=b.source_note("design.investment_targets[].targets"),
        shown=len(shown),
        total=len(every),
    )


def roadmap_chapter(b: Builder, design: Mapping[str, Any]) -> None:
    """Append the roadmap chapter (实施路线图): the Gantt chart and the milestones of first-priority projects."""
    _, lang = b._, b.lang
    b.chapter(_("report.plan.roadmap"))
    gantt: Sequence[Mapping[str, Any]] = design.get("gantt") or []
    if not gantt:
        b.text(_("report.plan.no_projects"))
        return
    tasks = sorted(gantt, key=lambda t: (t.get("priority") or 9, str(t.get("start")), t.get("task") or ""))
    shown = tasks[:TOP_GANTT]
    drawn = [{**t, f"group_{lang}": kind_label(t.get("group"), b)} for t in shown]
    caption = _("chart.caption.gantt")
    if len(shown) < len(tasks):
        caption += " " + _("report.plan.top_note", shown=len(shown), total=len(tasks))
    b.add(roadmap_gantt(drawn, lang=lang, caption=caption))
    first = [p for p in design.get("projects") or [] if p.get("priority") == 1]
    b.table(
        _("report.plan.table.milestones"),
        [
            ("ID", "text"),
            (_("report.plan.col.project"), "text"),
            (_("report.plan.col.milestone"), "text"),
            (_("report.plan.col.date"), "text"),
        ],
        [
            (p.get("project_id"), name_of(p, lang), name_of(m, lang), str(m.get("date") or "")[:10])
            for p in first
            for m in p.get("milestones") or []
        ],
        notes=b.source_note("design.projects[].milestones"),
    )
