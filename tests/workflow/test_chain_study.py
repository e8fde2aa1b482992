"""A region on a chain, end to end on the synthetic demo province: map, analyse, gaps, charts, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.demo.build import build_demo_workspace
from clusterbrain.store import Workspace
from clusterbrain.workflow.chain_study import ChainStudy, map_chain_firms, study_chain

runner = CliRunner()


DEMO_CHAINS = ("lithium_ion_battery", "integrated_circuits")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    summary = build_demo_workspace(tmp_path_factory.mktemp("demo"), n_firms=3000)
    return Path(summary.workspace), summary.planted


@pytest.fixture(scope="module")
def studies(demo: tuple[Path, dict]) -> dict[str, ChainStudy]:
    """The focus province on both demo chains, from firms mapped by name, scope, code and product."""
    path, _ = demo
    with Workspace.open(path, read_only=True) as ws:
        return {chain_id: study_chain(ws.con, chain_id, "990000") for chain_id in DEMO_CHAINS}


def test_mapping_is_stored_and_used_by_the_study(demo: tuple[Path, dict]) -> None:
    path, planted = demo
    with Workspace.open(path) as ws:
        mapping = map_chain_firms(ws.con, "lithium_ion_battery")
        assert len(mapping.assignments) > 500
        stored = "SELECT count(*) FROM firm_nodes WHERE chain_id = 'lithium_ion_battery'"
        assert ws.con.execute(stored).fetchall()[0][0] == len(mapping.assignments)
        study = study_chain(ws.con, "lithium_ion_battery", "990000")
    data = json.loads(json.dumps(study.to_dict(), default=str))
    assert data["analysis"]["basis"] == "firms"
    assert 0 <= data["analysis"]["local_supporting_rate"] <= 1
    statuses = {n["node_id"]: n["status"] for n in data["analysis"]["nodes"]}
    # The demo plants no local lithium mining: the template's lithium node must come out missing.
    assert statuses["lithium_resources"] == "missing"
    assert "lithium_resources" in study.gaps.node_ids("fill")
    assert {n["id"] for n in data["charts"]["chain_map"]["nodes"]} == set(statuses)


def test_planted_missing_nodes_come_out_missing(demo: tuple[Path, dict], studies: dict[str, ChainStudy]) -> None:
    _, planted = demo
    missing = [(n["chain_id"], n["node_id"]) for n in planted["missing_nodes"]]
    assert missing == [("lithium_ion_battery", "lithium_resources"), ("integrated_circuits", "wafer_foundry")]
    for chain_id, node_id in missing:
        assert studies[chain_id].analysis.status(node_id) == "missing"
        assert node_id in studies[chain_id].gaps.node_ids("fill")
    # Nothing else is missing: the province has firms on every other node of both templates.
    assert {(c, n) for c, s in studies.items() for n in s.analysis.nodes_with("missing")} == set(missing)


def test_planted_foreign_dependent_node_comes_out_foreign_dependent(
    demo: tuple[Path, dict], studies: dict[str, ChainStudy]
) -> None:
    _, planted = demo
    (node,) = planted["foreign_dependent_nodes"]
    assert (node["chain_id"], node["node_id"]) == ("integrated_circuits", "eda_tools")
    analysis = studies[node["chain_id"]].analysis
    assert analysis.status(node["node_id"]) == "foreign_dependent"
    # The study reads each supply relation's latest year; the manifest sums all years.
    share = analysis.nodes.set_index("node_id").at[node["node_id"], "purchase_abroad_share"]
    assert share > node["evidence"]["threshold"] == 0.8


def test_planted_sole_source_nodes_have_one_local_firm(demo: tuple[Path, dict], studies: dict[str, ChainStudy]) -> None:
    _, planted = demo
    sole = [(n["chain_id"], n["node_id"]) for n in planted["sole_source_nodes"]]
    assert sole == [("lithium_ion_battery", "separator"), ("integrated_circuits", "packaging_testing")]
    for node in planted["sole_source_nodes"]:
        nodes = studies[node["chain_id"]].analysis.nodes.set_index("node_id")
        assert nodes.at[node["node_id"], "local_firms"] == 1
        assert nodes.at[node["node_id"], "sole_source"]
        leaders = studies[node["chain_id"]].analysis.leaders
        leader = leaders.loc[leaders["node_id"] == node["node_id"], "firm_id"].tolist()
        assert leader == [node["evidence"]["supplier_id"]]


def test_chain_gaps_command_writes_tables_json_and_figures(demo: tuple[Path, dict], tmp_path: Path) -> None:
    path, _ = demo
    out = tmp_path / "gaps"
    result = runner.invoke(
        app, ["chain", "gaps", "lithium_ion_battery", "-w", str(path), "--region", "990000", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    for name in (
        "nodes.csv",
        "leaders.csv",
        "gaps.json",
        "chain_study.json",
        "chain_map.svg",
        "chain_map.png",
        "smile_curve.svg",
        "smile_curve.png",
    ):
        assert (out / name).stat().st_size > 0, name
    gaps = json.loads((out / "gaps.json").read_text(encoding="utf-8"))
    assert {item["kind"] for item in gaps["items"]} <= {"fill", "strengthen", "extend"}
    assert all(item["evidence"] for item in gaps["items"])


def test_chain_map_command_reports_unmapped_firms(demo: tuple[Path, dict], tmp_path: Path) -> None:
    path, _ = demo
    result = runner.invoke(app, ["chain", "map", "integrated_circuits", "-w", str(path), "-o", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["mapped"] > 0
    assert (tmp_path / "unmapped.csv").exists()


def test_unknown_region_is_a_clear_error(demo: tuple[Path, dict]) -> None:
    path, _ = demo
    result = runner.invoke(app, ["chain", "gaps", "photovoltaics", "-w", str(path), "--region", "nowhere"])
    assert result.exit_code == 1
    assert "no region 'nowhere'" in result.output
