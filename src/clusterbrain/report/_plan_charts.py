"""Charts of the plan's design and monitoring steps: project matrix, roadmap Gantt, KPI scorecard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402

from clusterbrain._validation import check_option  # noqa: E402
from clusterbrain.exceptions import InvalidParameterError  # noqa: E402
from clusterbrain.report._chart_base import GREY, PALETTE, check_rows, figure_block, name_of, style  # noqa: E402
from clusterbrain.report.document import Figure  # noqa: E402
from clusterbrain.report.i18n import LANGS, translator  # noqa: E402

__all__ = ["kpi_scorecard", "parse_date", "project_matrix", "roadmap_gantt"]

STATUS_COLOURS = {"on_track": "#1a9850", "at_risk": "#f39c12", "off_track": "#d73027", None: GREY}


def parse_date(value: Any, *, end: bool = False) -> dt.date:
    """A date from ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (str or int year, or a date).

    A year or month alone means its first day, or with ``end`` its last day.

    >>> parse_date(2026), parse_date("2026-03", end=True), parse_date("2027", end=True)
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), datetime.date(2027, 12, 31))
    """
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    parts = text.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        month = int(parts[1])
        if len(parts) == 2:
            if not end:
                return dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidParameterError(
            f"A roadmap date must be YYYY, YYYY-MM or YYYY-MM-DD. Got {value!r} instead."
        ) from None


def roadmap_gantt(
    tasks: Sequence[Mapping[str, Any]],
    *,
    lang: str = "zh",
    caption: str | None = None,
    refs: Sequence[str] = (),
) -> Figure:
    """Gantt chart of the roadmap: one bar per task, coloured by group (phase or workstream).

    Parameters
    ----------
    tasks : list of dict
        ``start`` and ``end`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), ``group`` (a label,
        or ``group_zh`` / ``group_en``), a name (``name_zh`` / ``name_en`` / ``name``), and
        optionally ``milestone`` (true: drawn as a diamond at ``end``). Tasks are drawn in
        the given order, top to bottom.
    """
    check_option(lang, "lang", "roadmap_gantt", LANGS)
    check_rows(tasks, ("start", "end"), "roadmap_gantt")
    _ = translator(lang)
    style()
    groups = list(dict.fromkeys(_group(t, lang) for t in tasks))
    colours = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    fig, ax = plt.subplots(figsize=(7.8, 1.6 + 0.34 * len(tasks)))
    for i, task in enumerate(tasks):
        start, stop = parse_date(task["start"]), parse_date(task["end"], end=True)
        if stop < start:
            raise InvalidParameterError(f"roadmap_gantt: task {name_of(task, lang)!r} ends before it starts.")
        colour = colours[_group(task, lang)]
        if task.get("milestone"):
            ax.scatter([mdates.date2num(stop)], [i], marker="D", s=45, color=colour, zorder=3)
        else:
            left = mdates.date2num(start)
            ax.barh(i, mdates.date2num(stop) - left, left=left, height=0.6, color=colour, alpha=0.85)
    ax.set_yticks(range(len(tasks)), [name_of(t, lang) for t in tasks], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y" if lang == "en" else "%Y年"))
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e0e0e0", lw=0.6)
    ax.set_axisbelow(True)
    if len(groups) > 1:
        handles = [Patch(color=colours[g], label=g) for g in groups]
        ax.legend(
            handles=handles,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=min(5, len(groups)),
            frameon=False,
            fontsize=8,
        )
    fig.tight_layout()
    return figure_block(fig, caption or _("chart.caption.gantt"), refs=refs)


def _group(task: Mapping[str, Any], lang: str) -> str:
    return str(task.get(f"group_{lang}") or task.get("group") or "")


def kpi_scorecard(
    kpis: Sequence[Mapping[str, Any]],
    *,
    lang: str = "zh",
    caption: str | None = None,
    refs: Sequence[str] = (),
) -> Figure:
    """KPI scorecard: progress of each KPI towards its target, coloured by its status.

    Parameters
    ----------
    kpis : list of dict
        ``actual``, ``target``, optional ``baseline`` (progress is
        :math:`(a - b) / (t - b)`, or :math:`a / t` without a baseline), ``status``
        (``on_track``, ``at_risk``, ``off_track`` or ``None``, as the monitoring step
        judged it), and a name (``name_zh`` / ``name_en`` / ``name``). Bars are capped at
        150 % and labelled ``text`` (e.g. ``"3.1% / 3.0%"``), or else with the bare actual and
        target values.
    """
    check_option(lang, "lang", "kpi_scorecard", LANGS)
    check_rows(kpis, ("actual", "target"), "kpi_scorecard")
    _ = translator(lang)
    style()
    progress = np.array([_progress(k) for k in kpis], dtype=float)
    status_labels = {
        "on_track": _("chart.status.on_track"),
        "at_risk": _("chart.status.at_risk"),
        "off_track": _("chart.status.off_track"),
        None: _("chart.status.unknown"),
    }
    fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.42 * len(kpis)))
    rows = np.arange(len(kpis))
    colours = [STATUS_COLOURS.get(k.get("status"), GREY) for k in kpis]
    ax.barh(rows, np.clip(np.nan_to_num(progress), 0.0, 1.5), height=0.6, color=colours, alpha=0.85)
    ax.axvline(1.0, color="#212121", lw=0.9, ls="--")
    for i, kpi in enumerate(kpis):
        text = kpi.get("text") or f"{_number(kpi['actual'])} / {_number(kpi['target'])}"
        ax.text(min(max(np.nan_to_num(progress[i]), 0.0), 1.5) + 0.02, i, text, va="center", fontsize=7.5)
    ax.set_yticks(rows, [name_of(k, lang) for k in kpis], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.75)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(_("chart.progress"))
    present = list(dict.fromkeys(k.get("status") for k in kpis))
    handles = [Patch(color=STATUS_COLOURS.get(s, GREY), label=status_labels.get(s, str(s))) for s in present]
    ax.legend(handles=handles, loc="lower right", frameon=False, fontsize=8)
    fig.tight_layout()
    return figure_block(fig, caption or _("chart.caption.kpi"), refs=refs)


def _progress(kpi: Mapping[str, Any]) -> float:
    actual, target, baseline = kpi["actual"], kpi["target"], kpi.get("baseline")
    if actual is None or target is None:
        return float("nan")
    span = target - (baseline or 0.0)
    return (actual - (baseline or 0.0)) / span if span else float("nan")


def _number(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def project_matrix(
    projects: Sequence[Mapping[str, Any]],
    *,
    lang: str = "zh",
    caption: str | None = None,
    refs: Sequence[str] = (),
) -> Figure:
    """Project matrix: impact against feasibility (2×2), or projects counted by kind.

    Parameters
    ----------
    projects : list of dict
        ``kind`` (or ``kind_zh`` / ``kind_en``) and a name; with ``impact`` and
        ``feasibility`` in [0, 1] on every project the chart is a 2×2 matrix (bubbles sized by
        ``budget`` when given, quadrants split at 0.5), otherwise a bar chart of the number
        of projects of each kind.
    """
    check_option(lang, "lang", "project_matrix", LANGS)
    check_rows(projects, ("kind",), "project_matrix")
    _ = translator(lang)
    style()
    kinds = list(dict.fromkeys(_kind(p, lang) for p in projects))
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}
    if not all(p.get("impact") is not None and p.get("feasibility") is not None for p in projects):
        counts = [sum(_kind(p, lang) == k for p in projects) for k in kinds]
        fig, ax = plt.subplots(figsize=(6.5, 0.9 + 0.4 * len(kinds)))
        ax.barh(range(len(kinds)), counts, color=[colours[k] for k in kinds], height=0.6)
        ax.set_yticks(range(len(kinds)), kinds, fontsize=8.5)
        ax.invert_yaxis()
        ax.set_xlabel(_("chart.projects_count"))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.tight_layout()
        return figure_block(fig, caption or _("chart.caption.projects"), refs=refs)
    budget = np.array([float(p.get("budget") or 0.0) for p in projects])
    size = 40 + 900 * budget / budget.max() if budget.max() > 0 else np.full(len(projects), 80.0)
    fig, ax = plt.subplots(figsize=(7.0, 5.2))
    for quadrant, (x, y) in (
        (_("chart.quadrant.priority"), (0.98, 0.98)),
        (_("chart.quadrant.strategic"), (0.02, 0.98)),
        (_("chart.quadrant.quick"), (0.98, 0.02)),
        (_("chart.quadrant.defer"), (0.02, 0.02)),
    ):
        ax.text(
            x,
            y,
            quadrant,
            ha="right" if x > 0.5 else "left",
            va="top" if y > 0.5 else "bottom",
            fontsize=9,
            color="#9e9e9e",
            weight="bold",
        )
    ax.axvline(0.5, color="#bdbdbd", lw=0.8)
    ax.axhline(0.5, color="#bdbdbd", lw=0.8)
    for i, p in enumerate(projects):
        ax.scatter(
            [p["feasibility"]],
            [p["impact"]],
            s=size[i],
            color=colours[_kind(p, lang)],
            alpha=0.6,
            edgecolors="#424242",
            linewidths=0.5,
        )
        ax.annotate(
            name_of(p, lang),
            (p["feasibility"], p["impact"]),
            xytext=(0, 3 + float(np.sqrt(size[i])) / 2),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
        )
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel(_("chart.feasibility"))
    ax.set_ylabel(_("chart.impact"))
    handles = [Patch(color=colours[k], label=k, alpha=0.6) for k in kinds]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncol=min(4, len(kinds)),
        frameon=False,
        fontsize=8,
    )
    fig.tight_layout()
    return figure_block(fig, caption or _("chart.caption.projects"), refs=refs)


def _kind(project: Mapping[str, Any], lang: str) -> str:
    return str(project.get(f"kind_{lang}") or project.get("kind") or "")
