"""Report charts: plain data in, one Figure block (inline SVG + PNG) out, labels in the report language."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.report._plan_charts import parse_date
from clusterbrain.report.charts import (
    chain_map_chart,
    dimension_radar,
    eci_diversity_scatter,
    kpi_scorecard,
    project_matrix,
    roadmap_gantt,
    smile_curve_chart,
    specialization_bubbles,
)
from clusterbrain.report.document import Figure
from clusterbrain.workflow.chain_charts import chain_graph_data, smile_curve_data
from tests.workflow.test_chain_charts import TEMPLATE

INDUSTRIES = [
    {"name_zh": "锂离子电池", "name_en": "Li-ion cells", "lq": 2.3, "growth": 0.12, "employment": 12000},
    {"name_zh": "集成电路", "name_en": "Chips", "lq": 0.8, "growth": -0.03, "employment": 5000},
    {"name_zh": "纺织", "name_en": "Textiles", "lq": 1.4, "growth": None, "employment": 3000},
]
REGIONS = [
    {"region": "990000", "name_zh": "示范省", "name_en": "Demo", "diversity": 40, "eci": 0.8},
    {"region": "110000", "name_zh": "北京", "name_en": "Beijing", "diversity": 60, "eci": 1.5},
    {"region": "620000", "name_zh": "甘肃", "name_en": "Gansu", "diversity": 15, "eci": -0.9},
]
TASKS = [
    {"name_zh": "引进晶圆代工", "name_en": "Attract a foundry", "start": "2026", "end": "2027-06", "group": "补链"},
    {"name_zh": "建设中试基地", "name_en": "Pilot base", "start": "2026-03", "end": 2028, "group": "平台"},
    {
        "name_zh": "中期评估",
        "name_en": "Mid-term review",
        "start": "2028-06-30",
        "end": "2028-06-30",
        "group": "评估",
        "milestone": True,
    },
]
PROJECTS = [
    {"name_zh": "晶圆厂", "name_en": "Fab", "kind": "anchor", "impact": 0.9, "feasibility": 0.3, "budget": 300},
    {"name_zh": "隔膜", "name_en": "Separator", "kind": "fill", "impact": 0.6, "feasibility": 0.8, "budget": 20},
    {"name_zh": "展会", "name_en": "Expo", "kind": "brand", "impact": 0.2, "feasibility": 0.9},
]


def assert_figure(figure: Figure, *texts: str) -> None:
    assert isinstance(figure, Figure)
    assert figure.svg.startswith("<svg") and "<?xml" not in figure.svg and "<metadata" not in figure.svg
    assert figure.png[:8] == b"\x89PNG\r\n\x1a\n" and len(figure.png) > 5_000
    for text in texts:
        assert text in figure.svg, text  # labels stay text in the SVG (searchable, copyable)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_specialization_bubbles_labels_industries_and_axes(lang: str) -> None:
    figure = specialization_bubbles(INDUSTRIES, lang=lang, refs=("e1",))
    if lang == "zh":
        assert_figure(figure, "锂离子电池", "集成电路", "区位商（LQ）", "就业增长率")
        assert figure.caption.startswith("产业专业化气泡图")
    else:
        assert_figure(figure, "Li-ion cells", "Location quotient (LQ)")
    assert "纺织" not in figure.svg and "Textiles" not in figure.svg  # no growth: not drawn
    assert figure.refs == ("e1",)


def test_eci_scatter_names_the_focus_and_peers_only() -> None:
    figure = eci_diversity_scatter(REGIONS, focus="990000", peers=["110000"], lang="zh", caption="ECI")
    assert_figure(figure, "示范省", "北京", "经济复杂度指数（ECI）")
    assert "甘肃" not in figure.svg
    assert figure.caption == "ECI"


def test_radar_shows_every_dimension() -> None:
    dims = [{"name_en": f"dimension {i}", "score": i / 8, "benchmark": 0.5} for i in range(8)]
    figure = dimension_radar(dims, lang="en")
    assert_figure(figure, *(f"dimension {i}" for i in range(8)), "Benchmark")
    assert figure.width < 1.0


def test_gantt_draws_tasks_with_groups() -> None:
    assert_figure(roadmap_gantt(TASKS, lang="zh"), "引进晶圆代工", "中期评估", "补链", "2027年")
    assert_figure(roadmap_gantt(TASKS, lang="en"), "Attract a foundry", "2027")


def test_gantt_rejects_tasks_that_end_before_they_start() -> None:
    with pytest.raises(InvalidParameterError, match="'x' ends before it starts"):
        roadmap_gantt([{"name": "x", "start": "2027", "end": "2026"}], lang="en")


def test_parse_date_reads_years_months_and_days() -> None:
    assert parse_date("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_date("2026-12", end=True) == dt.date(2026, 12, 31)
    assert parse_date(dt.date(2026, 5, 4)) == dt.date(2026, 5, 4)
    with pytest.raises(InvalidParameterError, match="YYYY, YYYY-MM or YYYY-MM-DD. Got 'soon' instead"):
        parse_date("soon")


def test_kpi_scorecard_labels_values_and_statuses() -> None:
    kpis = [
        {"name_zh": "产值", "actual": 820.0, "target": 1000.0, "baseline": 600.0, "status": "at_risk"},
        {"name_zh": "研发强度", "actual": 0.031, "target": 0.03, "status": "on_track", "text": "3.1% / 3.0%"},
        {"name_zh": "配套率", "actual": None, "target": 0.6, "status": None},
    ]
    figure = kpi_scorecard(kpis, lang="zh")
    assert_figure(figure, "产值", "820 / 1,000", "3.1% / 3.0%", "预警", "达标", "暂无判断", "目标完成度")


def test_project_matrix_is_a_2x2_with_scores_and_a_bar_chart_without() -> None:
    matrix = project_matrix(PROJECTS, lang="en")
    assert_figure(matrix, "Fab", "Priority", "Strategic bets", "Feasibility", "anchor")
    bars = project_matrix([{"kind": "anchor"}, {"kind": "anchor"}, {"kind_zh": "补链", "kind": "fill"}], lang="zh")
    assert_figure(bars, "项目数", "补链")
    assert "优先推进" not in bars.svg


def test_chain_map_and_smile_curve_wrap_the_figures() -> None:
    analysis = pd.DataFrame(
        {"node_id": ["ore", "cell"], "status": ["missing", "strong"], "local_employment": [0.0, 9.0]}
    )
    assert_figure(chain_map_chart(chain_graph_data(TEMPLATE, analysis), lang="zh"), "迷你链 产业链图谱")
    smile = smile_curve_chart(smile_curve_data(TEMPLATE, analysis), lang="en", refs=("s",))
    assert_figure(smile, "Smile curve")
    assert smile.caption == "Smile curve of the chain"


def test_charts_refuse_empty_or_incomplete_data() -> None:
    with pytest.raises(InvalidParameterError, match="specialization_bubbles needs at least one row"):
        specialization_bubbles([], lang="zh")
    with pytest.raises(InvalidParameterError, match="kpi_scorecard: row 0 lacks target"):
        kpi_scorecard([{"actual": 1}], lang="zh")
    with pytest.raises(InvalidParameterError, match="'lang' parameter of dimension_radar"):
        dimension_radar([{"score": 1}], lang="fr")


def test_two_charts_in_one_page_share_no_svg_ids() -> None:
    a = specialization_bubbles(INDUSTRIES, lang="zh").svg
    b = eci_diversity_scatter(REGIONS, focus="990000", lang="zh").svg
    assert not set(re.findall(r'id="([^"]+)"', a)) & set(re.findall(r'id="([^"]+)"', b))
