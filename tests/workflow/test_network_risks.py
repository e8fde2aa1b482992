"""Risk warnings of the synthetic demo province: the planted sole-source and foreign-dependent nodes are found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterbrain.demo.build import DemoSummary
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.store.frames import region_and_descendants
from clusterbrain.workflow.network_risks import RiskReport, network_risks, risk_findings

FOCUS = "990000"


@pytest.fixture(scope="module")
def demo(demo_summary: DemoSummary) -> tuple[Path, dict]:
    return Path(demo_summary.workspace), demo_summary.planted


@pytest.fixture(scope="module")
def report(demo: tuple[Path, dict]) -> RiskReport:
    with Workspace.open(demo[0], read_only=True) as ws:
        return network_risks(ws.con, FOCUS)


@pytest.fixture(scope="module")
def focus_regions(demo: tuple[Path, dict]) -> set[str]:
    with Workspace.open(demo[0], read_only=True) as ws:
        return set(region_and_descendants(ws.con, FOCUS))


def test_planted_sole_source_nodes_are_warned(
    report: RiskReport, demo: tuple[Path, dict], focus_regions: set[str]
) -> None:
    planted = [n["node_id"] for n in demo[1]["sole_source_nodes"]]
    assert planted == ["separator", "packaging_testing"]
    region_level = {w.where["node_id"]: w for w in report.of_kind("sole_source") if w.where["customer_node_id"] is None}
    # The planted definition: every focus-province purchase of the node comes from one local firm.
    assert set(region_level) == set(planted)
    for node_id in planted:
        w = region_level[node_id]
        assert w.where["firm_id"] in report.indicators.local
        assert report.indicators.inputs.at[node_id, "suppliers"] == 1
        assert w.candidates, node_id
        assert all(c.region_id not in focus_regions for c in w.candidates)
        assert w.where["firm_id"] not in {c.firm_id for c in w.candidates}


def test_sole_source_warnings_are_few(report: RiskReport) -> None:
    # Beyond the two planted nodes, at most a chain node or two whose few local buyers share a supplier.
    sole = report.of_kind("sole_source")
    assert 2 <= len(sole) <= 4
    extra = [w for w in sole if w.where["customer_node_id"] is not None]
    assert all(w.severity == "low" for w in extra)
    # Most local buyers have one supplier: a firm-level rule would flood; the region-level one does not.
    firms = report.indicators.firms
    assert (firms["suppliers"] == 1).sum() > 10 * len(sole)


def test_planted_foreign_dependent_node_is_warned(report: RiskReport, demo: tuple[Path, dict]) -> None:
    (node,) = demo[1]["foreign_dependent_nodes"]
    found = {w.where["node_id"]: w for w in report.of_kind("foreign_dependence")}
    assert set(found) == {node["node_id"]} == {"eda_tools"}
    w = found["eda_tools"]
    share = {e.metric: e.value for e in w.evidence}["foreign_share"]
    assert share > node["evidence"]["threshold"] == 0.8
    assert w.severity == "critical"
    assert all(c.country == "CN" for c in w.candidates)


def test_report_serialises_with_indicators_and_findings(report: RiskReport) -> None:
    data = json.loads(json.dumps(report.to_dict()))
    assert data["region_id"] == FOCUS
    assert set(data["chain_ids"]) == {"integrated_circuits", "lithium_ion_battery"}
    assert data["summary"]["warnings"] == len(data["warnings"]) == sum(data["summary"]["by_severity"].values())
    assert {"inputs", "nodes", "node_inputs", "firms", "bridges", "region_dependence"} <= set(data["indicators"])
    dependence = data["indicators"]["region_dependence"]
    assert dependence[0]["source"] == FOCUS and 0.5 < dependence[0]["share"] < 1
    ranks = [["low", "medium", "high", "critical"].index(w["severity"]) for w in data["warnings"]]
    assert ranks == sorted(ranks, reverse=True)
    findings = risk_findings(report)
    assert len(findings) == len(report.warnings)
    assert all(
        f.kind == "risk" and f.evidence and f.severity == w.rank for f, w in zip(findings, report.warnings, strict=True)
    )
    assert findings[0].to_dict()["evidence"][0]["source"] == "links"


def test_options_year_chain_and_errors(demo: tuple[Path, dict]) -> None:
    with Workspace.open(demo[0], read_only=True) as ws:
        battery = network_risks(ws.con, FOCUS, chain_id="lithium_ion_battery", year=2023, top_candidates=1)
        assert battery.chain_ids == ("lithium_ion_battery",) and battery.year == 2023
        sole = [w.where["node_id"] for w in battery.of_kind("sole_source") if w.where["customer_node_id"] is None]
        assert sole == ["separator"]
        assert all(len(w.candidates) <= 1 for w in battery.warnings)
        with pytest.raises(InvalidParameterError, match="no region '000000'"):
            network_risks(ws.con, "000000")
        with pytest.raises(InvalidParameterError, match="no chain template 'nope'"):
            network_risks(ws.con, FOCUS, chain_id="nope")
        with pytest.raises(InvalidParameterError, match="needs supply links; the workspace has none for year 1990"):
            network_risks(ws.con, FOCUS, year=1990)
