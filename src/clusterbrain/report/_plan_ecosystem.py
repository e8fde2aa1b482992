"""Diagnosis sections of the planning report: cluster type, benchmarks, ecosystem, competition, PESTEL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clusterbrain.report._plan_common import Builder, auto_spec, name_of, top
from clusterbrain.report.charts import dimension_radar
from clusterbrain.report.document import KeyValue, Tile, format_value

__all__ = [
    "benchmarks_section",
    "cluster_type_section",
    "competition_section",
    "ecosystem_section",
    "of_kind",
    "pestel_section",
]

TOP_CROWDED = 10


def of_kind(findings: Sequence[Mapping[str, Any]], *kinds: str) -> list[Mapping[str, Any]]:
    """The findings of the given kinds, in order."""
    return [f for f in findings if f.get("kind") in kinds]


def _fmt(value: Any, spec: str, lang: str) -> str:
    return format_value(value, spec, lang=lang)


def cluster_type_section(b: Builder, diagnosis: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> None:
    """Append the agglomeration-versus-cluster section: the verdict, the radar and the eight dimensions."""
    _, lang = b._, b.lang
    ct = diagnosis.get("cluster_type") or {}
    dims = ct.get("dimensions") or []
    if not dims:
        return
    b.section(_("report.plan.cluster_type"))
    refs = b.findings(of_kind(findings, "classification"))
    cluster_at = (ct.get("thresholds") or {}).get("cluster_at")
    drawn = [{**d, "benchmark": cluster_at} for d in dims] if cluster_at is not None else dims
    caption = _("report.plan.radar_caption", threshold=_fmt(cluster_at, "dec:2", lang))
    b.add(dimension_radar(drawn, lang=lang, caption=caption, refs=refs[:1]))
    b.table(
        _("report.plan.table.dimensions"),
        [
            (_("report.plan.col.dimension"), "text"),
            (_("report.plan.col.metric"), "text"),
            (_("report.plan.col.value"), "dec:2"),
            (_("report.plan.col.agglomeration_anchor"), "dec:2"),
            (_("report.plan.col.cluster_anchor"), "dec:2"),
            (_("report.plan.col.score"), "dec:2"),
        ],
        [
            (
                name_of(d, lang),
                d.get("metric"),
                d.get("value"),
                d.get("agglomeration_anchor"),
                d.get("cluster_anchor"),
                d.get("score"),
            )
            for d in dims
        ],  # fmt: skip
        notes=b.source_note("diagnosis.cluster_type.dimensions"),
    )


def benchmarks_section(b: Builder, diagnosis: Mapping[str, Any]) -> None:
    """Append the benchmark section: similar regions and the leading region of each chain."""
    _, lang = b._, b.lang
    bench = diagnosis.get("benchmarks") or {}
    similar, leaders = bench.get("similar_regions") or [], bench.get("chain_leaders") or []
    if not similar and not leaders:
        return
    b.section(_("report.plan.benchmarks"))
    b.table(
        _("report.plan.table.similar_regions"),
        [
            (_("report.plan.col.region"), "text"),
            (_("report.plan.col.similarity"), "dec:2"),
            (_("report.plan.col.structure_similarity"), "dec:2"),
            (_("report.plan.col.size_similarity"), "dec:2"),
            (_("report.plan.col.employment"), "int"),
        ],
        [
            (
                s.get("name_en") if lang == "en" else s.get("name"),
                s.get("similarity"),
                s.get("structure_similarity"),
                s.get("size_similarity"),
                s.get("employment"),
            )
            for s in similar
        ],  # fmt: skip
        notes=b.source_note("diagnosis.benchmarks.similar_regions"),
    )
    chains = {c["chain_id"]: (c.get("charts") or {}).get("chain_map") or {} for c in diagnosis.get("chains") or []}
    b.table(
        _("report.plan.table.chain_leaders"),
        [
            (_("report.plan.col.chain"), "text"),
            (_("report.plan.col.leader_region"), "text"),
            (_("report.plan.col.leader_employment"), "int"),
            (_("report.plan.col.focus_employment"), "int"),
            (_("report.plan.col.rank"), "text"),
            (_("report.plan.col.gap_to_leader"), "pct:1"),
        ],
        [
            (
                name_of(chains.get(r["chain_id"], {"id": r["chain_id"]}), lang),
                r.get("leader_name"),
                r.get("leader_employment"),
                r.get("focus_employment"),
                f"{r.get('focus_rank')} / {r.get('regions_with_chain')}",
                r.get("gap_to_leader"),
            )
            for r in leaders
        ],  # fmt: skip
        notes=b.source_note("diagnosis.benchmarks.chain_leaders"),
    )


def ecosystem_section(b: Builder, diagnosis: Mapping[str, Any]) -> None:
    """Append the ecosystem section: the six elements, the drivers and the ecosystem scorecard."""
    _, lang = b._, b.lang
    elements, drivers = diagnosis.get("elements") or [], diagnosis.get("drivers") or []
    scorecard = diagnosis.get("ecosystem_scorecard") or []
    if not (elements or drivers or scorecard):
        return
    b.section(_("report.plan.ecosystem"))
    b.table(
        _("report.plan.table.elements"),
        [
            (_("report.plan.col.element"), "text"),
            (_("report.plan.col.count"), "int"),
            (_("report.plan.col.present"), "text"),
            (_("report.plan.col.source"), "text"),
        ],
        [(name_of(e, lang), e.get("count"), b.yes_no(e.get("present")), e.get("source")) for e in elements],
        notes=b.source_note("diagnosis.elements"),
    )
    b.table(
        _("report.plan.table.drivers"),
        [(_("report.plan.col.driver"), "text"), (_("report.plan.col.indicators"), "text")],
        [(name_of(d, lang), _indicators(d.get("indicators") or {}, lang)) for d in drivers],
        notes=b.source_note("diagnosis.drivers"),
    )
    b.table(
        _("report.plan.table.ecosystem_scorecard"),
        [
            (_("report.plan.col.trait"), "text"),
            (_("report.plan.col.metric"), "text"),
            (_("report.plan.col.value"), "text"),
            (_("report.plan.col.status"), "text"),
        ],
        [
            (
                name_of(t, lang),
                t.get("metric"),
                _fmt(t.get("value"), auto_spec(t.get("value")), lang),
                _trait_status(t.get("status"), b),
            )
            for t in scorecard
        ],  # fmt: skip
        notes=b.source_note("diagnosis.ecosystem_scorecard"),
    )


def _trait_status(status: Any, b: Builder) -> str:
    _ = b._
    labels = {
        "present": _("report.plan.trait.present"),
        "absent": _("report.plan.trait.absent"),
        "no_data": _("report.plan.trait.no_data"),
    }
    return labels.get(status, str(status or ""))


def _indicators(indicators: Mapping[str, Any], lang: str) -> str:
    return "; ".join(f"{k} {_fmt(v, auto_spec(v), lang)}" for k, v in indicators.items())


def competition_section(b: Builder, diagnosis: Mapping[str, Any]) -> None:
    """Append the competition section: overlap with peers and crowded industries."""
    _, lang = b._, b.lang
    comp = diagnosis.get("competition") or {}
    if not comp:
        return
    b.section(_("report.plan.competition"))
    b.add(
        KeyValue(
            (
                Tile(_("report.plan.tile.overlap_index"), comp.get("overlap_index"), "dec:2"),
                Tile(_("report.plan.tile.crowded_share"), comp.get("crowded_share"), "pct:0"),
            )
        )
    )
    b.table(
        _("report.plan.table.overlapping"),
        [(_("report.plan.col.region"), "text"), ("Jaccard", "dec:2")],
        [(r.get("region_id"), r.get("jaccard")) for r in comp.get("most_overlapping") or []],
        notes=b.source_note("diagnosis.competition.most_overlapping"),
    )
    crowded = [r for r in comp.get("specialised") or [] if r.get("crowded")]
    shown = top(crowded, TOP_CROWDED, "crowding")
    b.table(
        _("report.plan.table.crowded"),
        [
            (_("report.plan.col.code"), "text"),
            (_("report.plan.col.industry"), "text"),
            (_("report.plan.col.peers_specialised"), "int"),
            (_("report.plan.col.crowding"), "pct:0"),
        ],
        [(r.get("industry"), name_of(r, lang), r.get("peers_specialised"), r.get("crowding")) for r in shown],
        notes=b.source_note("diagnosis.competition.specialised"),
        shown=len(shown),
        total=len(crowded),
    )


def pestel_section(b: Builder, rows: Sequence[Mapping[str, Any]]) -> None:
    """Append the planner's PESTEL sheet as a table."""
    _ = b._
    b.section("PESTEL")
    b.table(
        _("report.plan.table.pestel"),
        [
            (_("report.plan.col.factor"), "text"),
            (_("report.plan.col.item"), "text"),
            (_("report.plan.col.impact"), "text"),
            (_("report.plan.col.weight"), "int"),
            (_("report.plan.col.source"), "text"),
        ],
        [(r.get("factor"), r.get("item"), r.get("impact"), r.get("weight"), r.get("source")) for r in rows],
        notes=b.source_note("diagnosis.pestel"),
    )
