"""Monitor: KPIs per year by hand, progress and projections, statuses at thresholds, evaluation, the demo."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from clusterbrain.demo.build import DemoSummary
from clusterbrain.demo.extras import KPI_GROWTH
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.store.frames import save_firm_nodes
from clusterbrain.workflow._kpis import KPIS, compute_kpis, kpis_from_firms, resolve_kpi
from clusterbrain.workflow.monitor import Monitoring, compare_diagnoses, evaluate_years, monitor

PROVINCE, CITY, OUTSIDE = "980000", "980100", "970000"
YEARS = (2021, 2022, 2023)
COLUMNS = ("revenue", "rd_expense", "employees", "patents", "invention_patents", "exports", "land_mu", "tax",
           "energy_tce", "value_added")  # fmt: skip
# Per firm and year 2021, 2022, 2023 — the province's sums grow revenue 10 % a year, tax per mu 10 %,
# energy per value added falls 10 %, R&D intensity is 2 %, 3 %, 3 %.
PANEL = {
    "F1": {"revenue": (1000, 1400, 2040), "rd_expense": (20, 44, 96.8), "employees": (10, 12, 16),
           "patents": (1, 2, 3), "invention_patents": (0, 2, 1), "exports": (100, 140, 204), "land_mu": (10, 10, 10),
           "tax": (50, 55, 60.5), "energy_tce": (40, 36, 32.4), "value_added": (400, 400, 400)},
    "F2": {"revenue": (3000, 3000, 2800), "rd_expense": (60, 88, 48.4), "employees": (30, 32, 32),
           "patents": (3, 3, 4), "invention_patents": (1, 1, 1), "exports": (300, 300, 280), "land_mu": (30, 30, 30),
           "tax": (150, 165, 181.5), "energy_tce": (60, 54, 48.6), "value_added": (600, 600, 600)},
    "F3": {c: (9999, 9999, 9999) for c in COLUMNS},  # outside the province: never counted
}  # fmt: skip
EXPECTED = {
    "cluster_revenue": (4000, 4400, 4840), "cluster_value_added": (1000, 1000, 1000), "firms": (2, 2, 2),
    "above_scale_firms": (1, 1, 2), "high_tech_firms": (1, 1, 1), "specialised_firms": (2, 2, 2),
    "little_giant_firms": (1, 1, 1), "listed_firms": (1, 1, 1), "employment": (40, 44, 48),
    "rd_expense": (80, 132, 145.2), "rd_intensity": (2, 3, 3), "patents": (4, 5, 7), "invention_patents": (1, 3, 2),
    "exports": (400, 440, 484), "local_supply_rate": (30, 40, 50), "tax_per_mu": (5, 5.5, 6.05),
    "energy_per_value_added": (0.1, 0.09, 0.081),
}  # fmt: skip
# (supplier, customer, year, value, supplier_external): the province's firms buy 100 a year, of which
# 30 / 40 / 50 from firms in the province; F3 is a firm outside it, EXT a supplier outside the firm table.
LINKS = [
    ("F2", "F1", 2021, 30.0, False), ("F3", "F1", 2021, 20.0, False), ("EXT", "F2", 2021, 50.0, True),
    ("F2", "F1", 2022, 40.0, False), ("F3", "F1", 2022, 20.0, False), ("EXT", "F2", 2022, 40.0, True),
    ("F2", "F1", 2023, 50.0, False), ("F3", "F1", 2023, 10.0, False), ("EXT", "F2", 2023, 40.0, True),
    ("F1", "F3", 2023, 100.0, False),  # a customer outside the province: not the province's input
]  # fmt: skip


def _load(ws: Workspace, kind: str, columns: dict[str, list]) -> None:
    ws.import_table(kind, pa.table(columns), source=f"test:{kind}")


@pytest.fixture
def province(workspace: Workspace) -> Workspace:
    """A province with a city, two firms in it with three years of panel and links, a firm outside."""
    _load(workspace, "regions", {
        "region_id": [PROVINCE, CITY, OUTSIDE], "name": ["测试省", "测试市", "外省"],
        "level": ["province", "city", "province"], "parent_id": ["CN", PROVINCE, "CN"],
    })  # fmt: skip
    _load(workspace, "firms", {
        "firm_id": ["F1", "F2", "F3"], "name": ["甲", "乙", "丙"], "region_id": [CITY, PROVINCE, OUTSIDE],
        "tags": ["高新技术企业;专精特新", "小巨人;listed", None],
    })  # fmt: skip
    rows = [(f, y, i) for f in PANEL for i, y in enumerate(YEARS)]
    _load(workspace, "firm-years", {
        "firm_id": [f for f, _, _ in rows], "year": [y for _, y, _ in rows],
        **{c: [float(PANEL[f][c][i]) for f, _, i in rows] for c in COLUMNS},
    })  # fmt: skip
    _load(workspace, "links", {name: [row[k] for row in LINKS] for k, name in enumerate(
        ("supplier_id", "customer_id", "year", "value", "supplier_external"))})  # fmt: skip
    return workspace


def _targets(ws: Workspace, rows: list[tuple[str, int, float, float | None]], region: str = PROVINCE) -> None:
    _load(ws, "targets", {
        "region_id": [region] * len(rows), "kpi": [r[0] for r in rows], "year": [r[1] for r in rows],
        "target": [r[2] for r in rows], "baseline": [r[3] for r in rows],
    })  # fmt: skip


def test_kpis_per_year_match_the_hand_computed_sums_and_ratios(province: Workspace) -> None:
    table = compute_kpis(province.con, PROVINCE)
    assert table.basis == "firm_years"
    assert list(table.values.index) == list(YEARS)
    for key, expected in EXPECTED.items():
        assert table.values[key].tolist() == pytest.approx(expected, rel=1e-12), key
    assert set(table.values.columns) == set(KPIS)
    assert table.sources["local_supply_rate"] == "links" and table.sources["cluster_revenue"] == "firm_years"


def test_kpis_of_a_city_count_only_its_firms_and_buy_locally_from_nobody(province: Workspace) -> None:
    table = compute_kpis(province.con, CITY).values
    assert table["cluster_revenue"].tolist() == [1000, 1400, 2040]
    # F1 buys from F2 (province, not city) and F3: nothing comes from the city itself.
    assert table["local_supply_rate"].tolist() == [0.0, 0.0, 0.0]


def test_kpis_restricted_to_a_chain_count_its_firms_as_customers(province: Workspace) -> None:
    frame = pd.DataFrame({"firm_id": ["F1"], "node_id": ["battery_cells"], "confidence": [1.0],
                          "method": ["manual"], "reason": ["test"]})  # fmt: skip
    save_firm_nodes(province.con, "lithium_ion_battery", frame)
    table = compute_kpis(province.con, PROVINCE, chain_id="lithium_ion_battery").values
    assert table["firms"].tolist() == [1, 1, 1]
    assert table["rd_expense"].tolist() == pytest.approx([20, 44, 96.8])
    # F1's inputs: from F2 (local) 30/40/50, from F3 20/20/10.
    assert table["local_supply_rate"].tolist() == pytest.approx([60.0, 200 / 3, 500 / 6])


def test_ratios_use_only_firms_that_report_both_parts() -> None:
    panel = pd.DataFrame({"year": [2023, 2023, 2023], "tags": [None, None, None],
                          "revenue": [100.0, 300.0, np.nan], "rd_expense": [5.0, np.nan, 7.0],
                          "tax": [10.0, 20.0, 30.0], "land_mu": [2.0, 0.0, np.nan]})  # fmt: skip
    k = kpis_from_firms(panel).loc[2023]
    assert k["rd_intensity"] == pytest.approx(5.0)  # 5 / 100: the other firms lack a part
    assert k["tax_per_mu"] == pytest.approx(15.0)  # (10 + 20) / (2 + 0)
    assert k["cluster_revenue"] == 400.0 and k["rd_expense"] == 12.0
    assert math.isnan(k["high_tech_firms"])  # no firm has tags: unknown, not zero
    assert k["above_scale_firms"] == 0.0 and math.isnan(k["local_supply_rate"])


def test_progress_projection_and_status_by_hand(province: Workspace) -> None:
    _targets(province, [
        ("cluster_revenue", 2025, 5856.4, 4000.0),      # projected 4840 * 1.1**2 = 5856.4: attainment 1
        ("tax_per_mu", 2025, 8.0, 5.0),                 # projected 6.05 * 1.21 = 7.3205: 0.915
        ("rd_intensity", 2025, 5.0, 2.0),               # linear slope 0.5: projected 4.0: 0.8
        ("energy_per_value_added", 2025, 0.0729, 0.1),  # projected 0.06561, lower is better: 1.111
        ("本地配套率", 2025, 70 / 0.9, 30.0),            # by its Chinese name; slope 10: projected 70: 0.9
        ("above_scale_firms", 2023, 2.0, 1.0),          # already observed
        ("above_scale_firms", 2030, 10.0, 1.0),         # series 1, 1, 2: growth sqrt(2) - 1
        ("happiness", 2025, 1.0, None),                 # not a KPI the data can measure
    ])  # fmt: skip
    m = monitor(province.con, PROVINCE)
    assert (m.year, m.previous_year, m.basis) == (2023, 2022, "firm_years")

    revenue = m.kpi("cluster_revenue")
    assert revenue.trend.method == "compound" and revenue.trend.rate == pytest.approx(0.1)
    (t,) = revenue.targets
    assert t.projected == pytest.approx(5856.4) and t.attainment == pytest.approx(1.0)
    assert t.progress == pytest.approx(840 / 1856.4)
    assert revenue.status == "on_track"

    tax = m.kpi("tax_per_mu").headline
    assert tax.projected == pytest.approx(7.3205) and tax.status == "at_risk"
    assert m.kpi("tax_per_mu").headline.progress == pytest.approx((6.05 - 5) / 3)

    rd = m.kpi("rd_intensity")
    assert rd.trend.method == "linear" and rd.trend.slope == pytest.approx(0.5)
    assert rd.headline.projected == pytest.approx(4.0) and rd.headline.progress == pytest.approx(1 / 3)
    assert rd.status == "off_track"

    energy = m.kpi("energy_per_value_added")
    assert energy.trend.rate == pytest.approx(-0.1) and energy.headline.projected == pytest.approx(0.06561)
    assert energy.headline.attainment == pytest.approx(0.0729 / 0.06561) and energy.status == "on_track"

    local = m.kpi("local_supply_rate")
    assert local.headline.projected == pytest.approx(70.0) and local.status == "at_risk"  # exactly at 0.9

    above = m.kpi("above_scale_firms")
    assert [(t.year, t.basis, t.status) for t in above.targets] == [
        (2023, "actual", "on_track"),
        (2030, "compound", "on_track"),
    ]
    assert above.trend.rate == pytest.approx(math.sqrt(2) - 1)
    assert above.headline.projected == pytest.approx(2 * math.sqrt(2) ** 7)

    assert m.kpi("firms").status == "no_target" and m.kpi("happiness").status == "no_data"
    assert any("happiness" in note for note in m.notes)
    assert [f.data["kpi"] for f in m.alerts] == ["rd_intensity", "local_supply_rate", "tax_per_mu"]


def test_status_thresholds_are_parameters_shown_in_the_output(province: Workspace) -> None:
    _targets(province, [("cluster_revenue", 2025, 5856.4 / 0.95, 4000.0)])  # attainment 0.95
    statuses = {
        (on, risk): monitor(province.con, PROVINCE, on_track=on, at_risk=risk).kpi("cluster_revenue").status
        for on, risk in ((1.0, 0.9), (0.95, 0.9), (1.0, 0.95), (1.0, 0.96))
    }
    assert statuses == {(1.0, 0.9): "at_risk", (0.95, 0.9): "on_track", (1.0, 0.95): "at_risk",
                        (1.0, 0.96): "off_track"}  # fmt: skip
    out = monitor(province.con, PROVINCE, on_track=0.95, at_risk=0.8).to_dict()
    assert out["thresholds"] == {"on_track": 0.95, "at_risk": 0.8, "rtol": 0.01}
    with pytest.raises(InvalidParameterError, match="'at_risk' parameter of monitor"):
        monitor(province.con, PROVINCE, on_track=0.9, at_risk=0.95)


def test_target_year_picks_the_headline_target(province: Workspace) -> None:
    _targets(province, [("above_scale_firms", 2023, 3.0, 1.0), ("above_scale_firms", 2030, 10.0, 1.0)])
    assert monitor(province.con, PROVINCE, target_year=2023).kpi("above_scale_firms").status == "off_track"
    assert monitor(province.con, PROVINCE, target_year=2025).kpi("above_scale_firms").status == "no_target"
    assert monitor(province.con, PROVINCE).kpi("above_scale_firms").target_year == 2030


def test_findings_carry_their_evidence_and_both_languages(province: Workspace) -> None:
    _targets(province, [("rd_intensity", 2025, 5.0, 2.0)])
    data = json.loads(json.dumps(monitor(province.con, PROVINCE).to_dict(), allow_nan=False))
    rd = next(f for f in data["findings"] if f["id"] == "monitor.rd_intensity")
    assert rd["severity"] == 2 and rd["data"]["status"] == "off_track"
    first = rd["evidence"][0]
    assert (first["metric"], first["benchmark"], first["source"], first["year"]) == (
        "rd_intensity",
        5.0,
        "firm_years",
        2023,
    )
    assert first["value"] == pytest.approx(3.0)
    assert rd["evidence"][1]["value"] == pytest.approx(4.0) and rd["evidence"][1]["year"] == 2025
    assert "研发投入强度" in rd["text_zh"] and "R&D intensity: 3% in 2023" in rd["text_en"]
    assert "0.5 percentage points a year" in rd["text_en"]
    assert data["summary"]["off_track"] == 1 and data["alerts"] == ["monitor.rd_intensity"]
    assert {k["kpi"] for k in data["kpis"]} == set(KPIS)


def test_changes_compare_the_year_with_the_one_before(province: Workspace) -> None:
    m = monitor(province.con, PROVINCE)
    kinds = {f.data["kpi"]: f.kind for f in m.changes}
    assert kinds["cluster_revenue"] == "improved" and kinds["energy_per_value_added"] == "improved"
    assert kinds["invention_patents"] == "worsened" and kinds["rd_intensity"] == "stable"
    assert kinds["firms"] == "stable"
    local = next(f for f in m.changes if f.data["kpi"] == "local_supply_rate")
    assert "10.00个百分点" in local.text_zh or "10个百分点" in local.text_zh
    assert (local.evidence[0].value, local.evidence[0].benchmark) == (50.0, 40.0)
    back = {f.data["kpi"]: f for f in evaluate_years(province.con, PROVINCE, 2022, 2021)}
    assert back["cluster_revenue"].data["relative_change"] == pytest.approx(0.1)
    assert back["invention_patents"].kind == "improved"
    with pytest.raises(InvalidParameterError, match="'previous_year' parameter of evaluate_years"):
        evaluate_years(province.con, PROVINCE, 2022, 2022)


def test_year_cuts_the_series(province: Workspace) -> None:
    m = monitor(province.con, PROVINCE, year=2022)
    assert m.kpi("cluster_revenue").latest == (2022, 4400.0) and m.previous_year == 2021


def test_firms_without_a_panel_give_one_year(workspace: Workspace) -> None:
    _load(workspace, "regions", {"region_id": [PROVINCE], "name": ["测试省"], "level": ["province"],
                                 "parent_id": ["CN"]})  # fmt: skip
    _load(workspace, "firms", {"firm_id": ["A", "B"], "name": ["甲", "乙"], "region_id": [PROVINCE, PROVINCE],
                               "revenue": [1500.0, 2500.0], "tax": [30.0, 50.0], "land_mu": [4.0, 4.0]})  # fmt: skip
    _targets(workspace, [("tax_per_mu", 2025, 12.0, 8.0)])
    m = monitor(workspace.con, PROVINCE, year=2023)
    assert m.basis == "firms"
    tax = m.kpi("tax_per_mu")
    assert tax.series == ((2023, 10.0),) and tax.trend.method == "flat"
    assert tax.headline.projected == 10.0 and tax.status == "off_track"  # 10 / 12 < 0.9
    assert m.kpi("above_scale_firms").latest == (2023, 1.0)
    assert m.kpi("local_supply_rate").status == "no_data" and m.changes == ()


def test_statistics_stand_in_without_firms_and_count_each_number_once(workspace: Workspace) -> None:
    _load(workspace, "regions", {
        "region_id": ["960000", "960100", "960101"], "name": ["省", "市", "县"],
        "level": ["province", "city", "county"], "parent_id": ["CN", "960000", "960100"],
    })  # fmt: skip
    _load(workspace, "stats", {
        "year": [2022, 2022, 2022, 2022, 2023], "region_id": ["960100", "960100", "960100", "960101", "960101"],
        "scheme": ["gbt4754_2017"] * 5, "industry_code": ["39", "3911", "38", "39", "39"],
        "employment": [100.0, 60.0, 50.0, 999.0, 70.0], "output": [1000.0, 600.0, 500.0, 9999.0, 800.0],
    })  # fmt: skip
    m = monitor(workspace.con, "960000")
    assert m.basis == "stats"
    # 2022: the city's 39 and 38 (3911 is inside 39; the county is inside the city); 2023: the county.
    assert m.kpi("employment").series == ((2022, 150.0), (2023, 70.0))
    assert m.kpi("cluster_revenue").series == ((2022, 1500.0), (2023, 800.0))
    assert m.kpi("cluster_revenue").source == "stats" and m.kpi("patents").status == "no_data"


def test_a_region_without_data_reports_no_data_for_every_kpi(workspace: Workspace) -> None:
    _load(workspace, "regions", {"region_id": ["950000"], "name": ["空省"], "level": ["province"],
                                 "parent_id": ["CN"]})  # fmt: skip
    _targets(workspace, [("cluster_revenue", 2025, 100.0, 50.0)], region="950000")
    m = monitor(workspace.con, "950000")
    assert m.basis == "none" and m.year is None
    assert {k.status for k in m.kpis} == {"no_data"}
    assert all(f.severity == 1 and f.evidence for f in m.findings)
    data = json.loads(json.dumps(m.to_dict(), allow_nan=False))
    assert data["summary"]["no_data"] == len(KPIS)
    with pytest.raises(InvalidParameterError, match="no region"):
        monitor(workspace.con, "nowhere")


def test_kpi_names_resolve_from_keys_and_names() -> None:
    assert resolve_kpi("亩均税收") == "tax_per_mu" and resolve_kpi(" R&D intensity ") == "rd_intensity"
    assert resolve_kpi("output") == "cluster_revenue" and resolve_kpi("unknown") is None
    assert set(KPI_GROWTH) <= set(KPIS)  # the demo's targets are all measurable


def _finding(fid: str, kind: str, value: float, severity: int = 2) -> dict:
    return {"id": fid, "kind": kind, "severity": severity, "text_zh": f"{fid}中文", "text_en": f"{fid} text",
            "evidence": [{"metric": "share", "value": value, "threshold": 0.5, "source": "firms", "year": 2023}]}  # fmt: skip


def test_compare_diagnoses_reports_what_appeared_went_and_moved() -> None:
    previous = {"region_id": "R", "year": 2022, "scores": {"completeness": 0.8, "mode": {"core": 0.5}, "x": 1.0},
                "findings": [_finding("gap.a", "gap", 0.2), _finding("strength.b", "strength", 1.5, 0),
                             _finding("risk.c", "risk", 0.60)]}  # fmt: skip
    current = {"region_id": "R", "year": 2023, "scores": {"completeness": 0.82, "mode": {"core": 0.6}, "y": 2.0},
               "findings": [_finding("risk.c", "risk", 0.70), _finding("shortcoming.d", "shortcoming", 0.1),
                            _finding("strength.b", "strength", 1.52, 0)]}  # fmt: skip
    found = {f.id: f for f in compare_diagnoses(previous, current, rtol=0.05)}
    assert list(found) == [
        "evaluation.appeared.shortcoming.d",
        "evaluation.disappeared.gap.a",
        "evaluation.changed.risk.c.share",
        "evaluation.score.mode.core",
        "evaluation.score.y",
        "evaluation.score.x",
    ]
    new = found["evaluation.appeared.shortcoming.d"]
    assert new.text_zh.startswith("新增短板") and new.text_en.startswith("New shortcoming") and new.severity == 2
    assert new.evidence[0].value == 0.1
    assert found["evaluation.disappeared.gap.a"].text_en == "Gap resolved: gap.a text"
    moved = found["evaluation.changed.risk.c.share"]
    assert (moved.evidence[0].value, moved.evidence[0].benchmark) == (0.7, 0.6)
    assert moved.data["relative_change"] == pytest.approx(1 / 6)
    assert found["evaluation.score.mode.core"].data["relative_change"] == pytest.approx(0.2)
    assert "completeness" not in "".join(found)  # +2.5 % is within the tolerance
    assert len(compare_diagnoses(previous, current, rtol=0.01)) == 8  # now completeness and strength.b move too
    assert compare_diagnoses(current, current) == []
    with pytest.raises(InvalidParameterError, match="'previous' parameter of compare_diagnoses"):
        compare_diagnoses({"findings": "none"}, current)


@pytest.fixture(scope="module")
def demo(demo_summary: DemoSummary) -> Path:
    return Path(demo_summary.workspace)


def test_demo_monitor_has_every_target_kpi_with_a_status(demo: Path) -> None:
    with Workspace.open(demo, read_only=True) as ws:
        monitor(ws.con, "990000")  # warm up
        started = time.perf_counter()
        m = monitor(ws.con, "990000")
        seconds = time.perf_counter() - started
        baselines = dict(ws.con.sql("SELECT DISTINCT kpi, baseline FROM kpi_targets").fetchall())
    assert seconds < 2.0
    assert isinstance(m, Monitoring) and m.basis == "firm_years" and m.year == 2023
    for key in KPI_GROWTH:
        k = m.kpi(key)
        assert len(k.targets) == 7 and k.target_year == 2030, key
        assert k.status in ("on_track", "at_risk", "off_track"), key
        # The demo's baselines are the last year's sums over the province's firms (three of them
        # founded after the last data year are in the firms table, not in the panel).
        assert k.latest[1] == pytest.approx(baselines[key], rel=2e-3, abs=3), key
    json.dumps(m.to_dict(), allow_nan=False)
