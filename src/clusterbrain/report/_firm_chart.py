"""The chart of a firm health check: each indicator's percentile among its industry peers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import PercentFormatter  # noqa: E402

from clusterbrain.report._chart_base import GREY, PALETTE, figure_block, name_of, style  # noqa: E402
from clusterbrain.report.document import Figure  # noqa: E402
from clusterbrain.report.i18n import translator  # noqa: E402

__all__ = ["percentile_chart"]

WEAK, STRONG = 0.25, 0.75


def percentile_chart(indicators: Sequence[Mapping[str, Any]], *, lang: str, refs: Sequence[str] = ()) -> Figure:
    """Bars of each indicator's percentile among regional peers, dots for the national peers.

    ``indicators`` are the health check's (``peers.region.percentile``, ``peers.nation.percentile``,
    ``name_zh`` / ``name_en``); bars in the bottom quarter are red, in the top quarter green.
    """
    _ = translator(lang)
    style()
    region = np.array([_pct(i, "region") for i in indicators], dtype=float)
    nation = np.array([_pct(i, "nation") for i in indicators], dtype=float)
    rows = np.arange(len(indicators))
    colours = [PALETTE[1] if p <= WEAK else PALETTE[2] if p >= STRONG else GREY for p in np.nan_to_num(region, nan=0.5)]
    fig, ax = plt.subplots(figsize=(6.8, 0.7 + 0.26 * len(indicators)))
    ax.barh(rows, np.nan_to_num(region), height=0.55, color=colours, alpha=0.85, label=_("report.firm.chart.region"))
    ax.scatter(nation, rows, marker="D", s=18, color="#212121", zorder=3, label=_("report.firm.chart.nation"))
    for x in (WEAK, 0.5, STRONG):
        ax.axvline(x, color="#bdbdbd", lw=0.7, ls="--" if x != 0.5 else "-")
    ax.set_yticks(rows, [name_of(i, lang) for i in indicators], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(_("report.firm.chart.axis"))
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=8)
    fig.tight_layout()
    return figure_block(fig, _("report.firm.chart.caption"), refs=refs, width=0.75)


def _pct(indicator: Mapping[str, Any], scope: str) -> float:
    value = ((indicator.get("peers") or {}).get(scope) or {}).get("percentile")
    return float("nan") if value is None else float(value)
