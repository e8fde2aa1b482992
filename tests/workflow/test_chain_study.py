"""A region on a chain, end to end on the synthetic demo province: map, analyse, gaps, charts, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.demo.build import build_demo_workspace
from clusterbrain.store import Workspace
from clusterbrain.workflow.chain_study import map_chain_firms, study_chain

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    summary = build_demo_workspace(tmp_path_factory.mktemp("demo"), n_firms=3000)
    return Path(summary.workspace), summary.planted


def test_mapping_is_stored_and_used_by_the_study(demo: tuple[Path, dict]) -> None:
    path, planted = demo
    with Workspace.open(path) as ws:
        mapping = map_chain_firms(ws.con, "lithium_ion_battery")
        assert len(mapping.assignments) > 500
        assert ws.con.execute("SELECT count(*) FROM firm_nodes").fetchall()[0][0] == len(mapping.assignments)
        study = study_chain(ws.con, "lithium_ion_battery", "990000")
    data = json.loads(json.dumps(study.to_dict(), default=str))
    assert data["analysis"]["basis"] == "firms"
    assert 0 <= data["analysis"]["local_supporting_rate"] <= 1
    statuses = {n["node_id"]: n["status"] for n in data["analysis"]["nodes"]}
    # The demo plants no local lithium mining: the template's lithium node must come out missing.
    assert statuses["lithium_resources"] == "missing"
    assert "lithium_resources" in study.gaps.node_ids("fill")
    assert {n["id"] for n in data["charts"]["chain_map"]["nodes"]} == set(statuses)


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
