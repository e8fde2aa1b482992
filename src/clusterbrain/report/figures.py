"""Static figures (SVG/PNG via matplotlib) for documents, with Chinese labels in a CJK font.

The figures only draw chart data made by the workflow (:mod:`clusterbrain.workflow.chain_charts`).
The CJK font is Noto Sans CJK (Debian package ``fonts-noto-cjk``, installed by ``.ci/run``).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

__all__ = ["CJK_FONTS", "STATUS_COLOURS", "chain_map_figure", "cjk_font", "save_figure", "smile_curve_figure"]

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
STATUS_COLOURS = {
    "strong": "#1a9850",
    "present": "#4575b4",
    "weak": "#fdae61",
    "foreign_dependent": "#d73027",
    "missing": "#bdbdbd",
    None: "#e0e0e0",
}
STATUS_LABELS = {
    "zh": {"strong": "强", "present": "有", "weak": "弱", "foreign_dependent": "卡脖子风险", "missing": "缺失"},
    "en": {
        "strong": "strong",
        "present": "present",
        "weak": "weak",
        "foreign_dependent": "foreign-dependent",
        "missing": "missing",
    },
}
STAGE_LABELS = {
    "zh": {"upstream": "上游", "midstream": "中游", "downstream": "下游"},
    "en": {"upstream": "upstream", "midstream": "midstream", "downstream": "downstream"},
}


def cjk_font() -> str | None:
    """Name of an installed font that has Chinese glyphs, or ``None`` (with a warning)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    warnings.warn("no CJK font found (install fonts-noto-cjk); Chinese labels will not render", stacklevel=2)
    return None


def _style() -> None:
    font = cjk_font()
    plt.rcParams["font.family"] = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "none"


def chain_map_figure(graph: dict[str, Any], *, lang: str = "zh") -> Figure:
    """Draw the chain map: nodes in supply-depth columns, coloured by status, arrows supplier → customer."""
    _style()
    name = "name_zh" if lang == "zh" else "name_en"
    # Inches capped near a page's width: a report scales the figure to its text width, so a wider
    # drawing would shrink its labels below reading size.
    width = min(max(8.0, 1.6 * graph["columns"]), 11.0)
    height = min(max(4.0, 0.55 * graph["rows"] + 1.5), 11.0)
    fig, ax = plt.subplots(figsize=(width, height))
    per_column: dict[int, int] = {}
    for n in graph["nodes"]:
        per_column[n["x"]] = per_column.get(n["x"], 0) + 1
    # Centre each column vertically, so flows read left to right without long diagonals.
    position = {
        n["id"]: (n["x"] * 2.6, -(n["y"] + (graph["rows"] - per_column[n["x"]]) / 2) * 0.9) for n in graph["nodes"]
    }
    for edge in graph["edges"]:
        (x0, y0), (x1, y1) = position[edge["from"]], position[edge["to"]]
        ax.add_patch(
            FancyArrowPatch(
                (x0 + 1.05, y0),
                (x1 - 1.05, y1),
                arrowstyle="-|>",
                mutation_scale=9,
                color="#9e9e9e",
                lw=0.7,
                connectionstyle="arc3,rad=0.05",
            )
        )
    for node in graph["nodes"]:
        x, y = position[node["id"]]
        colour = STATUS_COLOURS.get(node.get("status"), STATUS_COLOURS[None])
        dashed = node.get("status") == "missing"
        ax.add_patch(
            FancyBboxPatch(
                (x - 1.0, y - 0.32),
                2.0,
                0.64,
                boxstyle="round,pad=0.02",
                facecolor=colour,
                edgecolor="#424242",
                lw=0.8,
                linestyle="--" if dashed else "-",
                alpha=0.9,
            )
        )
        label = node[name].split("（")[0].split(" (")[0]  # the short name; details are in the tables
        ax.text(x, y + 0.06, label, ha="center", va="center", fontsize=8)
        ax.text(x, y - 0.2, "★" * int(node["barrier"]), ha="center", va="center", fontsize=5, color="#424242")
    labels = STATUS_LABELS["zh" if lang == "zh" else "en"]
    for i, (status, label) in enumerate(labels.items()):
        ax.text(
            0.01 + i * 0.14,
            1.0,
            f"■ {label}",
            color=STATUS_COLOURS[status],
            transform=ax.transAxes,
            fontsize=10,
            va="bottom",
        )
    title = graph["name_zh"] + " 产业链图谱" if lang == "zh" else graph["name_en"] + " chain map"
    ax.set_title(title, loc="left", pad=28, fontsize=14)
    ax.set_xlim(-1.2, (graph["columns"] - 1) * 2.6 + 1.2)
    ax.set_ylim(-(graph["rows"] - 1) * 0.9 - 0.6, 0.6)
    ax.axis("off")
    fig.tight_layout()
    return fig


def smile_curve_figure(smile: dict[str, Any], *, lang: str = "zh") -> Figure:
    """Draw the smile curve: value added along the chain, with the region's employment as bubbles."""
    _style()
    name = "name_zh" if lang == "zh" else "name_en"
    points = smile["points"]
    fig, ax = plt.subplots(figsize=(min(max(7.0, 0.25 * len(points) + 2), 10.0), 4.2))
    xs = [p["position"] for p in points]
    ys = [p["value_added"] for p in points]
    ax.plot(xs, ys, color="#4575b4", lw=1.5, marker="o", ms=3)
    employment = [p["local_employment"] or 0.0 for p in points]
    top = max(employment) or 1.0
    ax.scatter(xs, ys, s=[600 * e / top for e in employment], color="#d73027", alpha=0.35, zorder=3)
    ax.set_xticks(xs, [p[name] for p in points], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("相对增加值" if lang == "zh" else "relative value added")
    stages = STAGE_LABELS["zh" if lang == "zh" else "en"]
    for stage in ("upstream", "midstream", "downstream"):
        at = [p["position"] for p in points if p["stage"] == stage]
        if at:
            ax.axvspan(min(at) - 0.5, max(at) + 0.5, alpha=0.06, color="#616161")
            ax.text(
                (min(at) + max(at)) / 2,
                0.97,
                stages[stage],
                ha="center",
                va="top",
                fontsize=9,
                transform=ax.get_xaxis_transform(),
            )
    ax.set_title(
        "微笑曲线（气泡：本地就业）" if lang == "zh" else "Smile curve (bubbles: local employment)", loc="left"
    )
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write a figure as SVG or PNG (by the file suffix) and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=160)
    plt.close(fig)
    return path
