"""The firm health-check report (企业体检报告): one firm's check on a page or two, or a region's batch.

:func:`firm_document` presents one health-check JSON document
(:meth:`clusterbrain.workflow.firms.HealthChecks.document`): key indicators with the firm's
percentile among its industry peers, strengths, weaknesses and risks with their evidence,
the indicator table, its place on the chains, its local and external links, its supply
risks and the policies it may apply for. :func:`firm_batch_document` puts many firms in one
document, each starting on a new page; :func:`write_firm_reports` writes them to files.
Nothing is computed here: values are selected and formatted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from clusterbrain._validation import check_option
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report._firm_chart import percentile_chart
from clusterbrain.report._plan_common import Builder, auto_spec, name_of
from clusterbrain.report.document import (
    LANGS,
    BulletList,
    Document,
    Heading,
    KeyValue,
    PageBreak,
    Tile,
    format_value,
)
from clusterbrain.report.render import FORMATS, render

__all__ = ["firm_batch_document", "firm_document", "firm_report_name", "write_firm_reports"]

KEY_INDICATORS = ("revenue_growth", "rd_intensity", "labour_productivity", "tax_per_mu")
RATIO_UNITS = ("比值", "ratio")
WEAK, STRONG = 0.25, 0.75


@cache
def _node_names() -> dict[tuple[str, str], dict[str, str]]:
    from clusterbrain.workflow.chains import builtin_templates  # the chain templates name the nodes

    return {
        (chain_id, node.id): {"name_zh": node.name_zh, "name_en": node.name_en}
        for chain_id, template in builtin_templates().items()
        for node in template.nodes
    }


def _spec(indicator: Mapping[str, Any]) -> str:
    """The format spec of an indicator's value: ratios as percentages."""
    return "pct:1" if indicator.get("unit") in RATIO_UNITS else auto_spec(indicator.get("value"))


def _unit(indicator: Mapping[str, Any], lang: str) -> str:
    if indicator.get("unit") in RATIO_UNITS:
        return ""
    return str(indicator.get("unit_en") if lang == "en" else indicator.get("unit") or "")


def _tile_status(pct: Any, higher_is_better: Any) -> str | None:
    if pct is None or higher_is_better is None:
        return None
    return "bad" if pct <= WEAK else "good" if pct >= STRONG else None


def _firm_blocks(b: Builder, check: Mapping[str, Any], *, chart: bool, named: bool) -> None:
    """One firm's blocks: its name as a chapter heading when ``named`` (a batch), then its sections."""
    _, lang = b._, b.lang
    firm_id = str(check.get("firm_id"))
    if named:
        b.add(Heading(1, f"{check.get('name') or firm_id}"))
    tags = "、".join(check.get("tags") or []) if lang == "zh" else ", ".join(check.get("tags") or [])
    b.text(
        _(
            "report.firm.identity",
            firm_id=firm_id,
            region=check.get("region_id") or "—",
            industry=check.get("industry_code") or "—",
            year=check.get("year") or "—",
            tags=tags or "—",
        ),
        style="note",
    )
    indicators = list(check.get("indicators") or [])
    by_key = {i.get("key"): i for i in indicators}
    tiles = []
    for key in KEY_INDICATORS:
        ind = by_key.get(key)
        if ind is None:
            continue
        pct = ind["peers"]["region"]["percentile"] if ind.get("peers") else None
        note = _("report.firm.percentile_note", pct=format_value(pct, "pct:0", lang=lang))
        unit = _unit(ind, lang)
        label = (
            f"{name_of(ind, lang)}（{unit}）"
            if unit and lang == "zh"
            else f"{name_of(ind, lang)} ({unit})"
            if unit
            else name_of(ind, lang)
        )
        tiles.append(
            Tile(label, ind.get("value"), _spec(ind), note=note, status=_tile_status(pct, ind.get("higher_is_better")))
        )
    if tiles:
        b.add(KeyValue(tuple(tiles)))
    findings = [{**f, "id": f"{firm_id}:{f['id']}"} for f in check.get("findings") or []]
    refs = b.findings(findings, bullets=True) if findings else []
    b.add(Heading(2, _("report.firm.indicators")))
    b.table(
        _("report.firm.table.indicators"),
        [
            (_("report.firm.col.indicator"), "text"),
            (_("report.firm.col.value"), "int"),
            (_("report.firm.col.unit"), "text"),
            (_("report.firm.col.region_pct"), "pct:0"),
            (_("report.firm.col.region_median"), "int"),
            (_("report.firm.col.nation_pct"), "pct:0"),
            (_("report.firm.col.trend"), "text"),
        ],
        [
            (
                name_of(i, lang),
                _value(i, "value", lang),
                _unit(i, lang),
                i["peers"]["region"]["percentile"],
                _value(i["peers"]["region"], "median", lang, like=i),
                i["peers"]["nation"]["percentile"],
                _trend((i.get("trend") or {}).get("direction"), b),
            )
            for i in indicators
            if i.get("peers")
        ],  # fmt: skip
        notes=_("report.firm.table.indicators_note"),
        refs=refs[:1],
    )
    if chart and any((i.get("peers") or {}).get("region", {}).get("percentile") is not None for i in indicators):
        b.add(percentile_chart(indicators, lang=lang))
    _chain_and_links(b, check)
    _risks_and_policies(b, check)
    _srdi(b, check)
    _mujun(b, check)


def _value(record: Mapping[str, Any], key: str, lang: str, *, like: Mapping[str, Any] | None = None) -> str:
    indicator = like or record
    spec = "pct:1" if indicator.get("unit") in RATIO_UNITS else auto_spec(record.get(key))
    return format_value(record.get(key), spec, lang=lang)


def _trend(direction: Any, b: Builder) -> str:
    _ = b._
    labels = {
        "rising": _("report.firm.trend.rising"),
        "falling": _("report.firm.trend.falling"),
        "flat": _("report.firm.trend.flat"),
    }
    return labels.get(direction, "—")


def _chain_and_links(b: Builder, check: Mapping[str, Any]) -> None:
    _, lang = b._, b.lang
    chain = check.get("chain") or []
    links = check.get("links")
    b.add(Heading(2, _("report.firm.chain")))
    if chain:
        names = _node_names()
        b.table(
            _("report.firm.table.chain"),
            [
                (_("report.firm.col.node"), "text"),
                (_("report.firm.col.node_firms"), "int"),
                (_("report.firm.col.node_share"), "pct:2"),
                (_("report.firm.col.node_rank"), "int"),
            ],
            [
                (
                    name_of(names.get((c.get("chain_id"), c.get("node_id")), {"id": c.get("node_id")}), lang),
                    c.get("node_firms"),
                    c.get("node_share"),
                    c.get("node_rank"),
                )
                for c in chain
            ],  # fmt: skip
        )
    else:
        b.text(_("report.firm.no_chain"))
    if links and any(v is not None for v in links.values()):
        b.add(
            KeyValue(
                (
                    Tile(
                        _("report.firm.tile.suppliers"),
                        f"{_n(links.get('suppliers_local'), lang)} / {_n(links.get('suppliers_external'), lang)}",
                        note=_("report.firm.local_external"),
                    ),
                    Tile(_("report.firm.tile.purchases_local"), links.get("purchases_local_share"), "pct:1"),
                    Tile(
                        _("report.firm.tile.customers"),
                        f"{_n(links.get('customers_local'), lang)} / {_n(links.get('customers_external'), lang)}",
                        note=_("report.firm.local_external"),
                    ),
                    Tile(_("report.firm.tile.sales_local"), links.get("sales_local_share"), "pct:1"),
                ),  # fmt: skip
                caption=_("report.firm.links"),
            )
        )


def _n(value: Any, lang: str) -> str:
    return format_value(value, "int", lang=lang)


def _risks_and_policies(b: Builder, check: Mapping[str, Any]) -> None:
    _, lang = b._, b.lang
    risks = check.get("risks")
    b.add(Heading(2, _("report.firm.risks")))
    if risks:
        sep = "、" if lang == "zh" else ", "
        inputs = str(risks.get("foreign_sole_source_inputs") or "").replace(";", sep)
        unknown = str(risks.get("unknown_origin_sole_source_inputs") or "").replace(";", sep)
        b.add(
            KeyValue(
                (
                    Tile(_("report.firm.tile.supplier_count"), risks.get("suppliers"), "int"),
                    Tile(_("report.firm.tile.input_value"), risks.get("input_value"), "int"),
                    Tile(
                        "HHI",
                        risks.get("supplier_hhi"),
                        "dec:2",
                        status="bad" if risks.get("supplier_concentration") else "good",
                    ),
                    Tile(
                        _("report.firm.tile.foreign_sole_source"),
                        inputs or _("report.firm.none"),
                        status="bad" if risks.get("foreign_sole_source") else "good",
                    ),
                    Tile(
                        _("report.firm.tile.unknown_origin_sole_source"),
                        unknown or _("report.firm.none"),
                        status="warn" if risks.get("unknown_origin_sole_source") else "good",
                    ),
                )  # fmt: skip
            )
        )
    else:
        b.text(_("report.firm.no_links"))
    policies = check.get("policies") or []
    b.add(Heading(2, _("report.firm.policies")))
    if not policies:
        b.text(_("report.firm.no_policies"))
        return
    b.table(
        _("report.firm.table.policies"),
        [
            (_("report.firm.col.policy"), "text"),
            (_("report.firm.col.benefit"), "text"),
            (_("report.firm.col.conditions"), "text"),
        ],
        [(p.get("name"), p.get("benefit") or "—", p.get(f"reason_{lang}")) for p in policies],
    )


def _srdi(b: Builder, check: Mapping[str, Any]) -> None:
    """专精特新 readiness: each level's status, the conditions missed (by how much) and those to confirm."""
    _, lang = b._, b.lang
    srdi = check.get("srdi") or {}
    levels = srdi.get("levels") or []
    if not levels:
        return
    rules = srdi.get("rules") or {}
    names = rules.get("criteria") or {}
    suffix = "" if lang == "zh" else "_en"
    sep = "；" if lang == "zh" else "; "
    b.add(Heading(2, _("report.firm.srdi")))
    for lv in levels:
        known = names.get(lv["level"]) or {}
        unknown = sep.join(str((known.get(c) or {}).get(f"name_{lang}") or c) for c in lv.get("unknown") or [])
        b.text(_("report.firm.srdi.level", level=lv.get(f"name_{lang}"), status=lv.get(f"status_{lang}")), style="lead")
        items = []
        if lv.get("missed"):
            items.append(_("report.firm.srdi.missed", detail=lv.get(f"missed_detail{suffix}") or "—"))
        if unknown:
            items.append(_("report.firm.srdi.to_confirm", criteria=unknown))
        if items:
            b.add(BulletList(tuple(items)))
    note = _("report.firm.srdi.note", edition=rules.get("edition") or "—")
    if not rules.get("verified"):
        note += (" " if lang == "en" else "") + _("report.firm.srdi_unverified")
    b.text(note, style="note")


def _mujun(b: Builder, check: Mapping[str, Any]) -> None:
    """亩均效益评价: the firm's class, score and rank in its region, and the measures of its class."""
    _, lang = b._, b.lang
    mujun = check.get("mujun")
    if not mujun:
        return
    b.add(Heading(2, _("report.firm.mujun")))
    if not mujun.get("evaluated"):
        b.text(_("report.firm.mujun.not_evaluated", reason=mujun.get(f"exemption_{lang}") or "—"))
        return
    cls = mujun.get("class")
    status = "good" if cls == "A" else "bad" if cls in ("C", "D") else None
    rank = f"{format_value(mujun.get('rank'), 'int', lang=lang)} / {format_value(mujun.get('of'), 'int', lang=lang)}"
    tiles = (
        Tile(_("report.firm.mujun.class"), cls, status=status),
        Tile(_("report.firm.mujun.score"), mujun.get("score"), "dec:1"),
        Tile(_("report.firm.mujun.rank"), rank),
        Tile(_("report.firm.mujun.group"), mujun.get(f"group_{lang}") or mujun.get("group")),
    )
    b.add(KeyValue(tiles))
    measures = (mujun.get("measures") or {}).get(lang) or []
    if measures:
        b.text(_("report.firm.mujun.measures", cls=cls), style="lead")
        b.add(BulletList(tuple(measures)))
    rules = mujun.get("rules") or {}
    b.text(_("report.firm.mujun.note", rules=rules.get("id") or "—", version=rules.get("version") or "—"), style="note")


def _meta(check: Mapping[str, Any], b: Builder) -> tuple[tuple[str, str], ...]:
    _ = b._
    settings = check.get("settings") or {}
    return (
        (_("report.firm.meta.year"), str(check.get("year") or "—")),
        (_("report.firm.meta.as_of"), str(settings.get("as_of") or "—")),
        (_("report.firm.meta.peers"), _("report.firm.peers", digits=settings.get("code_digits", "—"))),
    )


def firm_document(check: Mapping[str, Any], *, lang: str, chart: bool = True) -> Document:
    """The health-check report of one firm (one or two pages) from its health-check JSON document."""
    check_option(lang, "lang", "firm_document", LANGS)
    b = Builder(lang)
    _firm_blocks(b, check, chart=chart, named=False)
    return Document(
        title=b._("report.firm.title", name=check.get("name") or check.get("firm_id")),
        subtitle=b._("report.firm.subtitle"),
        lang=lang,
        blocks=tuple(b.blocks),
        meta=_meta(check, b),
        references=tuple(b.references.values()),
        toc=False,
    )


def firm_batch_document(
    checks: Sequence[Mapping[str, Any]], *, lang: str, title: str | None = None, chart: bool = False
) -> Document:
    """The health checks of many firms in one document, one firm per section, each starting a new page."""
    check_option(lang, "lang", "firm_batch_document", LANGS)
    if not checks:
        raise InvalidParameterError("firm_batch_document needs at least one health check. Got none.")
    b = Builder(lang)
    for i, check in enumerate(checks):
        if i:
            b.add(PageBreak())
        _firm_blocks(b, check, chart=chart, named=True)
    return Document(
        title=title or b._("report.firm.batch_title", n=len(checks)),
        subtitle=b._("report.firm.subtitle"),
        lang=lang,
        blocks=tuple(b.blocks),
        meta=_meta(checks[0], b),
        references=tuple(b.references.values()),
        toc=len(checks) > 1,
    )


def firm_report_name(lang: str, fmt: str, *, firm_id: str | None = None) -> str:
    """``firm-<id>-<lang>.<fmt>`` for one firm, ``firms-<lang>.<fmt>`` for a batch.

    >>> firm_report_name("zh", "pdf", firm_id="F1"), firm_report_name("en", "docx")
    ('firm-F1-zh.pdf', 'firms-en.docx')
    """
    return f"firm-{firm_id}-{lang}.{fmt}" if firm_id is not None else f"firms-{lang}.{fmt}"


def write_firm_reports(
    checks: Iterable[Mapping[str, Any]],
    out_dir: str | Path,
    *,
    formats: Iterable[str] = ("html",),
    langs: Iterable[str] = ("zh",),
    combined: bool | None = None,
    chart: bool | None = None,
) -> list[Path]:
    """Write health-check reports into ``out_dir`` and return the paths.

    One check gives ``firm-<id>-<lang>.<fmt>``. Several give one batch document
    ``firms-<lang>.<fmt>`` (``combined`` true, the default for several) or one file per firm
    (``combined`` false). ``chart`` (default: true for single-firm files, false in a batch)
    draws the percentile chart.
    """
    items = list(checks)
    if not items:
        raise InvalidParameterError("write_firm_reports needs at least one health check. Got none.")
    fmts = [check_option(f, "formats", "write_firm_reports", FORMATS) for f in dict.fromkeys(formats)]
    languages = [check_option(x, "langs", "write_firm_reports", LANGS) for x in dict.fromkeys(langs)]
    together = len(items) > 1 if combined is None else combined
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in languages:
        if together:
            document = firm_batch_document(items, lang=lang, chart=bool(chart))
            written += [render(document, fmt, out / firm_report_name(lang, fmt)) for fmt in fmts]
            continue
        for check in items:
            document = firm_document(check, lang=lang, chart=True if chart is None else chart)
            name = str(check.get("firm_id"))
            written += [render(document, fmt, out / firm_report_name(lang, fmt, firm_id=name)) for fmt in fmts]
    return written
