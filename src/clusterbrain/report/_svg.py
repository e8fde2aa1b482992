"""Matplotlib output made fit for documents: SVG that can be inlined in HTML, PNG for Word."""

from __future__ import annotations

import hashlib
import io
import re
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.mathtext import math_to_image  # noqa: E402

__all__ = ["PNG_DPI", "figure_images", "formula_images", "inline_svg"]

PNG_DPI = 200
_MATH_FONT = FontProperties(size=14, math_fontfamily="cm")
_HEAD = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str) -> str:
    """SVG text to inline in HTML: no XML prolog, no metadata, ids unique to this drawing.

    Ids get a prefix made from the drawing's content, so two charts in one page never share
    an id (matplotlib names its groups ``figure_1``, ``axes_1``… in every file).

    >>> inline_svg('<?xml version="1.0"?><svg><g id="a"><use href="#a"/></g></svg>')
    '<svg><g id="s7f3e3c4dd6-a"><use href="#s7f3e3c4dd6-a"/></g></svg>'
    """
    svg = _METADATA.sub("", _HEAD.sub("", svg, count=1))
    prefix = "s" + hashlib.sha1(svg.encode(), usedforsecurity=False).hexdigest()[:10] + "-"
    for old in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        new = prefix + old
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f'"#{old}"', f'"#{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
    return svg.strip()


def figure_images(fig: MplFigure) -> tuple[str, bytes]:
    """Draw a matplotlib figure once as inline SVG text and as PNG bytes, then close it."""
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "clusterbrain"}):
        text = io.StringIO()
        fig.savefig(text, format="svg", metadata={"Date": None}, bbox_inches="tight")
        raster = io.BytesIO()
        fig.savefig(raster, format="png", dpi=PNG_DPI, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return inline_svg(text.getvalue()), raster.getvalue()


@lru_cache(maxsize=256)
def formula_images(latex: str) -> tuple[str, bytes] | None:
    """A display formula (matplotlib mathtext) drawn as inline SVG (glyphs as paths) and PNG.

    Returns ``None`` when mathtext cannot parse ``latex``; callers then show the text.
    """
    source = latex if latex.startswith("$") else f"${latex}$"
    with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": "clusterbrain"}):
        try:
            text = io.BytesIO()
            math_to_image(source, text, prop=_MATH_FONT, format="svg", dpi=72)
            raster = io.BytesIO()
            math_to_image(source, raster, prop=_MATH_FONT, format="png", dpi=PNG_DPI)
        except ValueError:
            return None
    return inline_svg(text.getvalue().decode("utf-8")), raster.getvalue()
