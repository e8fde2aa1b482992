"""The planning report (产业发展诊断与规划报告): the plan's workflow JSON as a document in Chinese or English.

:func:`plan_document` presents the four documents of
:meth:`clusterbrain.workflow.plan.Plan.documents` (``diagnosis``, ``positioning``, ``design``,
``monitoring``; also the JSON files that ``clusterbrain plan`` writes) as a
:class:`~clusterbrain.report.document.Document`: an executive summary, the diagnosis with its
charts and tables, the positioning, the project plan, the investment targets, the roadmap,
the KPI scorecard and two appendices (methods with every formula; data sources). It only
selects, sorts and formats what the JSON holds; findings are shown with their evidence as
references, and every table names the place in the JSON its values come from.
:func:`write_reports` writes the document in several formats and languages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from clusterbrain._validation import check_option
from clusterbrain.exceptions import ClusterBrainError, InvalidParameterError
from clusterbrain.report._plan_common import Builder, name_of
from clusterbrain.report._plan_design import design_chapter, positioning_chapter, roadmap_chapter, targets_chapter
from clusterbrain.report._plan_diagnosis import diagnosis_chapter
from clusterbrain.report._plan_methods import data_sources_appendix, methods_appendix
from clusterbrain.report._plan_monitor import monitoring_chapter
from clusterbrain.report.document import LANGS, Document, KeyValue, Tile, format_value
from clusterbrain.report.render import FORMATS, render, render_pdf_pages_to_png

__all__ = ["PLAN_FILES", "STEPS", "plan_document", "read_plan", "report_name", "top_findings", "write_reports"]

STEPS = ("diagnosis", "positioning", "design", "monitoring")
PLAN_FILES = {step: f"{step}.json" for step in STEPS}
"""Step -> the file ``clusterbrain plan REGION -o DIR`` writes (as :data:`clusterbrain.workflow.plan.PLAN_FILES`)."""
TOP_FINDINGS = 10


def top_findings(documents: Mapping[str, Mapping[str, Any]], n: int = TOP_FINDINGS) -> list[Mapping[str, Any]]:
    """The plan's headline findings: the positioning choices, then the others by severity (as ``Plan.top_findings``).

    >>> docs = {"positioning": {"findings": [{"id": "p", "severity": 0}]},
    ...         "diagnosis": {"findings": [{"id": "a", "severity": 1}, {"id": "b", "severity": 3}]}}
    >>> [f["id"] for f in top_findings(docs, 2)]
    ['p', 'b']
    """
    choices = list((documents.get("positioning") or {}).get("findings") or [])
    rest = [
        f for step in ("diagnosis", "design", "monitoring") for f in (documents.get(step) or {}).get("findings") or []
    ]
    return (choices + sorted(rest, key=lambda f: -(f.get("severity") or 0)))[:n]


def _node_names(diagnosis: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {
        (chain["chain_id"], node["node_id"]): node
        for chain in diagnosis.get("chains") or []
        for node in chain.get("nodes") or []
    }


def _summary(b: Builder, documents: Mapping[str, Mapping[str, Any]]) -> None:
    _, lang = b._, b.lang
    diagnosis, positioning = documents["diagnosis"], documents["positioning"]
    design, monitoring = documents["design"], documents["monitoring"]
    b.chapter(_("report.plan.summary"))
    b.text((positioning.get("vision") or {}).get(lang, ""), style="lead")
    cluster = diagnosis.get("cluster_type") or {}
    complexity = (diagnosis.get("endowment") or {}).get("complexity") or {}
    verdict = _verdict(cluster.get("verdict"), b)
    tiles = [
        Tile(
            _("report.plan.tile.cluster_type"),
            verdict,
            note=_("report.plan.tile.mean_score", score=_dec(cluster.get("mean_score"), lang)),
        ),
        Tile("ECI", complexity.get("eci"), "dec:2", note=f"{complexity.get('eci_rank')} / {complexity.get('peers')}"),
    ]
    for chain in diagnosis.get("chains") or []:
        graph = (chain.get("charts") or {}).get("chain_map") or {"id": chain["chain_id"]}
        tiles.append(
            Tile(
                _("report.plan.tile.chain_completeness", chain=name_of(graph, lang)),
                chain.get("completeness"),
                "pct:1",
                note=_("report.plan.tile.lsr_note", rate=_pct(chain.get("local_supporting_rate"), lang)),
            )
        )
    b.add(KeyValue(tuple(tiles[:4])))
    summary = monitoring.get("summary") or {}
    targets = sum(len(n.get("targets") or []) for n in design.get("investment_targets") or [])
    b.add(
        KeyValue(
            (
                Tile(_("report.plan.tile.projects"), len(design.get("projects") or []), "int"),
                Tile(_("report.plan.tile.targets"), targets, "int"),
                Tile(_("report.plan.tile.kpis_on_track"), summary.get("on_track", 0), "int", status="good"),
                Tile(_("report.plan.tile.kpis_off_track"), summary.get("off_track", 0), "int", status="bad"),
            )
        )
    )
    b.section(_("report.plan.top_findings"))
    b.findings(top_findings(documents), bullets=True)


def _verdict(verdict: Any, b: Builder) -> str:
    _ = b._
    labels = {
        "cluster": _("report.plan.verdict.cluster"),
        "transition": _("report.plan.verdict.transition"),
        "agglomeration": _("report.plan.verdict.agglomeration"),
    }
    return labels.get(verdict, str(verdict or ""))


def _dec(value: Any, lang: str) -> str:
    return format_value(value, "dec:2", lang=lang)


def _pct(value: Any, lang: str) -> str:
    return format_value(value, "pct:1", lang=lang)


def plan_document(
    documents: Mapping[str, Mapping[str, Any]],
    *,
    lang: str,
    region_name: str | None = None,
    provenance: Sequence[Mapping[str, Any]] | None = None,
) -> Document:
    """The planning report of one region as a :class:`~clusterbrain.report.document.Document`.

    Parameters
    ----------
    documents : dict
        ``diagnosis``, ``positioning``, ``design`` and ``monitoring`` JSON documents
        (:meth:`clusterbrain.workflow.plan.Plan.documents`, or the files of ``clusterbrain plan``).
    lang : {"zh", "en"}
    region_name : str, optional
        The region's name in the title; default: from the diagnosis (``name`` / ``name_en``).
    provenance : list of dict, optional
        The workspace's import records (``Workspace.info().imports``), listed in appendix B.

    Raises
    ------
    InvalidParameterError
        When a step's document is missing or ``lang`` is not ``zh`` or ``en``.
    """
    check_option(lang, "lang", "plan_document", LANGS)
    missing = [s for s in STEPS if not isinstance(documents.get(s), Mapping)]
    if missing:
        raise InvalidParameterError(
            f"plan_document needs the documents {', '.join(STEPS)}; missing: {', '.join(missing)}."
        )
    diagnosis = documents["diagnosis"]
    region = diagnosis.get("region") or {}
    name = (
        region_name
        or (region.get("name_en") if lang == "en" else None)
        or region.get("name")
        or diagnosis.get("region_id")
    )
    b = Builder(lang)
    _ = b._
    names = _node_names(diagnosis)
    _summary(b, documents)
    diagnosis_chapter(b, diagnosis)
    positioning_chapter(b, documents["positioning"], names)
    kpis = {k["kpi"]: k for k in documents["monitoring"].get("kpis") or [] if k.get("kpi")}
    design_chapter(b, documents["design"], names, kpis)
    targets_chapter(b, documents["design"], names)
    roadmap_chapter(b, documents["design"])
    monitoring_chapter(b, documents["monitoring"])
    params = {**(diagnosis.get("params") or {}), **(documents["design"].get("params") or {})}
    methods_appendix(b, params)
    data_sources_appendix(b, documents, provenance)
    chains = ", ".join(
        name_of((c.get("charts") or {}).get("chain_map") or {"id": c["chain_id"]}, lang)
        for c in diagnosis.get("chains") or []
    )
    meta = [
        (_("report.plan.meta.region"), f"{name} ({diagnosis.get('region_id')})"),
        (_("report.plan.meta.year"), str(diagnosis.get("year") or "")),
        (_("report.plan.meta.base_year"), str(diagnosis.get("base_year") or "")),
        (_("report.plan.meta.chains"), chains),
    ]
    return Document(
        title=_("report.plan.title", region=name),
        subtitle=_("report.plan.subtitle"),
        lang=lang,
        blocks=tuple(b.blocks),
        meta=tuple((k, v) for k, v in meta if v),
        references=tuple(b.references.values()),
    )


def read_plan(folder: str | Path) -> dict[str, dict[str, Any]]:
    """The four plan documents from a folder written by ``clusterbrain plan REGION -o DIR``.

    Raises
    ------
    ClusterBrainError
        When a file is missing or is not a JSON object.
    """
    documents: dict[str, dict[str, Any]] = {}
    for step, name in PLAN_FILES.items():
        path = Path(folder) / name
        if not path.is_file():
            raise ClusterBrainError(
                f"plan folder {folder} lacks {name} (write it with: clusterbrain plan REGION -o DIR)"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ClusterBrainError(f"{path} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ClusterBrainError(f"{path} should hold a JSON object; it holds a {type(data).__name__}")
        documents[step] = data
    return documents


def report_name(lang: str, fmt: str, *, stem: str = "plan") -> str:
    """The file name of a report, e.g. ``plan-zh.html`` or ``plan-en.pdf``.

    >>> report_name("zh", "pdf")
    'plan-zh.pdf'
    """
    return f"{stem}-{lang}.{fmt}"


def _choices(values: Iterable[str], allowed: Sequence[str], name: str) -> list[str]:
    chosen = list(dict.fromkeys(values))
    for value in chosen:
        check_option(value, name, "write_reports", allowed)
    if not chosen:
        raise InvalidParameterError(f"The '{name}' parameter of write_reports needs at least one value. Got none.")
    return chosen


def write_reports(
    documents: Mapping[str, Mapping[str, Any]],
    out_dir: str | Path,
    *,
    formats: Iterable[str] = FORMATS,
    langs: Iterable[str] = LANGS,
    pages: bool = False,
    region_name: str | None = None,
    provenance: Sequence[Mapping[str, Any]] | None = None,
) -> list[Path]:
    """Write the planning report in each of ``formats`` and ``langs`` into ``out_dir``; return the paths.

    Files are named ``plan-<lang>.<format>``. With ``pages`` the first four pages of each PDF
    (cover, contents, executive summary) are also drawn to PNG in ``out_dir/pages`` (poppler's
    ``pdftoppm``), so a person can look at them; those paths are returned too.
    """
    fmts = _choices(formats, FORMATS, "formats")
    languages = _choices(langs, LANGS, "langs")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in languages:
        document = plan_document(documents, lang=lang, region_name=region_name, provenance=provenance)
        for fmt in fmts:
            path = render(document, fmt, out / report_name(lang, fmt))
            written.append(path)
            if fmt == "pdf" and pages:
                written.extend(render_pdf_pages_to_png(path, out / "pages", first=1, last=4))
    return written
