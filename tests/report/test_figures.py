"""Static figures render with Chinese labels in a CJK font."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from clusterbrain.report.figures import chain_map_figure, cjk_font, save_figure, smile_curve_figure
from clusterbrain.workflow.chain_charts import chain_graph_data, smile_curve_data
from tests.workflow.test_chain_charts import TEMPLATE

ANALYSIS = pd.DataFrame(
    {
        "node_id": ["ore", "tool", "cell", "car"],
        "status": ["missing", "foreign_dependent", "strong", "weak"],
        "local_employment": [0.0, 10.0, 30.0, 5.0],
    }
)


def test_a_cjk_font_is_installed() -> None:
    font = cjk_font()
    if font is None and os.environ.get("CI", "").lower() != "true":
        pytest.skip("no CJK font on this machine (CI installs fonts-noto-cjk)")
    assert font is not None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chain_map_and_smile_curve_render(tmp_path: Path, lang: str) -> None:
    svg = save_figure(chain_map_figure(chain_graph_data(TEMPLATE, ANALYSIS), lang=lang), tmp_path / "chain.svg")
    png = save_figure(smile_curve_figure(smile_curve_data(TEMPLATE, ANALYSIS), lang=lang), tmp_path / "smile.png")
    text = svg.read_text(encoding="utf-8")
    assert ("迷你链 产业链图谱" if lang == "zh" else "Mini chain map") in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5_000
