"""Report charts: plain workflow data in, a :class:`~clusterbrain.report.document.Figure` block out.

Each function takes lists of dicts as found in the workflow JSON (the shape is in its
docstring), draws one matplotlib chart with Chinese or English labels (CJK font from
:func:`clusterbrain.report.figures.cjk_font`) and returns it drawn once as inline SVG (HTML,
PDF) and PNG (DOCX). Names are read from ``name_zh`` / ``name_en`` (or ``name``, ``label``,
``id``). The charts draw the numbers they are given; they compute nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.projections.polar import PolarAxes  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from clusterbrain._validation import check_option  # noqa: E402
from clusterbrain.report._chart_base import GREY, PALETTE, check_rows, figure_block, name_of, style  # noqa: E402
from clusterbrain.report._plan_charts import kpi_scorecard, project_matrix, roadmap_gantt  # noqa: E402
from clusterbrain.report.document import Figure  # noqa: E402
from clusterbrain.report.figures import chain_map_figure, smile_curve_figure  # noqa: E402
from clusterbrain.report.i18n import LANGS, translator  # noqa: E402

__all__ = [
    "chain_map_chart",
    "dimension_radar",
    "eci_diversity_scatter",
    "figure_block",
    "kpi_scorecard",
    "name_of",
    "project_matrix",
    "roadmap_gantt",
    "smile_curve_chart",
    "specialization_bubbles",
]


def specialization_bubbles(
    rows: Sequence[Mapping[str, Any]],
    *,
    lang: str = "zh",
    caption: str | None = None,
    refs: Sequence[str] = (),
    labels: int = 10,
) -> Figure:
    """Bubble chart of specialization: location quotient against growth, bubbles sized by employment.

    Parameters
    ----------
    rows : list of dict
        One per industry: ``lq`` (location quotient), ``growth`` (employment growth as a
        fraction, e.g. 0.12 for 12 %; ``None`` rows are left out), ``employment`` and a name
        (``name_zh`` / ``name_en`` / ``name``).
    lang : {"zh", "en"}
    caption : str, optional
        Defaults to the catalog caption.
    refs : sequence of str
        Reference ids the figure cites.
    labels : int
        How many of the largest industries (by employment) get a name label.
    """
    check_option(lang, "lang", "specialization_bubbles", LANGS)
    check_rows(rows, ("lq", "growth", "employment"), "specialization_bubbles")
    _ = translator(lang)
    style()
    shown = [r for r in rows if r["growth"] is not None and r["lq"] is not None]
    lq = np.array([float(r["lq"]) for r in shown])
    growth = np.array([float(r["growth"]) for r in shown])
    employment = np.array([float(r["employment"] or 0.0) for r in shown])
    size = 30 + 1500 * employment / (employment.max() or 1.0) if len(shown) else employment
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    colour = np.where(lq >= 1.0, PALETTE[0], GREY)
    ax.scatter(lq, growth, s=size, c=colour, alpha=0.45, edgecolors="#424242", linewidths=0.5)
    ax.axvline(1.0, color=PALETTE[1], lw=0.8, ls="--", label=_("chart.lq_one"))
    ax.axhline(0.0, color="#616161", lw=0.6)
    for i in np.argsort(-employment)[:labels]:
        ax.annotate(name_of(shown[i], lang), (lq[i], growth[i]), fontsize=7.5, ha="center", va="center")
    ax.margins(0.15)  # room for the largest bubbles at the edges
    ax.set_xlabel(_("chart.lq"))
    ax.set_ylabel(_("chart.growth"))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.legend(loc="best", frameon=False, fontsize=8)
    ax.text(1.0, -0.13, _("chart.bubble_employment"), transform=ax.transAxes, ha="right", fontsize=7.5, color="#616161")
    fig.tight_layout()
    return figure_block(fig, caption or _("chart.caption.specialization"), refs=refs)


def eci_diversity_scatter(
    rows: Sequence[Mapping[str, Any]],
    *,
    focus: str,
    peers: Sequence[str] = (),
    lang: str = "zh",
    caption: str | None = None,
    refs: Sequence[str] = (),
) -> Figure:
    """Scatter of economic complexity (ECI) against diversity, the focus region highlighted.

    Parameters
    ----------
    rows : list of dict
        One per region: ``region`` (id), ``diversity`` (number of industries with RCA ≥ 1),
        ``eci`` and a name (``name_zh`` / ``name_en`` / ``name``).
    focus : str
        The region id to highlight (red, labelled).
    peers : sequence of str
        Benchmark region ids to label (blue).
    """
    check_option(lang, "lang", "eci_diversity_scatter", LANGS)
    check_rows(rows, ("region", "diversity", "eci"), "eci_diversity_scatter")
    _ = translator(lang)
    style()
    fig, ax = plt.subplots(figsize=(7.0, 4.5))
    others = [r for r in rows if r["region"] != focus and r["region"] not in peers and r["eci"] is not None]
    ax.scatter(
        [r["diversity"] for r in others],
        [r["eci"] for r in others],
        s=14,
        color=GREY,
        alpha=0.6,
        label=_("chart.other_regions"),
    )
    for colour, chosen, size in (
        (PALETTE[5], [r for r in rows if r["region"] in peers], 40),
        (PALETTE[1], [r for r in rows if r["region"] == focus], 90),
    ):
        for r in chosen:
            ax.scatter([r["diversity"]], [r["eci"]], s=size, color=colour, edgecolors="#212121", zorder=3)
            ax.annotate(
                name_of(r, lang),
                (r["diversity"], r["eci"]),
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=8.5,
                color=colour,
                weight="bold",
            )
    ax.axhline(0.0, color="#616161", lw=0.6)
    ax.set_xlabel(_("chart.diversity"))
    ax.set_ylabel(_("chart.eci"))
    ax.margins(0.08)
    ax.legend(loc="best", frameon=False, fontsize=8)
    fig.tight_layout()
    return figure_block(fig, caption or _("chart.caption.eci"), refs=refs)


def dimension_radar(
    dimensions: Sequence[Mapping[str, Any]],
    *,
    lang: str = "zh",
    caption: str | None = None,
    refs: Sequence[str] = (),
) -> Figure:
    """Radar of the agglomeration-versus-cluster dimensions, scores in [0, 1].

    Parameters
    ----------
    dimensions : list of dict
        One per dimension (eight in the classifier): ``score`` in [0, 1], optional
        ``benchmark`` in [0, 1] (drawn dashed), and a name (``name_zh`` / ``name_en``).
    """
    check_option(lang, "lang", "dimension_radar", LANGS)
    check_rows(dimensions, ("score",), "dimension_radar")
    _ = translator(lang)
    style()
    n = len(dimensions)
    angles = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    closed = np.append(angles, angles[0])
    fig = plt.figure(figsize=(5.6, 5.0))
    ax = cast(PolarAxes, fig.add_subplot(projection="polar"))
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    score = np.array([float(d["score"] or 0.0) for d in dimensions])
    ax.plot(closed, np.append(score, score[0]), color=PALETTE[0], lw=1.8, label=_("chart.region"))
    ax.fill(closed, np.append(score, score[0]), color=PALETTE[0], alpha=0.2)
    if all(d.get("benchmark") is not None for d in dimensions):
        bench = np.array([float(d["benchmark"]) for d in dimensions])
        ax.plot(closed, np.append(bench, bench[0]), color=PALETTE[1], lw=1.2, ls="--", label=_("chart.benchmark"))
    ax.set_xticks(angles, [name_of(d, lang) for d in dimensions], fontsize=8.5)
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([0.25, 0.5, 0.75, 1.0], ["0.25", "0.5", "0.75", "1"], fontsize=7, color="#757575")
    ax.spines["polar"].set_visible(False)
    ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.12), frameon=False, fontsize=8)
    fig.tight_layout()
    return figure_block(fig, caption or _("chart.caption.radar"), refs=refs, width=0.65)


def chain_map_chart(
    graph: Mapping[str, Any], *, lang: str = "zh", caption: str | None = None, refs: Sequence[str] = ()
) -> Figure:
    """The chain map with gaps coloured (:func:`~clusterbrain.report.figures.chain_map_figure`) as a block.

    ``graph`` is :func:`clusterbrain.workflow.chain_charts.chain_graph_data` output.
    """
    check_option(lang, "lang", "chain_map_chart", LANGS)
    fig = chain_map_figure(dict(graph), lang=lang)
    return figure_block(fig, caption or translator(lang)("chart.caption.chain_map"), refs=refs)


def smile_curve_chart(
    smile: Mapping[str, Any], *, lang: str = "zh", caption: str | None = None, refs: Sequence[str] = ()
) -> Figure:
    """The smile curve (:func:`~clusterbrain.report.figures.smile_curve_figure`) as a block.

    ``smile`` is :func:`clusterbrain.workflow.chain_charts.smile_curve_data` output.
    """
    check_option(lang, "lang", "smile_curve_chart", LANGS)
    fig = smile_curve_figure(dict(smile), lang=lang)
    return figure_block(fig, caption or translator(lang)("chart.caption.smile"), refs=refs)
