"""The KPI scorecard chapter of the planning report: status tiles, the scorecard chart, alerts and changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clusterbrain.report._plan_common import Builder, auto_spec, name_of
from clusterbrain.report.charts import kpi_scorecard
from clusterbrain.report.document import KeyValue, Tile, format_value

__all__ = ["headline_target", "kpi_status_label", "monitoring_chapter", "shown_value"]


def kpi_status_label(status: Any, b: Builder) -> str:
    """A KPI status (on_track, at_risk, off_track, no_target, no_data) in the report's language."""
    _ = b._
    labels = {
        "on_track": _("chart.status.on_track"),
        "at_risk": _("chart.status.at_risk"),
        "off_track": _("chart.status.off_track"),
        "no_target": _("report.plan.kpi.no_target"),
        "no_data": _("report.plan.kpi.no_data"),
    }
    return labels.get(status, str(status or ""))


def headline_target(kpi: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The target of the KPI's target year (the one its status is judged against), if any."""
    targets = kpi.get("targets") or []
    chosen = [t for t in targets if t.get("year") == kpi.get("target_year")]
    return chosen[-1] if chosen else (targets[-1] if targets else None)


def shown_value(value: Any, lang: str) -> str:
    """A KPI value as the report shows it (whole numbers from 1,000 up, else two decimals)."""
    return format_value(value, auto_spec(value), lang=lang)


def monitoring_chapter(b: Builder, monitoring: Mapping[str, Any]) -> None:
    """Append the KPI scorecard chapter (监测评估) built from ``monitoring.json``."""
    _, lang = b._, b.lang
    b.chapter(_("report.plan.kpis"))
    kpis = monitoring.get("kpis") or []
    summary = monitoring.get("summary") or {}
    b.text(_("report.plan.kpi_intro", year=monitoring.get("year"), previous=monitoring.get("previous_year")))
    b.add(
        KeyValue(
            tuple(
                Tile(kpi_status_label(s, b), summary.get(s, 0), "int", status=c)
                for s, c in (("on_track", "good"), ("at_risk", "warn"), ("off_track", "bad"), ("no_target", None))
            )
        )
    )
    targeted = [(k, headline_target(k)) for k in kpis]
    drawn = [
        {
            "name_zh": k.get("name_zh"),
            "name_en": k.get("name_en"),
            "actual": t.get("attainment"),
            "target": 1.0,
            "status": k.get("status"),
            "text": f"{shown_value(k.get('latest'), lang)} → {shown_value(t.get('projected'), lang)}"
            f" / {shown_value(t.get('target'), lang)}",
        }
        for k, t in targeted
        if t is not None and t.get("attainment") is not None
    ]
    findings = {f["id"]: f for f in monitoring.get("findings") or []}
    alerts = [findings[a] for a in monitoring.get("alerts") or [] if a in findings]
    if drawn:
        b.add(kpi_scorecard(drawn, lang=lang, caption=_("report.plan.kpi_caption")))
    b.table(
        _("report.plan.table.kpis"),
        [
            (_("report.plan.col.kpi"), "text"),
            (_("report.plan.col.unit"), "text"),
            (_("report.plan.col.year"), "text"),
            (_("report.plan.col.latest"), "int"),
            (_("report.plan.col.target_year"), "text"),
            (_("report.plan.col.target"), "int"),
            (_("report.plan.col.projected"), "int"),
            (_("report.plan.col.attainment"), "pct:0"),
            (_("report.plan.col.status"), "text"),
        ],
        [
            (
                name_of(k, lang),
                k.get("unit"),
                k.get("latest_year"),
                shown_value(k.get("latest"), lang),
                k.get("target_year") or "",
                shown_value((t or {}).get("target"), lang),
                shown_value((t or {}).get("projected"), lang),
                (t or {}).get("attainment"),
                kpi_status_label(k.get("status"), b),
            )
            for k, t in targeted
        ],  # fmt: skip
        notes=b.source_note("monitoring.kpis"),
    )
    if alerts:
        b.section(_("report.plan.alerts"))
        b.findings(alerts)
    changes = monitoring.get("changes") or []
    if changes:
        b.section(_("report.plan.changes"))
        names = {k["kpi"]: k for k in kpis}
        b.table(
            _("report.plan.table.changes", previous=monitoring.get("previous_year"), year=monitoring.get("year")),
            [
                (_("report.plan.col.kpi"), "text"),
                (str(monitoring.get("previous_year") or ""), "int"),
                (str(monitoring.get("year") or ""), "int"),
                (_("report.plan.col.change"), "pct:1"),
            ],
            [
                (
                    name_of(names.get(c["data"].get("kpi"), {"id": c["data"].get("kpi")}), lang),
                    shown_value(c["data"].get("previous"), lang),
                    shown_value(c["data"].get("current"), lang),
                    c["data"].get("relative_change"),
                )
                for c in changes
                if c.get("data")
            ],  # fmt: skip
            notes=b.source_note("monitoring.changes"),
        )
