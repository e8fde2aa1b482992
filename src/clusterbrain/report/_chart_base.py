"""Shared pieces of the report charts: style, names, data checks, and matplotlib → Figure block."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from clusterbrain.exceptions import InvalidParameterError  # noqa: E402
from clusterbrain.report._svg import figure_images  # noqa: E402
from clusterbrain.report.document import Figure  # noqa: E402
from clusterbrain.report.figures import cjk_font  # noqa: E402

__all__ = ["GREY", "PALETTE", "check_rows", "figure_block", "name_of", "style"]

PALETTE = ("#1f4e79", "#d73027", "#1a9850", "#f39c12", "#7b3294", "#4575b4", "#8c510a", "#01665e", "#c51b7d")
GREY = "#9e9e9e"


def name_of(item: Mapping[str, Any], lang: str) -> str:
    """The display name of a data item in ``lang``.

    >>> name_of({"id": "x", "name_zh": "电池", "name_en": "cells"}, "zh"), name_of({"id": "x"}, "en")
    ('电池', 'x')
    """
    for key in (f"name_{lang}", "name", "label", "id"):
        if item.get(key) not in (None, ""):
            return str(item[key])
    return ""


def style() -> None:
    """Set the shared chart style: CJK font first, no Unicode minus, text kept as text in SVG."""
    font = cjk_font()
    plt.rcParams["font.family"] = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["axes.spines.top"] = False
    plt.rcParams["axes.spines.right"] = False
    plt.rcParams["font.size"] = 9


def figure_block(
    fig: MplFigure, caption: str, *, refs: Sequence[str] = (), width: float = 1.0, alt: str = ""
) -> Figure:
    """Draw a matplotlib figure into a :class:`Figure` block (SVG and PNG) and close it."""
    svg, png = figure_images(fig)
    return Figure(caption=caption, svg=svg, png=png, refs=tuple(refs), width=width, alt=alt)


def check_rows(rows: Sequence[Mapping[str, Any]], keys: Sequence[str], func: str) -> None:
    if not rows:
        raise InvalidParameterError(f"{func} needs at least one row of data. Got none.")
    for i, row in enumerate(rows):
        missing = [k for k in keys if k not in row]
        if missing:
            raise InvalidParameterError(f"{func}: row {i} lacks {', '.join(missing)} (it has {', '.join(row)}).")
